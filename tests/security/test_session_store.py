"""The session row carries its user: one read signs a request in, with Django's checks of
the session's hash; sessions from Django's own table are carried over by the migration, and
expired sessions are removed nightly."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from ops.runner import job_run
from security.models import Session
from security.sessions import SessionStore
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_BACKEND = "security.backends.AccountBackend"


def _signed_in(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _page_user(client: Client) -> User | None:
    response = client.get("/")
    return response.context["user"] if response.status_code == 200 else None


def test_a_sign_in_writes_its_user_beside_the_session_and_a_sign_out_removes_it() -> None:
    user = UserFactory()
    client = _signed_in(user)
    assert Session.objects.get(pk=client.session.session_key).user_id == user.pk
    client.post("/accounts/logout/")
    assert not Session.objects.filter(user=user).exists()


def test_the_session_and_its_user_are_one_query() -> None:
    user = UserFactory()
    client = _signed_in(user)
    client.get("/")  # the first page after signing in also notes when it was seen
    with CaptureQueriesContext(connection) as queries:
        assert _page_user(client) == user
    sessions = [q["sql"] for q in queries if '"security_session"' in q["sql"]]
    assert len(sessions) == 1 and 'JOIN "auth_user"' in sessions[0]
    assert not [q for q in queries if 'FROM "auth_user"' in q["sql"]]  # no read of its own


def test_the_user_the_data_names_wins_over_the_column() -> None:
    """The signed data decides who is signed in; a column naming someone else (it is written
    from the data on each save) is not trusted."""
    user, other = UserFactory(), UserFactory()
    client = _signed_in(user)
    Session.objects.filter(pk=client.session.session_key).update(user=other)
    assert _page_user(client) == user


def test_deleting_a_user_ends_their_sessions() -> None:
    user = UserFactory()
    client = _signed_in(user)
    user.delete()
    assert not Session.objects.exists()
    assert _page_user(client) is None


def test_a_session_signed_under_a_retired_secret_moves_to_the_current_one(settings) -> None:
    user = UserFactory()
    settings.SECRET_KEY = "an-old-secret-" + "x" * 40
    client = _signed_in(user)
    old_key = client.session.session_key
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-secret-" + "y" * 40
    assert _page_user(client) == user
    assert client.session.session_key != old_key  # cycled, as Django's get_user does
    assert client.session[HASH_SESSION_KEY] == user.get_session_auth_hash()
    assert _page_user(client) == user


def test_a_session_whose_hash_matches_no_secret_is_flushed(settings) -> None:
    user = UserFactory()
    client = _signed_in(user)
    key = client.session.session_key
    session = SessionStore(key)
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()
    assert _page_user(client) is None
    assert not Session.objects.filter(pk=key).exists()


def test_the_migration_carries_djangos_sessions_over_with_their_users() -> None:
    user = UserFactory()
    old = DjangoSessionStore()
    old[SESSION_KEY] = str(user.pk)
    old[BACKEND_SESSION_KEY] = ACCOUNT_BACKEND
    old[HASH_SESSION_KEY] = user.get_session_auth_hash()
    old.create()
    anonymous = DjangoSessionStore()
    anonymous["django_language"] = "en"
    anonymous.create()
    migration = importlib.import_module("security.migrations.0006_sessions_carried_over")

    migration.carry_over(apps, None)

    carried = {s.session_key: s.user_id for s in Session.objects.all()}
    assert carried == {old.session_key: user.pk, anonymous.session_key: None}
    client = Client()
    client.cookies["sessionid"] = old.session_key
    assert _page_user(client) == user


def test_the_nightly_job_removes_expired_sessions_of_both_tables_and_keeps_live_ones() -> None:
    live_user, idle_user = UserFactory(), UserFactory()
    live, idle = _signed_in(live_user), _signed_in(idle_user)
    past = timezone.now() - dt.timedelta(seconds=1)
    Session.objects.filter(pk=idle.session.session_key).update(expire_date=past)
    left_over = DjangoSessionStore()
    left_over["django_language"] = "en"
    left_over.create()
    DjangoSession.objects.filter(pk=left_over.session_key).update(expire_date=past)

    result = job_run(name="sessions_clear")

    assert result.counts == {"deleted": 2}
    assert list(Session.objects.values_list("user_id", flat=True)) == [live_user.pk]
    assert not DjangoSession.objects.exists()
    assert _page_user(live) == live_user
    schedule = PeriodicTask.objects.select_related("crontab").get(task="security.sessions_clear")
    assert (schedule.crontab.hour, schedule.crontab.minute, schedule.enabled) == ("3", "30", True)
