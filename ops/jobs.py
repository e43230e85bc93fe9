"""Celery tasks of the ops app: the outbox relay."""

from __future__ import annotations

from celery import shared_task

from ops.outbox import outbox_relay as relay


@shared_task(name="ops.outbox_relay", acks_late=True, ignore_result=True)
def outbox_relay() -> int:
    """Every minute from beat: hand waiting messages to the broker. Idempotent."""
    return relay()
