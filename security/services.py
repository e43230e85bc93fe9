"""Writing the security log. Every entry goes through `security_event_record`."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session as DjangoSession
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from security.models import Kind, SecurityEvent, Session

# The floor the database enforces (migration 0002); the setting may only keep entries longer.
RETENTION_FLOOR_DAYS = 180


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from; behind the reverse proxy, its X-Forwarded-For
    (set by our own nginx, which overwrites whatever the client sent)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    if settings.SECURITY_TRUST_X_FORWARDED_FOR:
        address = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip() or address
    try:  # a malformed header must not turn a login into an error
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def security_event_record(
    *,
    kind: Kind | str,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """One entry, in a savepoint of its own: a failed write of the log is rolled back alone.
    (Requests are not wrapped in a transaction here, so refusals and failed logins stand.)"""
    if user is not None and getattr(user, "is_authenticated", False):
        user_id, username = user.pk, username or user.get_username()
    else:
        user_id = None
    with transaction.atomic():
        return SecurityEvent.objects.create(
            kind=kind,
            user_id=user_id,
            username=username[:150],
            ip=client_ip(request),
            method=request.method[:8] if request is not None and request.method else "",
            path=request.get_full_path()[:500] if request is not None else "",
            detail=detail or {},
        )


def security_log_purge(*, as_of: dt.date) -> dict[str, int]:
    """Remove entries older than the retention (SECURITY_LOG_RETENTION_DAYS, never below 180
    days) before `as_of`; the database itself refuses to delete anything younger than that
    floor."""
    days = max(settings.SECURITY_LOG_RETENTION_DAYS, RETENTION_FLOOR_DAYS)
    midnight = dt.datetime.combine(as_of, dt.time.min, tzinfo=timezone.get_current_timezone())
    cutoff = midnight - dt.timedelta(days=days)
    deleted, _ = SecurityEvent.objects.filter(occurred_at__lt=cutoff).delete()
    return {"deleted": deleted}


def sessions_expired_delete(*, as_of: dt.date) -> dict[str, int]:
    """Remove the sessions past their expiry (nightly): an expired row is never read again,
    and nothing else would ever remove it. Also those left in Django's own table from before
    security_session (security/migrations/0006), which all expire."""
    now = timezone.now()
    deleted, _ = Session.objects.filter(expire_date__lte=now).delete()
    left_over, _ = DjangoSession.objects.filter(expire_date__lte=now).delete()
    return {"deleted": deleted + left_over}
