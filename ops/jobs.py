"""Celery tasks of the ops app: the outbox relay and the recovery of jobs whose worker died."""

from __future__ import annotations

from celery import shared_task

from ops.outbox import outbox_relay as relay
from ops.retry import RetryingTask
from ops.runner import RECOVER_JOB, jobs_recover, scheduled_job


@shared_task(name="ops.outbox_relay", base=RetryingTask, max_retries=0, ignore_result=True)
def outbox_relay() -> int:
    """Every minute from beat: hand waiting messages to the broker. Idempotent; a failed
    relay is not retried, the next minute's is."""
    return relay()


# Every minute from beat: runs whose worker died are marked failed and queued again.
recover = scheduled_job(name=RECOVER_JOB, task_name="ops.jobs_recover", service=jobs_recover)
