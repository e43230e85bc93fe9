"""The security log's retention: entries past SECURITY_LOG_RETENTION_DAYS are removed nightly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Task, shared_task

from ops.retry import TRANSIENT_DB_ERRORS, forget_broken_connection, retry_countdown
from ops.runner import job_run


@shared_task(name="security.log_purge", bind=True, acks_late=True, max_retries=8)
def log_purge(self: Task, as_of: str | None = None) -> dict[str, Any]:
    day = dt.date.fromisoformat(as_of) if as_of else None
    try:
        return job_run(name="security_purge", as_of=day).as_json()
    except TRANSIENT_DB_ERRORS as exc:
        forget_broken_connection()
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
