"""With Redis down every page, login, save and API call answers as usual.

The cache points at a closed port (nothing listens on 127.0.0.1:1): reads miss, version
bumps are skipped, the API throttle lets calls through, the failure is logged once a minute
per kind, and a page kept before the outage is never served after it. The page cache is on,
and writes run their commit hooks, as in production.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from ops import cache_safe
from reports.models import ReportState
from tasks.models import Status, Task
from tasks.services.status import task_set_status
from tests.factories import PASSWORD

DOWN = {
    "default": {
        "BACKEND": "ops.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def _redis_cache(location: str) -> dict[str, dict[str, str]]:
    return {"default": {"BACKEND": "ops.redis_cache.RedisCache", "LOCATION": location}}


@pytest.fixture(autouse=True)
def fresh_cache_state(monkeypatch, settings) -> None:
    """Each test starts with no outage seen, the page cache on, and the cache asked on every
    call (no pause after a failure): the log must stay quiet on its own."""
    monkeypatch.setattr(cache_safe, "_state", cache_safe._State())
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHE_RETRY_SECONDS = 0


@pytest.fixture
def redis_down(settings) -> None:
    # Changing CACHES drops the cache connections (and their pool): the next call connects anew.
    settings.CACHES = DOWN


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_url(world) -> str:
    r = world.report_a1_commerce
    return f"/reports/write/{r.task_id}/{r.agency_id}/{r.period_id}/"


def _unavailable(caplog) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "ops.cache_safe" and "cache unavailable" in r.getMessage()
    ]


def test_a_liaison_logs_in_saves_and_submits_while_redis_is_down(
    world, redis_down, caplog, django_capture_on_commit_callbacks
) -> None:
    caplog.set_level(logging.WARNING)
    client = Client()
    login = client.post(
        "/accounts/login/", {"username": world.users["liaison"].username, "password": PASSWORD}
    )
    assert login.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(_edit_url(world)).status_code == 200
    report = world.report_a1_commerce
    data = {"progress": "完成年度培训5场。", "percent": "50"}
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(_edit_url(world), {**data, "version": report.version, "action": "save"})
    assert saved.status_code == 302
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(
            _edit_url(world), {**data, "version": report.version, "action": "submit"}
        )
    assert submitted.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.progress == "完成年度培训5场。"
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    # No commit hook raised (a robust hook that raises is logged as an error).
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_status_changes_and_api_calls_answer_while_redis_is_down(
    world, redis_down, token_client, django_capture_on_commit_callbacks
) -> None:
    task = world.a1
    coordinator = _login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        page = coordinator.post(
            f"/tasks/{task.pk}/status/",
            {"status": Status.ON_TRACK, "reason": "已启动", "version": task.version},
        )
    assert page.status_code == 302
    assert coordinator.get(f"/tasks/{task.pk}/").status_code == 200

    api = token_client(world.users["coordinator"])  # throttled per token: in the cache
    listed = api.get(f"/api/v1/tasks/?plan={world.plan_a.pk}")
    assert listed.status_code == 200 and task.pk in [t["id"] for t in listed.json()["results"]]
    etag = api.get(f"/api/v1/tasks/{task.pk}/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        written = api.post(
            f"/api/v1/tasks/{task.pk}/status/",
            {"status": Status.AT_RISK, "reason": "资金未到位"},
            HTTP_IF_MATCH=etag,
        )
    assert written.status_code == 200
    assert Task.objects.get(pk=task.pk).status == Status.AT_RISK


def test_the_failure_is_logged_once_not_per_request(world, redis_down, caplog, token_client):
    caplog.set_level(logging.WARNING)
    viewer = _login(world.users["local_viewer"])
    api = token_client(world.users["coordinator"])
    for _ in range(5):
        assert viewer.get(f"/tasks/{world.a1.pk}/").status_code == 200
        assert api.get(f"/api/v1/tasks/?plan={world.plan_a.pk}").status_code == 200
    kinds = [m.split("(")[1].split(")")[0] for m in _unavailable(caplog)]
    # One line per kind, not one per request or call (ten requests, dozens of cache calls).
    assert sorted(kinds) == ["api throttle", "page cache: data version", "page cache: version bump"]


def test_a_page_kept_before_the_outage_is_not_served_after_it(
    world, settings, django_capture_on_commit_callbacks
) -> None:
    up = _redis_cache(settings.REDIS_URL)  # this run's own Redis database
    settings.CACHES = up
    cache.clear()
    viewer = _login(world.users["local_viewer"])
    url = f"/tasks/{world.a1.pk}/"
    assert "已全部完成" not in viewer.get(url).content.decode()  # kept in Redis

    settings.CACHES = DOWN  # Redis stops; the change commits, its version bump is lost
    with django_capture_on_commit_callbacks(execute=True):
        task_set_status(
            actor=world.users["coordinator"],
            task=world.a1,
            status=Status.COMPLETED,
            reason="已全部完成",
            expected_version=world.a1.version,
        )
    assert "已全部完成" in viewer.get(url).content.decode()  # rendered fresh meanwhile

    settings.CACHES = up  # Redis is back, with the old version and the page kept under it
    assert "已全部完成" in viewer.get(url).content.decode()
    assert "已全部完成" in viewer.get(url).content.decode()  # and kept again from now on
    cache.clear()


def test_after_a_failure_the_cache_is_left_alone_for_a_while(settings) -> None:
    settings.CACHE_RETRY_SECONDS = 60
    calls: list[int] = []

    def failing() -> str:
        calls.append(1)
        raise ConnectionRefusedError("closed")

    assert cache_safe.cache_call("test", failing, default="miss") == "miss"
    assert cache_safe.cache_call("test", failing, default="miss") == "miss"
    assert len(calls) == 1
    assert cache_safe.outage_unsettled() is not None


def test_readyz_names_redis_as_down_while_the_database_answers(client, db, settings) -> None:
    settings.CACHES = DOWN
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["redis"]
    assert body["checks"]["database"] is True and body["checks"]["redis"] is False
