"""Meeting packs, rendered in the background: one job gathers the data, one job per format
renders it, and a sweep (every minute) re-queues packs whose job died or whose message was
lost. Each job holds its pack's or format's lease (an advisory lock) while it works and claims
its row by compare-and-set, so a redelivered or duplicated message does nothing twice and a
dead job's work is taken over at once."""

from __future__ import annotations

from celery import shared_task

from meetings.packs.services import pack_build, pack_part_render, packs_resume
from ops.retry import RetryingTask
from ops.runner import scheduled_job

resume = scheduled_job(name="packs_resume", task_name="meetings.packs_resume", service=packs_resume)


@shared_task(name="meetings.pack_build", base=RetryingTask, max_retries=5, ignore_result=True)
def meeting_pack_build(pack_id: int) -> None:
    pack_build(pack_id=pack_id)


@shared_task(name="meetings.pack_render", base=RetryingTask, max_retries=5, ignore_result=True)
def meeting_pack_render(pack_id: int, fmt: str) -> None:
    pack_part_render(pack_id=pack_id, fmt=fmt)
