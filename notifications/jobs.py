"""Celery tasks of the notifications app: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import Task, shared_task

from notifications.channels import TransientDeliveryError
from notifications.events import event_notify as notify
from notifications.services import delivery_send as send
from ops.retry import TRANSIENT_DB_ERRORS, forget_broken_connection, retry_countdown

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
    try:
        send(delivery_id=delivery_id, final_attempt=self.request.retries >= self.max_retries)
    except TransientDeliveryError as exc:
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
    except TRANSIENT_DB_ERRORS as exc:
        forget_broken_connection()
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(
    bind=True, name="notifications.event_notify", acks_late=True, max_retries=5, ignore_result=True
)
def event_notify(self: Task, event_id: int) -> None:
    try:
        notify(event_id=event_id)
    except TRANSIENT_DB_ERRORS as exc:
        forget_broken_connection()
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc
