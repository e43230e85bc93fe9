"""Writes for notifications: fan a message out to users and channels, send one delivery,
mark notifications read."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agencies.models import Agency
from notifications import channels
from notifications.models import Channel, Delivery, DeliveryState, Notification
from ops.bulk import bulk_insert_new
from ops.outbox import outbox_enqueue_many
from ops.page_cache import viewers_changed

logger = logging.getLogger(__name__)

# Deliveries handed to one job: enough to spare the broker, few enough to finish quickly.
DELIVERY_BATCH = 200
SENDERS = {Channel.EMAIL: channels.email_send, Channel.WEBHOOK: channels.webhook_send}


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    link: str = ""


@dataclass(frozen=True)
class FanOut:
    """One message to its people and channels, under a key that makes it happen once."""

    dedupe_key: str
    message: Message
    users: list[AbstractBaseUser]
    agencies: list[Agency] = field(default_factory=list)
    # The text for e-mail and robots when it differs from the bell's (a digest lists its
    # items there; the bell opens the page that lists them).
    outside_body: str = ""


def notification_fan_out(
    *,
    dedupe_key: str,
    message: Message,
    users: Iterable[AbstractBaseUser],
    agencies: Iterable[Agency] = (),
) -> None:
    """In-app to every user, e-mail to those with an address, the robot of every agency that
    has one. Each (recipient or address, dedupe_key) exists once: a second call adds nothing.
    Call inside the caller's transaction: the messages commit with the change.
    """
    notifications_fan_out(fan_outs=[FanOut(dedupe_key, message, list(users), list(agencies))])


def notifications_fan_out(*, fan_outs: list[FanOut]) -> None:
    """Many fan-outs in a fixed number of statements: a reminders pass sends tens of
    thousands at once."""
    notifications: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    for item in fan_outs:
        message = item.message
        users = list({u.pk: u for u in item.users}.values())
        title = message.title[:300]
        notifications += [
            {
                "recipient_id": user.pk,
                "kind": message.kind,
                "title": title,
                "body": message.body,
                "link": message.link,
                "dedupe_key": item.dedupe_key,
            }
            for user in users
        ]
        addresses = [(Channel.EMAIL, u.email) for u in users if getattr(u, "email", "")]
        addresses += [(Channel.WEBHOOK, a.webhook_url) for a in item.agencies if a.webhook_url]
        # Outside the site a link needs its host: the e-mail and the robot get the full address.
        link = message.link
        url = settings.SITE_URL.rstrip("/") + link if link.startswith("/") else ""
        text = f"{item.outside_body or message.body}\n{url}".strip()
        deliveries += [
            {
                "channel": channel,
                "address": address,
                "subject": title,
                "body": text,
                "dedupe_key": item.dedupe_key,
            }
            for channel, address in addresses
        ]
    bulk_insert_new(model=Notification, rows=notifications)
    # The bell is on every page of the recipients': theirs are rebuilt, nobody else's.
    viewers_changed({row["recipient_id"] for row in notifications})
    bulk_insert_new(model=Delivery, rows=deliveries)
    # Enqueue only what is still waiting: a repeated fan-out finds nothing new to send.
    keys = sorted({item.dedupe_key for item in fan_outs})
    waiting = list(
        Delivery.objects.filter(
            dedupe_key__in=keys, state=DeliveryState.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    outbox_enqueue_many(
        task_name="notifications.deliveries_send",
        kwargs_list=[
            {"delivery_ids": waiting[i : i + DELIVERY_BATCH]}
            for i in range(0, len(waiting), DELIVERY_BATCH)
        ],
    )


def delivery_send(*, delivery_id: int, final_attempt: bool = False) -> bool:
    """Send one delivery at most once. Returns False when someone else already has it.

    Claimed by compare-and-set (pending → sending): a retried or duplicated job finds the
    row no longer pending and sends nothing. A transient failure puts it back to pending
    and re-raises for the job to retry with backoff; a permanent one marks it failed.
    """
    claimed = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        SENDERS[Channel(delivery.channel)](
            address=delivery.address, subject=delivery.subject, body=delivery.body
        )
    except channels.TransientDeliveryError as exc:
        state = DeliveryState.FAILED if final_attempt else DeliveryState.PENDING
        Delivery.objects.filter(pk=delivery_id).update(state=state, last_error=str(exc)[:2000])
        raise
    except channels.PermanentDeliveryError as exc:
        logger.warning("delivery %s failed for good: %s", delivery_id, exc)
        Delivery.objects.filter(pk=delivery_id).update(
            state=DeliveryState.FAILED, last_error=str(exc)[:2000]
        )
        return True
    Delivery.objects.filter(pk=delivery_id).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def notification_mark_read(*, user: AbstractBaseUser, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    with transaction.atomic():
        changed = unread.update(read_at=timezone.now())
        if changed:
            viewers_changed([user.pk])
        return changed
