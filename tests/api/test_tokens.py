"""Personal access tokens: shown once, stored hashed, revocable, their use recorded, and
token clients throttled."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.test import APIClient

from api.models import ApiToken
from api.throttling import TokenRateThrottle
from api.tokens import token_issue, token_revoke


def _client(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {value}")
    return client


def test_a_token_is_stored_only_as_a_hash_and_records_its_use(world) -> None:
    token, value = token_issue(user=world.users["liaison"], name="省局系统", issued_by=None)
    assert value.startswith(f"ipp_{token.prefix}_")
    secret = value.split("_", 2)[2]
    assert secret not in token.token_hash and len(token.token_hash) == 64
    assert _client(value).get("/api/v1/tasks/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_revoked_or_forged_token_is_refused(world) -> None:
    token, value = token_issue(user=world.users["liaison"], name="省局系统", issued_by=None)
    forged = value[:-4] + "AAAA"
    assert _client(forged).get("/api/v1/tasks/").status_code == 401
    token_revoke(token=token)
    response = _client(value).get("/api/v1/tasks/")
    assert (
        response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"
    )


def test_a_token_acts_with_its_users_rights_only(world) -> None:
    _token, value = token_issue(user=world.users["other_liaison"], name="湖南系统", issued_by=None)
    assert _client(value).get(f"/api/v1/tasks/{world.a1.pk}/").status_code == 404


def _seconds_left(key: str) -> float:
    backend = caches["default"]
    stored = backend.make_and_validate_key(key)
    if isinstance(backend, RedisCache):
        return backend._cache.get_client().ttl(stored)
    return backend._expire_info[stored] - time.time()


def test_token_clients_are_throttled_and_browsers_are_not(
    world, api, monkeypatch, any_cache
) -> None:
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    now = [6000.0 + 15]  # 15 s into a minute's window
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: now[0])
    token, value = token_issue(user=world.users["liaison"], name="省局系统", issued_by=None)
    client = _client(value)
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/plans/")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "throttled"
    assert limited["Retry-After"] == "45"  # when the window ends
    # The window's count goes with its window: kept a minute and a second, not for ever.
    assert 0 < _seconds_left(f"throttle_token_{token.pk}:100") <= 61
    now[0] += 45
    assert client.get("/api/v1/plans/").status_code == 200  # the next window
    browser = api(world.users["liaison"])
    assert all(browser.get("/api/v1/plans/").status_code == 200 for _ in range(5))


@pytest.mark.parametrize("path", ["/admin/api/apitoken/add/"])
def test_an_admin_issues_a_token_and_sees_it_once(world, client, path: str) -> None:
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        path, {"user": world.users["liaison"].pk, "name": "省局业务系统"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = " ".join(str(m) for m in response.context["messages"])
    [value] = re.findall(rf"ipp_{token.prefix}_[A-Za-z0-9_-]{{20,}}", shown)
    assert _client(value).get("/api/v1/plans/").status_code == 200  # the value shown works
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert value not in page and token.token_hash not in page  # and is never shown again
