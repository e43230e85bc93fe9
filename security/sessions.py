"""The database session store, with its read on every request compiled once per process
(ops/compiled.py): the same row, the same expiry test, without Django building the query
again for each request."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from ops.compiled import CompiledQuery

_UNEXPIRED = CompiledQuery[Session](
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    samples=(
        {"key": "a" * 32, "now": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)},
        {"key": "b" * 32, "now": dt.datetime(2001, 1, 1, tzinfo=dt.UTC)},
    ),
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        if self.session_key:
            session = _UNEXPIRED.first(key=self.session_key, now=timezone.now())
            if session is not None:
                return session
        # As Django's store does for a key with no live row: the session starts anew.
        self._session_key = None
        return None
