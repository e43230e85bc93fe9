"""Timestamps read from PostgreSQL by psycopg's C loader, not Django's Python one.

Django registers its own loader for `timestamptz` on every connection (a Python subclass of
psycopg's pure-Python loader, to put its time zone on each value): each timestamp is then
parsed by Python code, ~7 µs apiece here, where psycopg's C loader takes well under one. A
report list of fifty rows reads some two hundred timestamps; the task page over a hundred
(docs/performance.md, "Eleventh round"). The loader below hands every value straight to the
C loader's `load` (psycopg looks `load` up once per result, so no Python frame runs per
value) whenever the connection's session time zone already is the one Django wants (UTC with
USE_TZ: Django sets it when it connects), and converts otherwise. It keeps Django's
`timezone` attribute, which Django compares before each cursor to decide whether to register
its own loader again.

Without psycopg's C implementation (`psycopg.pq.__impl__ == "python"`), the loader found is
the Python one: the same values, nothing gained.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import adapters
from psycopg.abc import AdaptContext, Buffer
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid
# The C loader where psycopg has one (psycopg_binary or psycopg_c), its Python one otherwise.
_PARSER: Any = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)


@cache
def timestamptz_loader(tz: dt.tzinfo | None) -> type[Loader]:
    """A loader class putting `tz` on every timestamp, as Django's `SpecificTzLoader` does;
    None makes them naive, as Django's does without USE_TZ."""

    class TimestamptzLoader(Loader):
        timezone = tz  # what Django's create_cursor compares with its own

        def __init__(self, oid: int, context: AdaptContext | None = None):
            super().__init__(oid, context)
            parse: Callable[[Buffer], dt.datetime] = _PARSER(oid, context).load
            connection = context.connection if context is not None else None
            session_tz = connection.info.timezone if connection is not None else None
            if tz is not None and session_tz is tz:
                # The instance's own `load`: the C function itself, with no frame of ours.
                self.load = parse  # type: ignore[method-assign]
            elif tz is None:
                self.load = lambda data: parse(data).replace(tzinfo=None)  # type: ignore[method-assign]
            else:
                self.load = lambda data: parse(data).astimezone(tz)  # type: ignore[method-assign]

        def load(self, data: Buffer) -> dt.datetime:  # replaced on each instance above
            raise NotImplementedError

    return TimestamptzLoader


def register_timestamptz_loader(*, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created`: the fast loader on a new PostgreSQL connection."""
    if connection.vendor != "postgresql":
        return
    loader = timestamptz_loader(connection.timezone)
    connection.connection.adapters.register_loader(TIMESTAMPTZ_OID, loader)
