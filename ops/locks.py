"""PostgreSQL advisory locks: one run of a job at a time, across processes and machines.

The lock belongs to the database session, so a worker that dies (or a database that restarts)
releases it with its connection: a lock can never be left behind by a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

# The first key of the two-key advisory lock: keeps our locks apart from anyone else's.
LOCK_NAMESPACE = 8412


@contextmanager
def advisory_lock(name: str) -> Iterator[bool]:
    """Yield True when this process holds the lock for `name`, False when another does.

    On SQLite (the embedded single-process demo) there is nobody to race with: always True.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, name])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            _unlock(name)


def _unlock(name: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [LOCK_NAMESPACE, name])
    except DatabaseError:
        # The session is gone (the database restarted or dropped us), and its locks with it.
        connection.close()


def leases_held() -> bool:
    """Whether a job's advisory lock tells a live holder from a dead one: on PostgreSQL a
    worker's lock dies with its connection. SQLite (the embedded demo) has no such locks;
    there a claim is judged by its age instead."""
    return connection.vendor == "postgresql"


def lease_free(name: str) -> bool:
    """True when nobody holds the lock `name`: whoever took it (a job's lease) has finished
    or died. Tried and released at once. Never ask about a lock this session holds itself:
    advisory locks are re-entrant, so it would look free. False on SQLite, which cannot tell."""
    if not leases_held():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, name])
        acquired = bool(cursor.fetchone()[0])
    if acquired:
        _unlock(name)
    return acquired
