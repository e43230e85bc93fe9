"""Celery tasks of the reports app: the daily reminders and the nightly rollup.

Both are idempotent (reminders are claimed once each, rollups are upserts), so they are
acknowledged late: a worker killed mid-run leaves the message to be delivered again, and the
run starts over. Only transient database errors are retried; anything else fails the run,
is logged in JobRun and waits for tomorrow's schedule or an admin.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from ops.retry import retrying
from ops.runner import job_run_retrying
from reports.packs.services import pack_build, pack_part_render

JOB_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 8,
}


@shared_task(name="reports.reminders", **JOB_OPTIONS)
def reminders(self: Task, as_of: str | None = None) -> dict[str, Any]:
    return job_run_retrying(self, name="reminders", as_of=as_of)


@shared_task(name="reports.rollup", **JOB_OPTIONS)
def rollup(self: Task, as_of: str | None = None) -> dict[str, Any]:
    return job_run_retrying(self, name="rollup", as_of=as_of)


@shared_task(name="reports.packs_resume", **JOB_OPTIONS)
def packs_resume(self: Task, as_of: str | None = None) -> dict[str, Any]:
    return job_run_retrying(self, name="packs_resume", as_of=as_of)


@shared_task(
    bind=True,
    name="reports.meeting_pack_build",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    ignore_result=True,
)
def meeting_pack_build(self: Task, pack_id: int) -> None:
    """Idempotent: the pack row is claimed by compare-and-set before anything is built."""
    retrying(self, lambda: pack_build(pack_id=pack_id))


@shared_task(
    bind=True,
    name="reports.meeting_pack_render",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    ignore_result=True,
)
def meeting_pack_render(self: Task, pack_id: int, fmt: str) -> None:
    """Idempotent: the format's PackPart row is claimed by compare-and-set first."""
    retrying(self, lambda: pack_part_render(pack_id=pack_id, fmt=fmt))
