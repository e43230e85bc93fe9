from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, QuerySet

from notifications.models import Digest, DigestEntry, Notification
from ops.compiled import CompiledQuery

# The bell's count, read on every page: compiled once per process (ops/compiled.py). A
# recipient with nothing unread has no group, so no row. From the primary, also on a page
# read from a replica: a kept page carries its bell, and a notification just read must not
# be kept as unread because a replica had not caught up (ops/page_cache.py).
_UNREAD = CompiledQuery[int](
    lambda user_id: (
        Notification.objects.using(DEFAULT_DB_ALIAS)
        .filter(recipient_id=user_id, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    ),
    samples=({"user_id": 1}, {"user_id": 2}),
)


def notifications_for(*, user: AbstractBaseUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user: AbstractBaseUser) -> int:
    return _UNREAD.first(user_id=user.pk) or 0


def digests_for(*, user: AbstractBaseUser) -> QuerySet[Digest]:
    """One's own digests: the getter of the digest page, so another's answers 404."""
    return Digest.objects.filter(recipient=user)


def digest_entries(*, digest: Digest) -> QuerySet[DigestEntry]:
    """The digest's items, grouped by plan (the page regroups them), escalations first."""
    return digest.entries.select_related("plan", "agency").order_by(
        "plan__title", "plan_id", "-escalated", "agency__name", "due_on", "pk"
    )
