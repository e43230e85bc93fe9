"""Idle sessions end: a session not used for SESSION_IDLE_SECONDS is gone, while one in use
keeps being extended; and however active, a session ends SESSION_ABSOLUTE_SECONDS after its
login."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from security.middleware import LOGIN_AT_KEY, SEEN_AT_KEY, SEEN_EVERY_SECONDS
from security.models import Kind, SecurityEvent, Session
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _logged_in() -> Client:
    user = UserFactory()
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
    return client


def test_a_session_in_use_is_extended_by_the_idle_time() -> None:
    client = _logged_in()
    key = client.session.session_key
    session = client.session
    session[SEEN_AT_KEY] = time.time() - SEEN_EVERY_SECONDS - 1  # last extended a minute ago
    session.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert left > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_reading_pages_does_not_write_the_session_on_every_request() -> None:
    client = _logged_in()
    client.get("/")  # extended now
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/").status_code == 200
    writes = [q["sql"] for q in queries if "security_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []


def test_a_session_idle_past_the_limit_is_logged_out() -> None:
    client = _logged_in()
    idle_since = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=idle_since + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- the absolute lifetime (SESSION_ABSOLUTE_SECONDS) ------------------------------------


def _login_time(client: Client) -> float:
    return client.session[LOGIN_AT_KEY]


def _age_login(client: Client, *, seconds: float) -> None:
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - seconds
    session.save()


def test_a_session_ends_at_its_absolute_lifetime_however_active() -> None:
    client = _logged_in()
    user_id = int(client.session["_auth_user_id"])
    _age_login(client, seconds=settings.SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    login_page = client.get(response["Location"])
    assert "最长时限" in login_page.content.decode()
    assert client.get("/").status_code == 302  # still logged out
    assert SecurityEvent.objects.filter(kind=Kind.LOGOUT, user_id=user_id).exists()


def test_activity_does_not_move_the_login_time_and_a_young_session_goes_on() -> None:
    client = _logged_in()
    _age_login(client, seconds=settings.SESSION_ABSOLUTE_SECONDS - 60)
    kept = _login_time(client)
    for _ in range(2):
        assert client.get("/").status_code == 200
    assert _login_time(client) == kept


def test_logging_in_again_starts_a_new_lifetime() -> None:
    client = _logged_in()
    _age_login(client, seconds=settings.SESSION_ABSOLUTE_SECONDS + 1)
    assert client.get("/").status_code == 302
    user = UserFactory()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert time.time() - _login_time(client) < 60
    assert client.get("/").status_code == 200


def test_a_session_from_before_the_login_time_was_kept_counts_from_now() -> None:
    client = _logged_in()
    session = client.session
    del session[LOGIN_AT_KEY]
    session.save()
    assert client.get("/").status_code == 200
    assert time.time() - _login_time(client) < 60


def test_the_lifetime_is_a_setting(settings) -> None:
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    client = _logged_in()
    _age_login(client, seconds=3601)
    assert client.get("/").status_code == 302
