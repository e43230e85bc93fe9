"""Run a named job once: under its advisory lock, logged in JobRun with its counts.

The scheduled Celery tasks and `manage.py run_job` both come through here, so a manual run
beside a scheduled one (or two beat processes) never overlap. Each app registers its jobs in
its own `jobs.py` with `scheduled_job`: this module names no domain app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import Task, shared_task
from django.db import DatabaseError
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from ops.locks import advisory_lock
from ops.models import JobRun, Outcome
from ops.retry import RetryingTask

Service = Callable[..., dict[str, int]]  # `(*, as_of: date) -> counts`

# NAME → the service that does the work, filled by the apps' jobs modules.
JOBS: dict[str, Service] = {}


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


def scheduled_job(*, name: str, task_name: str, service: Service) -> Task:
    """Register `service` as job `name` and return the Celery task beat calls for it."""
    JOBS[name] = service

    @shared_task(name=task_name, base=RetryingTask)
    def run(as_of: str | None = None) -> dict[str, Any]:
        day = dt.date.fromisoformat(as_of) if as_of else None
        return job_run(name=name, as_of=day).as_json()

    return run


def job_names() -> list[str]:
    autodiscover_modules("jobs")
    return sorted(JOBS)


def job_service(name: str) -> Service:
    if name not in job_names():
        raise UnknownJob(name)
    return JOBS[name]


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
