"""The sign-in backend: a session names it, its user read is compiled, a wrong password is
checked once, and sessions from before it stay signed in."""

from __future__ import annotations

from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from security.backends import AccountBackend
from security.sessions import SessionStore
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signed_in_as(user: User, backend: str) -> Client:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    client = Client()
    client.cookies["sessionid"] = store.session_key
    return client


def test_a_sign_in_is_kept_by_the_compiled_backend() -> None:
    user = UserFactory(username="wangwu")
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "wangwu", "password": PASSWORD}).status_code
        == 302
    )
    assert client.session[BACKEND_SESSION_KEY] == "security.backends.AccountBackend"
    page = client.get("/")
    assert page.status_code == 200 and page.context["user"] == user


@pytest.mark.parametrize(
    "backend", ["security.backends.AccountBackend", "django.contrib.auth.backends.ModelBackend"]
)
def test_a_session_of_either_backend_stays_signed_in_until_the_user_is_deactivated(
    backend: str,
) -> None:
    user = UserFactory()
    client = _signed_in_as(user, backend)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    refused = client.get("/")
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")


def test_a_changed_password_signs_the_other_sessions_out() -> None:
    user = UserFactory()
    client = _signed_in_as(user, "security.backends.AccountBackend")
    user.set_password("another-long-passphrase-2026")
    user.save()
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_and_checked_once() -> None:
    UserFactory(username="zhaoliu")
    with mock.patch.object(User, "check_password", autospec=True, return_value=False) as checked:
        refused = Client().post("/accounts/login/", {"username": "zhaoliu", "password": "wrong"})
    assert refused.status_code == 200 and "请输入一个正确的用户名和密码" in refused.content.decode()
    assert checked.call_count == 1


def test_the_async_calls_answer_as_the_sync_ones() -> None:
    user = UserFactory(username="sunqi")
    backend = AccountBackend()
    signed_in = async_to_sync(backend.aauthenticate)(None, username="sunqi", password=PASSWORD)
    assert signed_in == user
    assert async_to_sync(backend.aget_user)(user.pk) == user
    with pytest.raises(PermissionDenied):  # final: Django asks no other backend
        async_to_sync(backend.aauthenticate)(None, username="sunqi", password="wrong")
