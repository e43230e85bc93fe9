"""The transient errors our jobs retry, and the backoff between attempts.

Only these are retried: anything else is a bug or bad data, fails the job loudly and is
logged in JobRun / the worker log, instead of being retried forever or swallowed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

from celery import Task
from django.db import InterfaceError, OperationalError, connection

# A database that restarts or drops the connection (failover, maintenance) raises these.
TRANSIENT_DB_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

BACKOFF_BASE_SECONDS = 2
BACKOFF_MAX_SECONDS = 600


def retry_countdown(retries: int) -> float:
    """Exponential backoff with jitter: 2, 4, 8 … seconds, at most ten minutes."""
    delay = min(BACKOFF_BASE_SECONDS * 2**retries, BACKOFF_MAX_SECONDS)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security  # nosec B311


def forget_broken_connection() -> None:
    """Drop a connection the database closed under us, so the retry opens a fresh one."""
    connection.close()


T = TypeVar("T")


def retrying(task: Task, action: Callable[[], T]) -> T:
    """`action()` inside a job: a transient database error drops the broken connection and
    retries the job with backoff; anything else fails it."""
    try:
        return action()
    except TRANSIENT_DB_ERRORS as exc:
        forget_broken_connection()
        raise task.retry(exc=exc, countdown=retry_countdown(task.request.retries)) from exc
