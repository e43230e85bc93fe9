"""The transient errors our jobs retry, and the Celery task base that retries them.

Only these are retried, by Celery's own `autoretry_for` with exponential backoff and jitter:
anything else is a bug or bad data, fails the job loudly and is logged in JobRun / the worker
log, instead of being retried forever or swallowed.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import InterfaceError, OperationalError, connection

# A database that restarts or drops the connection (failover, maintenance) raises these.
TRANSIENT_DB_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


class RetryingTask(Task):
    """Base of every job: acknowledged late (a worker killed mid-run leaves the message to be
    delivered again, and every job is idempotent), transient database errors retried with
    backoff 2, 4, 8 … seconds (jittered, at most ten minutes)."""

    abstract = True
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT_DB_ERRORS
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8

    def on_retry(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # The database closed the connection under us: the retry must open a fresh one.
        connection.close()
