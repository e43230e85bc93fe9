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
from django.db.models import F
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


def outbox_enqueue_many(*, task_name: str, kwargs_list: list[dict[str, Any]]) -> list[int]:
    """The same for many jobs of one kind: one INSERT, one publishing pass after commit."""
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task_name=task_name, kwargs=kwargs) for kwargs in kwargs_list],
        batch_size=RELAY_BATCH,
    )
    ids = [m.pk for m in messages]
    if ids:
        transaction.on_commit(lambda: outbox_dispatch(message_ids=ids), robust=True)
    return ids


def outbox_dispatch(*, message_ids: list[int]) -> int:
    """Publish the given unsent messages; return how many reached the broker."""
    sent = 0
    for start in range(0, len(message_ids), RELAY_BATCH):
        batch = OutboxMessage.objects.filter(
            pk__in=message_ids[start : start + RELAY_BATCH], sent_at__isnull=True
        ).order_by("pk")
        published, broker_up = _publish_all(list(batch))
        sent += published
        if not broker_up:
            break  # the rest wait for the relay too
    return sent


def outbox_relay() -> int:
    """Publish every waiting message, oldest first; rows locked by another relay are skipped."""
    with transaction.atomic():
        waiting = (
            OutboxMessage.objects.filter(sent_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("created_at", "pk")[:RELAY_BATCH]
        )
        published, _ = _publish_all(list(waiting))
    return published


def _job(name: str) -> Task:
    if name not in current_app.tasks:
        # Outside a worker the jobs modules are discovered lazily: import them on first use.
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def _publish_all(messages: list[OutboxMessage]) -> tuple[int, bool]:
    """Publish in order over one broker connection, mark the published rows sent in one
    UPDATE; stop at the first broker error. Returns (published, broker still answering)."""
    published: list[int] = []
    broker_up = True
    with current_app.producer_or_acquire() as producer:
        for message in messages:
            try:
                _job(message.task_name).apply_async(kwargs=message.kwargs, producer=producer)
            except BROKER_ERRORS as exc:
                # Deliberately not raised: the change this message follows has committed and
                # must stand. The row stays unsent and the relay tries again.
                logger.warning("broker unavailable, %s kept in the outbox: %s", message, exc)
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:1000]
                )
                broker_up = False
                break
            except Exception:
                if not current_app.conf.task_always_eager:
                    raise
                # Eager (the demo, tests): the job ran right here and failed. As on a worker,
                # one failing job must not stop the others; its row stays for the relay.
                logger.exception("eager job of %s failed", message)
                continue
            published.append(message.pk)
    OutboxMessage.objects.filter(pk__in=published).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return len(published), broker_up
