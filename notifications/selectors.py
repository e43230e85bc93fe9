from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from notifications.models import Digest, DigestEntry, Notification


def notifications_for(*, user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user: AbstractBaseUser) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def digests_for(*, user: AbstractBaseUser) -> QuerySet[Digest]:
    """One's own digests: the getter of the digest page, so another's answers 404."""
    return Digest.objects.filter(recipient=user)


def digest_entries(*, digest: Digest) -> QuerySet[DigestEntry]:
    """The digest's items, grouped by plan (the page regroups them), escalations first."""
    return digest.entries.select_related("plan", "agency").order_by(
        "plan__title", "plan_id", "-escalated", "agency__name", "due_on", "pk"
    )
