"""Celery tasks of the reports app: the daily reminders and the nightly rollup.

Both are idempotent (reminders are claimed once each, rollups are upserts), so they are
acknowledged late: a worker killed mid-run leaves the message to be delivered again, and the
run starts over. Only transient database errors are retried; anything else fails the run,
is logged in JobRun and waits for tomorrow's schedule or an admin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Task, shared_task

from ops.retry import TRANSIENT_DB_ERRORS, forget_broken_connection, retry_countdown
from ops.runner import job_run
from reports.packs.services import pack_build, pack_part_render

JOB_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 8,
}


def _run(task: Task, name: str, as_of: str | None) -> dict[str, Any]:
    day = dt.date.fromisoformat(as_of) if as_of else None
    try:
        return job_run(name=name, as_of=day).as_json()
    except TRANSIENT_DB_ERRORS as exc:
        forget_broken_connection()
        raise task.retry(exc=exc, countdown=retry_countdown(task.request.retries)) from exc


@shared_task(name="reports.reminders", **JOB_OPTIONS)
def reminders(self: Task, as_of: str | None = None) -> dict[str, Any]:
    return _run(self, "reminders", as_of)


@shared_task(name="reports.rollup", **JOB_OPTIONS)
def rollup(self: Task, as_of: str | None = None) -> dict[str, Any]:
    return _run(self, "rollup", as_of)


@shared_task(name="reports.packs_resume", **JOB_OPTIONS)
def packs_resume(self: Task, as_of: str | None = None) -> dict[str, Any]:
    return _run(self, "packs_resume", as_of)


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
    try:
        pack_build(pack_id=pack_id)
    except TRANSIENT_DB_ERRORS as exc:
        forget_broken_connection()
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


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
    try:
        pack_part_render(pack_id=pack_id, fmt=fmt)
    except TRANSIENT_DB_ERRORS as exc:
        forget_broken_connection()
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
