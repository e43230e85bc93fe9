"""Pages an expired password still reaches, told by the resolved view's name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from security.models import PasswordState
from tests.factories import UserFactory


@pytest.fixture
def expired(db, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory(is_staff=True)
    PasswordState.objects.filter(user=user).update(
        changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = Client()
    client.force_login(user)
    return client


def test_an_expired_password_is_sent_to_change_it(expired) -> None:
    assert expired.get("/")["Location"] == "/accounts/password/"
    assert expired.get("/admin/")["Location"] == "/accounts/password/"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/accounts/password/"),
        ("post", "/i18n/setlang/"),
        ("post", "/admin/logout/"),
        ("post", "/accounts/logout/"),
    ],
)
def test_an_expired_password_still_reaches_the_way_out(expired, method: str, path: str) -> None:
    response = getattr(expired, method)(path, {"language": "en", "next": "/"})
    assert response.get("Location") != "/accounts/password/"
