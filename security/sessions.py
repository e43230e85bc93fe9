"""The database session store, with the signed-in user read in the same query.

Django's store reads the session row, then its authentication middleware reads the user in
a second query. Here the row (security.models.Session) carries its user's id as a column,
so the one read of the session, compiled once per process (ops/compiled.py), joins the user
too; `session_user` takes the user from it, with Django's checks of the session's hash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from ops.compiled import CompiledQuery
from security.backends import AccountBackend
from security.models import Session

_UNEXPIRED = CompiledQuery[Session](
    lambda key, now: Session.objects.select_related("user").filter(
        session_key=key, expire_date__gt=now
    ),
    samples=(
        {"key": "a" * 32, "now": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)},
        {"key": "b" * 32, "now": dt.datetime(2001, 1, 1, tzinfo=dt.UTC)},
    ),
)


class SessionStore(DatabaseSessionStore):
    # The user row read with the session (None: no user, or the session not read yet).
    joined_user: AbstractBaseUser | None = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def _get_session_from_db(self) -> Session | None:
        if self.session_key:
            session = _UNEXPIRED.first(key=self.session_key, now=timezone.now())
            if session is not None:
                self.joined_user = session.user
                return session
        # As Django's store does for a key with no live row: the session starts anew.
        self._session_key = None
        return None

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = super().create_model_instance(data)
        session.user_id = _user_id(data.get(SESSION_KEY))
        return session


def _user_id(value: object) -> Any:
    """The user's id a session's data names (under SESSION_KEY), read as Django's auth reads
    it; None for no id or one that is not an id. The column and the sign-in both use this."""
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None


def session_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """Django's `auth.get_user`, taking the user from the session's own read when the
    session was signed in by AccountBackend; a session another backend signed in (or whose
    user changed since it was read) reads its user from that backend, as Django does."""
    session = request.session
    user_id = _user_id(session.get(SESSION_KEY))
    backend_path = session.get(BACKEND_SESSION_KEY)
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    joined = getattr(session, "joined_user", None)
    if isinstance(backend, AccountBackend) and joined is not None and joined.pk == user_id:
        user = joined if backend.user_can_authenticate(joined) else None
    else:
        user = backend.get_user(user_id)
    if user is None or not _hash_verified(session, user):
        return AnonymousUser()
    return user


def _hash_verified(session: Any, user: AbstractBaseUser) -> bool:
    """As `auth.get_user` checks it: a session signed before the password changed ends
    (flushed); one signed with a fallback secret moves to the current one."""
    session_hash = session.get(HASH_SESSION_KEY)
    current = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, current):
        return True
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        session.cycle_key()
        session[HASH_SESSION_KEY] = current
        return True
    session.flush()
    return False
