"""Celery tasks of the tasks app: a large plan document parsed and imported in the background
(tasks/services/plan_import_jobs.py). Each takes the job's id and claims its row by
compare-and-set, so a redelivered message does nothing twice."""

from __future__ import annotations

from celery import shared_task

from ops.retry import RetryingTask
from tasks.services.plan_import_jobs import plan_import_job_apply, plan_import_job_parse


@shared_task(name="tasks.plan_import_parse", base=RetryingTask, max_retries=5, ignore_result=True)
def plan_import_parse(job_id: int) -> None:
    plan_import_job_parse(job_id=job_id)


@shared_task(name="tasks.plan_import_apply", base=RetryingTask, max_retries=5, ignore_result=True)
def plan_import_apply(job_id: int) -> None:
    plan_import_job_apply(job_id=job_id)
