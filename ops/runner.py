"""Run a named job once: under its advisory lock, logged in JobRun with its counts.

The scheduled Celery tasks and `manage.py run_job` both come through here, so a manual run
beside a scheduled one (or two beat processes) never overlap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import Task
from django.db import DatabaseError
from django.utils import timezone
from django.utils.module_loading import import_string

from ops.locks import advisory_lock
from ops.models import JobRun, Outcome
from ops.retry import retrying

# NAME → the service that does the work: `(*, as_of: date) -> dict[str, int]`.
JOBS: dict[str, str] = {
    "reminders": "reports.reminders.reminders_send",
    "rollup": "reports.rollups.rollup_build",
    "security_purge": "security.services.security_log_purge",
    "packs_resume": "reports.packs.services.packs_resume",
}


class UnknownJob(ValueError):
    pass


@dataclass
class JobResult:
    job: str
    as_of: dt.date
    outcome: str
    counts: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {"job": self.job, "as_of": self.as_of.isoformat(), **self.counts}


def job_service(name: str) -> Callable[..., dict[str, int]]:
    if name not in JOBS:
        raise UnknownJob(name)
    return import_string(JOBS[name])


def job_run(*, name: str, as_of: dt.date | None = None) -> JobResult:
    """Run job `name` for the business date `as_of` (today in Asia/Shanghai by default)."""
    service = job_service(name)
    as_of = as_of or timezone.localdate()
    with advisory_lock(f"job:{name}") as acquired:
        if not acquired:
            JobRun.objects.create(
                job=name, as_of=as_of, outcome=Outcome.LOCKED, finished_at=timezone.now()
            )
            return JobResult(name, as_of, Outcome.LOCKED, {})
        # We hold the lock, so a run still marked running lost its process on the way.
        JobRun.objects.filter(job=name, outcome=Outcome.RUNNING).update(
            outcome=Outcome.ABANDONED, finished_at=timezone.now()
        )
        run = JobRun.objects.create(job=name, as_of=as_of)
        try:
            counts = service(as_of=as_of)
        except Exception as exc:
            _finish(run, Outcome.FAILED, {}, error=f"{type(exc).__name__}: {exc}")
            raise
        _finish(run, Outcome.SUCCEEDED, counts)
        return JobResult(name, as_of, Outcome.SUCCEEDED, counts)


def _finish(run: JobRun, outcome: str, counts: dict[str, int], *, error: str = "") -> None:
    run.outcome, run.counts, run.error, run.finished_at = outcome, counts, error, timezone.now()
    try:
        run.save(update_fields=["outcome", "counts", "error", "finished_at"])
    except DatabaseError:
        # The database went away mid-job: the next run that takes the lock marks this one
        # abandoned. The original error is what the caller needs to see, not this one.
        if outcome == Outcome.SUCCEEDED:
            raise


def job_run_retrying(task: Task, *, name: str, as_of: str | None) -> dict[str, Any]:
    """The body of a scheduled job's Celery task: `as_of` as beat or run_job passes it."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    return retrying(task, lambda: job_run(name=name, as_of=day).as_json())
