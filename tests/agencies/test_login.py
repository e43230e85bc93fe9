"""Login, lockout after repeated failures, idle expiry, logout, password change, language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout():
    user = UserFactory(username="liaison1")
    client = Client()
    assert client.get("/").status_code == 302  # anonymous users go to the login page
    assert _login(client, user.username, PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password():
    user = UserFactory(username="target")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, user.username, "wrong-password")
        assert response.status_code == 200
        assert "和密码" in response.content.decode()  # Django's own zh-hans message
    assert _login(client, user.username, "wrong-password").status_code == 429
    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "账户已暂时锁定" in locked.content.decode()
    # Another account from the same address still logs in: accounts are locked, not offices.
    other = UserFactory(username="colleague")
    assert _login(Client(), other.username, PASSWORD).status_code == 302


def test_idle_session_expires():
    user = UserFactory()
    client = Client()
    _login(client, user.username, PASSWORD)
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_password_change():
    user = UserFactory()
    client = Client()
    _login(client, user.username, PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "A-much-longer-new-passphrase-2026",
            "new_password2": "A-much-longer-new-passphrase-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-much-longer-new-passphrase-2026")


def test_language_switch_to_english_and_back():
    user = UserFactory()
    client = Client()
    _login(client, user.username, PASSWORD)
    assert "我的任务" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My tasks" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "我的任务" in client.get("/").content.decode()
