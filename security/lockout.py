"""Login lockouts (django-axes): which accounts are locked now, and an administrator's unlock.

A lockout is keyed on the account and the client address together (AXES_LOCKOUT_PARAMETERS
in config/settings/base.py): AXES_FAILURE_LIMIT failures of one name from one address within
AXES_COOLOFF_TIME lock that name from that address only. Which accounts an administrator may
see and unlock is decided above this app (administration asks agencies.rules): these
functions take the users already scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from security.models import Kind
from security.services import security_event_record


@dataclass(frozen=True)
class Lockout:
    user: Any
    ip_address: str | None
    failures: int
    last_failure: dt.datetime
    until: dt.datetime


def lockouts_active(*, users: QuerySet[Any]) -> list[Lockout]:
    """The locks in force now on `users`, one per account and address, the latest first."""
    cool_off = get_cool_off()
    rows = (
        AccessAttempt.objects.filter(
            username__in=users.values("username"), attempt_time__gte=timezone.now() - cool_off
        )
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last", "username")
    )
    rows = list(rows)
    by_name = users.filter(username__in={r["username"] for r in rows}).in_bulk(
        field_name="username"
    )
    return [
        Lockout(
            user=by_name[r["username"]],
            ip_address=r["ip_address"],
            failures=r["failures"],
            last_failure=r["last"],
            until=r["last"] + cool_off,
        )
        for r in rows
        if r["username"] in by_name
    ]


def lockout_release(*, actor: Any, user: Any) -> int:
    """Unlock `user` from every address and forget their failed attempts; written to the
    security log with the administrator who did it. Refused when nothing is locked."""
    model = type(user)
    locks = lockouts_active(users=model.objects.filter(pk=user.pk))
    username = user.get_username()
    if not locks:
        raise ValidationError(_("账号“%(name)s”当前没有被锁定。") % {"name": username})
    with transaction.atomic():
        removed = reset(username=username)
        security_event_record(
            kind=Kind.ADMINISTRATION,
            user=actor,
            detail={
                "action": "lockout_release",
                "target_id": user.pk,
                "target": username,
                "addresses": [lock.ip_address for lock in locks],
            },
        )
    return removed
