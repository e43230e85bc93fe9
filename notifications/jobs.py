"""Celery tasks of the notifications app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import Task, shared_task

from notifications.channels import TransientDeliveryError
from notifications.events import event_notify as notify
from notifications.services import delivery_send as send
from ops.retry import retry_countdown, retrying

DELIVERY_MAX_RETRIES = 6


@shared_task(
    bind=True,
    name="notifications.delivery_send",
    acks_late=True,
    max_retries=DELIVERY_MAX_RETRIES,
    ignore_result=True,
)
def delivery_send(self: Task, delivery_id: int) -> None:
    """One channel, one address: a failing channel never holds up the others."""
    final = self.request.retries >= self.max_retries
    try:
        retrying(self, lambda: send(delivery_id=delivery_id, final_attempt=final))
    except TransientDeliveryError as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(
    bind=True,
    name="notifications.deliveries_send",
    acks_late=True,
    max_retries=DELIVERY_MAX_RETRIES,
    ignore_result=True,
)
def deliveries_send(self: Task, delivery_ids: list[int]) -> None:
    """The deliveries of one fan-out, in one job: a reminders pass makes tens of thousands,
    and one broker message each would cost more than sending them. Each is still claimed on
    its own; one that fails for a transient reason goes on alone as `delivery_send`, with
    backoff, after the others have gone: a failing channel never holds up the others."""
    failed: list[int] = []
    for delivery_id in delivery_ids:
        try:
            # On a database error the batch is retried: safe, as the deliveries already sent
            # are no longer pending.
            retrying(self, lambda delivery_id=delivery_id: send(delivery_id=delivery_id))
        except TransientDeliveryError:
            failed.append(delivery_id)
    for delivery_id in failed:
        delivery_send.apply_async(kwargs={"delivery_id": delivery_id}, countdown=retry_countdown(0))


@shared_task(
    bind=True, name="notifications.event_notify", acks_late=True, max_retries=5, ignore_result=True
)
def event_notify(self: Task, event_id: int) -> None:
    retrying(self, lambda: notify(event_id=event_id))
