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
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from ops.locks import advisory_lock, lease_free
from ops.models import JobRun, Outcome
from ops.outbox import outbox_enqueue
from ops.retry import RetryingTask

Service = Callable[..., dict[str, int]]  # `(*, as_of: date) -> counts`

# NAME → the service that does the work, filled by the apps' jobs modules.
JOBS: dict[str, Service] = {}
# NAME → the Celery task that runs it: what a lost run is queued again as.
TASKS: dict[str, str] = {}

# JobRun.error of a run whose worker died; stored data read by admins, so in both languages.
WORKER_LOST_PREFIX = "工作进程中断"
WORKER_LOST = f"{WORKER_LOST_PREFIX}，已重新排队 / worker lost: queued again"
WORKER_GONE_FOR_GOOD = (
    f"{WORKER_LOST_PREFIX} %s 次，不再排队 / worker lost %s times: not queued again"
)
# A run whose worker keeps dying (killed for memory, say) is queued again this many times for
# its business date, then left failed for an admin: never a loop of kills.
MAX_RECOVERIES = 3
RECOVER_JOB = "jobs_recover"


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
    TASKS[name] = task_name

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
        # We hold the lock, so a run still marked running lost its process on the way: failed,
        # and queued again unless it was for this same date, which we are about to run.
        for lost in JobRun.objects.filter(job=name, outcome=Outcome.RUNNING):
            _lost_run_recover(lost, requeue=lost.as_of != as_of)
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
        # The database went away mid-job: the lock went with it, and the recovery sweep (or
        # the next run that takes the lock) marks this one failed. The original error is what
        # the caller needs to see, not this one.
        if outcome == Outcome.SUCCEEDED:
            raise


def jobs_recover(*, as_of: dt.date) -> dict[str, int]:
    """Every minute from beat: find runs still marked running whose lease (the job's advisory
    lock) is free, so their worker died, and queue each again for its own date.

    A live run holds its lock for as long as it works, and PostgreSQL frees the lock with a
    dead worker's connection: a free lock under a running row means the row's process is gone.
    Our own runs are skipped (this session holds our lock, and advisory locks are re-entrant,
    so it would look free). `as_of` is unused: each lost run keeps its own date."""
    job_names()  # every app's jobs registered, so each lost run has its task
    counts = {"running": 0, "live": 0, "requeued": 0, "given_up": 0}
    for run in JobRun.objects.filter(outcome=Outcome.RUNNING).exclude(job=RECOVER_JOB):
        counts["running"] += 1
        if not lease_free(f"job:{run.job}"):
            counts["live"] += 1
            continue
        result = _lost_run_recover(run, requeue=True)
        if result:
            counts[result] += 1
    return counts


def _lost_run_recover(run: JobRun, *, requeue: bool) -> str:
    """Mark `run` failed as lost (compare-and-set: only if still running) and, when asked,
    queue its job again for the same date in the same transaction. Returns "requeued",
    "given_up", or "" when another sweep got there first or no requeue was asked for."""
    with transaction.atomic():
        lost = JobRun.objects.filter(pk=run.pk, outcome=Outcome.RUNNING).update(
            outcome=Outcome.FAILED, error=WORKER_LOST, finished_at=timezone.now()
        )
        if not lost or not requeue:
            return ""
        times = JobRun.objects.filter(
            job=run.job, as_of=run.as_of, error__startswith=WORKER_LOST_PREFIX
        ).count()
        task_name = TASKS.get(run.job)
        if task_name is None or times > MAX_RECOVERIES:
            JobRun.objects.filter(pk=run.pk).update(error=WORKER_GONE_FOR_GOOD % (times, times))
            return "given_up"
        outbox_enqueue(task_name=task_name, kwargs={"as_of": run.as_of.isoformat()})
    return "requeued"
