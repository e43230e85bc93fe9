"""Timestamps read through psycopg's C loader (ops/pg_loaders.py) are the instants that were
written, in UTC as Django gives them, whatever time zone the session reads them in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from ops.pg_loaders import TIMESTAMPTZ_OID, timestamptz_loader
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _joined(pk: int) -> dt.datetime:
    return User.objects.values_list("date_joined", flat=True).get(pk=pk)


def test_a_timestamp_reads_back_as_the_instant_written_in_utc() -> None:
    written = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=SHANGHAI)
    user = UserFactory(date_joined=written)

    read = _joined(user.pk)

    assert read == written
    assert read.tzinfo is dt.UTC
    assert read.hour == 1  # 09:30 in Shanghai is 01:30 UTC


def test_a_session_in_another_time_zone_reads_the_same_instant() -> None:
    # Django's own loader puts UTC on the session's local time: 8 hours out in Shanghai.
    written = dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)
    user = UserFactory(date_joined=written)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'Asia/Shanghai'")

    read = _joined(user.pk)

    assert read == written
    assert read.tzinfo is dt.UTC


def test_the_connection_keeps_the_fast_loader_across_cursors() -> None:
    # Django compares the loader's `timezone` before each cursor and registers its own
    # (Python) loader again if they differ.
    UserFactory()
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute("SELECT date_joined FROM auth_user LIMIT 1")
            cursor.fetchall()
            loader = cursor.cursor._tx.get_loader(TIMESTAMPTZ_OID, psycopg.pq.Format.TEXT)
        assert type(loader) is timestamptz_loader(connection.timezone)
        # Each value goes straight to psycopg's own loader (its C one where psycopg has it),
        # with no Python frame of ours in between.
        assert type(loader.load.__self__) is psycopg.adapters.get_loader(
            TIMESTAMPTZ_OID, psycopg.pq.Format.TEXT
        )


def test_without_a_time_zone_timestamps_are_naive_as_django_makes_them() -> None:
    loader = timestamptz_loader(None)(TIMESTAMPTZ_OID, connection.connection)

    assert loader.load(b"2026-01-01 08:00:00+00") == dt.datetime(2026, 1, 1, 8, 0)
