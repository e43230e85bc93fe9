"""Issuing and checking tokens. Tokens carry 192 random bits, so a plain SHA-256 is the right
hash (a slow password hash protects low-entropy secrets; it would only slow every request)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from ops.compiled import CompiledQuery

TOKEN_PREFIX = "ipp_"  # noqa: S105 - a marker, not a secret  # nosec B105
# Write last_used_at at most this often: a busy client must not update its row per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_issue(
    *, user: AbstractBaseUser, name: str, issued_by: AbstractBaseUser | None
) -> tuple[ApiToken, str]:
    """Create a token; returns it with the full value, which is never stored or shown again."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(24)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=_digest(secret), created_by=issued_by
    )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# Read on every API call: compiled once per process (ops/compiled.py).
_ACTIVE = CompiledQuery[ApiToken](
    lambda prefix: (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .order_by("pk")[:1]
    ),
    samples=({"prefix": "a" * 12}, {"prefix": "b" * 12}),
)


def token_check(value: str) -> ApiToken | None:
    """The active token `value` names, or None; records its use."""
    if not value.startswith(TOKEN_PREFIX) or value.count("_") < 2:
        return None
    prefix, secret = value[len(TOKEN_PREFIX) :].split("_", 1)
    token = _ACTIVE.first(prefix=prefix)
    if token is None or not hmac.compare_digest(token.token_hash, _digest(secret)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
