"""Enqueue after commit, and never lose a job when the broker is down.

`outbox_enqueue` is called inside the transaction that makes the change: the message row
commits or rolls back with it. After commit we try to hand it to Celery at once; if Redis
does not answer, the row waits and `outbox_relay` (every minute, from beat) sends it later.
Consumers are idempotent, so a message sent twice (a relay racing a commit hook) is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from ops.models import OutboxMessage

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises when we publish.
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerError, RedisError, OSError)
RELAY_BATCH = 500


def outbox_enqueue(*, task_name: str, kwargs: dict[str, Any]) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    # robust: whatever happens after the commit, the user's save has succeeded and stands.
    transaction.on_commit(lambda: outbox_dispatch(message_ids=[message.pk]), robust=True)
    return message


def outbox_dispatch(*, message_ids: list[int]) -> int:
    """Publish the given unsent messages; return how many reached the broker."""
    sent = 0
    for message in OutboxMessage.objects.filter(pk__in=message_ids, sent_at__isnull=True):
        if not _publish(message):
            break  # the broker is down: the rest wait for the relay too
        sent += 1
    return sent


def outbox_relay() -> int:
    """Publish every waiting message, oldest first; rows locked by another relay are skipped."""
    sent = 0
    with transaction.atomic():
        waiting = (
            OutboxMessage.objects.filter(sent_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "pk")[:RELAY_BATCH]
        )
        for message in waiting:
            if not _publish(message):
                break
            sent += 1
    return sent


def _job(name: str) -> Task:
    if name not in current_app.tasks:
        # Outside a worker the jobs modules are discovered lazily: import them on first use.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def _publish(message: OutboxMessage) -> bool:
    task = _job(message.task_name)
    try:
        task.apply_async(kwargs=message.kwargs)
    except BROKER_ERRORS as exc:
        # Deliberately not raised: the change this message follows has committed and must
        # stand. The row stays unsent and the relay tries again.
        logger.warning("broker unavailable, %s kept in the outbox: %s", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=str(exc)[:1000]
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True
