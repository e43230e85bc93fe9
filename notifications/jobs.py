"""Celery tasks of the notifications app: thin wrappers that take ids and call a service,
and the reminders jobs: `reminders` sends everything due on a day (run by hand with
`run_job reminders --as-of D`), `reminders_hourly` (beat, every hour) the digests whose
plan's hour has come."""

from __future__ import annotations

from celery import Task, shared_task

from notifications.channels import TransientDeliveryError
from notifications.digest_send import reminders_send_due_now
from notifications.events import event_notify as notify
from notifications.reminders import reminders_send
from notifications.services import delivery_send as send
from ops.retry import TRANSIENT_DB_ERRORS, RetryingTask
from ops.runner import scheduled_job

DELIVERY_MAX_RETRIES = 6
# A delivery that failed in a batch goes on alone after this many seconds.
RETRY_ALONE_AFTER = 2

reminders = scheduled_job(
    name="reminders", task_name="notifications.reminders", service=reminders_send
)
reminders_hourly = scheduled_job(
    name="reminders_hourly",
    task_name="notifications.reminders_hourly",
    service=reminders_send_due_now,
)


@shared_task(
    bind=True,
    name="notifications.delivery_send",
    base=RetryingTask,
    autoretry_for=(*TRANSIENT_DB_ERRORS, TransientDeliveryError),
    max_retries=DELIVERY_MAX_RETRIES,
    ignore_result=True,
)
def delivery_send(self: Task, delivery_id: int) -> None:
    """One channel, one address: a failing channel never holds up the others."""
    send(delivery_id=delivery_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(
    name="notifications.deliveries_send",
    base=RetryingTask,
    max_retries=DELIVERY_MAX_RETRIES,
    ignore_result=True,
)
def deliveries_send(delivery_ids: list[int]) -> None:
    """The deliveries of one fan-out, in one job: a reminders pass makes tens of thousands,
    and one broker message each would cost more than sending them. Each is still claimed on
    its own; one that fails for a transient reason goes on alone as `delivery_send`, with
    backoff, after the others have gone: a failing channel never holds up the others. On a
    database error the batch is retried: safe, as the deliveries already sent are no longer
    pending."""
    failed: list[int] = []
    for delivery_id in delivery_ids:
        try:
            send(delivery_id=delivery_id)
        except TransientDeliveryError:
            failed.append(delivery_id)
    for delivery_id in failed:
        delivery_send.apply_async(kwargs={"delivery_id": delivery_id}, countdown=RETRY_ALONE_AFTER)


@shared_task(
    name="notifications.event_notify", base=RetryingTask, max_retries=5, ignore_result=True
)
def event_notify(event_id: int) -> None:
    notify(event_id=event_id)
