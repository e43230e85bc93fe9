"""管理 → 登录锁定: an administrator sees the locked accounts of their scope and unlocks one;
a liaison may not, and another province's administrator neither sees nor unlocks them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from security.models import Kind, SecurityEvent
from tests.administration.factories_users import add_other_admin, client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIST = reverse("administration:lock_list")


def _login(username: str, password: str, *, ip: str = "10.9.8.7"):
    client = Client(REMOTE_ADDR=ip)
    return client.post("/accounts/login/", {"username": username, "password": password})


def _lock(user, *, ip: str = "10.9.8.7") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(user.username, "wrong-password", ip=ip)
    assert _login(user.username, PASSWORD, ip=ip).status_code == 429


@pytest.fixture
def locked_world(world):
    add_other_admin(world)
    _lock(world.users["liaison"])  # Hainan
    _lock(world.users["other_liaison"])  # Hunan
    return world


def test_the_page_opens_for_administrators_only(locked_world) -> None:
    assert client_for(locked_world.users["admin"]).get(LIST).status_code == 200
    assert client_for(locked_world.users["other_admin"]).get(LIST).status_code == 200
    assert client_for(locked_world.users["liaison"]).get(LIST).status_code == 403
    assert client_for(locked_world.users["coordinator"]).get(LIST).status_code == 403


def test_each_administrator_sees_the_locks_of_their_own_province(locked_world) -> None:
    users = locked_world.users
    own = client_for(users["admin"]).get(LIST)
    assert [lock.user for lock in own.context["locks"]] == [users["liaison"]]
    assert "10.9.8.7" in own.content.decode() and "other_liaison" not in own.content.decode()
    other = client_for(users["other_admin"]).get(LIST)
    assert [lock.user for lock in other.context["locks"]] == [users["other_liaison"]]
    unlock_liaison = reverse("administration:lock_release", args=[users["liaison"].pk])
    assert unlock_liaison not in other.content.decode()


def test_the_home_page_links_to_the_locks(locked_world) -> None:
    home = client_for(locked_world.users["admin"]).get(reverse("administration:home"))
    assert LIST in home.content.decode()


def test_an_administrator_unlocks_an_account_of_their_scope(locked_world) -> None:
    admin, liaison = locked_world.users["admin"], locked_world.users["liaison"]
    url = reverse("administration:lock_release", args=[liaison.pk])
    response = client_for(admin).post(url, follow=True)
    assert "已解锁" in response.content.decode()
    assert response.context["locks"] == []
    assert _login(liaison.username, PASSWORD).status_code == 302
    entry = SecurityEvent.objects.get(kind=Kind.ADMINISTRATION)
    assert entry.user_id == admin.pk and entry.detail["target_id"] == liaison.pk
    assert entry.detail["action"] == "lockout_release"


def test_an_unlock_outside_ones_scope_is_refused_and_changes_nothing(locked_world) -> None:
    liaison = locked_world.users["liaison"]
    url = reverse("administration:lock_release", args=[liaison.pk])
    assert client_for(locked_world.users["other_admin"]).post(url).status_code == 404
    assert client_for(liaison).post(url).status_code == 403
    assert client_for(locked_world.users["admin"]).get(url).status_code == 405
    assert _login(liaison.username, PASSWORD).status_code == 429  # still locked
    assert not SecurityEvent.objects.filter(kind=Kind.ADMINISTRATION).exists()
    refused = SecurityEvent.objects.filter(kind=Kind.REFUSED)
    assert refused.filter(user_id=locked_world.users["other_admin"].pk).exists()


def test_unlocking_an_account_that_is_not_locked_says_so(locked_world) -> None:
    secretary = locked_world.users["secretary"]  # Hainan, never locked
    url = reverse("administration:lock_release", args=[secretary.pk])
    response = client_for(locked_world.users["admin"]).post(url, follow=True)
    assert "当前没有被锁定" in response.content.decode()
    assert not SecurityEvent.objects.filter(kind=Kind.ADMINISTRATION).exists()
