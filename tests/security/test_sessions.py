"""Idle sessions end: a session not used for SESSION_IDLE_SECONDS is gone, while one in use
keeps being extended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _logged_in() -> Client:
    user = UserFactory()
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
    return client


def test_each_request_extends_the_session_by_the_idle_time() -> None:
    client = _logged_in()
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert left > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_a_session_idle_past_the_limit_is_logged_out() -> None:
    client = _logged_in()
    idle_since = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=idle_since + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
