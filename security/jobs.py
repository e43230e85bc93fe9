"""The security log's retention: entries past SECURITY_LOG_RETENTION_DAYS are removed nightly."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from ops.runner import job_run_retrying


@shared_task(name="security.log_purge", bind=True, acks_late=True, max_retries=8)
def log_purge(self: Task, as_of: str | None = None) -> dict[str, Any]:
    return job_run_retrying(self, name="security_purge", as_of=as_of)
