"""The deployed processes, run natively the way docker-compose runs them (production
settings, gunicorn, a Celery worker, one Celery beat) against the local PostgreSQL and Redis:
a request walks through all of them."""

from __future__ import annotations

import json
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from api.tokens import token_issue
from notifications.models import Kind, Notification
from ops.models import JobRun, Outcome
from tests.ops.worker import Process, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BROKER = "redis://127.0.0.1:6379/12"


@pytest.fixture
def production_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    db = settings.DATABASES["default"]
    redis.Redis.from_url(BROKER).flushdb()
    yield {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "smoke-test-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": BROKER,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    redis.Redis.from_url(BROKER).flushdb()


def _http(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _answers(url: str) -> bool:
    try:
        return _http(url)[0] == 200
    except OSError:
        return False


def test_a_request_walks_through_web_worker_and_beat(world, production_env, tmp_path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    web = Process(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        env=production_env,
        log=tmp_path / "web.log",
    )
    worker = Process(
        [*celery, "worker", "--pool", "solo", "--without-gossip", "--without-mingle", "-l", "INFO"],
        env=production_env,
        log=tmp_path / "worker.log",
    )
    beat = Process(
        [*celery, "beat", "--max-interval", "1", "-l", "INFO"],
        env=production_env,
        log=tmp_path / "beat.log",
    )
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="smoke rollup",
        task="dashboards.rollup",
        interval=every_second,
        kwargs=json.dumps({"as_of": "2026-01-01"}),
    )
    try:
        web.start(lambda: _answers(f"{base}/healthz"), what="gunicorn")
        worker.start(lambda: b" ready." in worker.log.read_bytes(), what="the worker")
        beat.start(lambda: b"beat: Starting" in beat.log.read_bytes(), what="beat")

        status, ready = _http(f"{base}/readyz")
        assert status == 200 and all(ready["checks"].values()), ready

        # A provincial system submits a report through the API (web) …
        _token, value = token_issue(user=world.users["liaison"], name="smoke", issued_by=None)
        report = world.report_a1_commerce
        status, body = _http(
            f"{base}/api/v1/reports/{report.pk}/submit/",
            method="POST",
            headers={"Authorization": f"Bearer {value}", "If-Match": f'"v{report.version}"'},
        )
        assert status == 200 and body["state"] == "submitted", body
        # … the worker tells the plan's coordinator (of the report: beat may also deliver the
        # day's digest, due at 08:00 Beijing time, if the suite runs across it) …
        note = wait_for(
            lambda: Notification.objects.filter(
                recipient=world.users["coordinator"], kind=Kind.REPORT
            ).first(),
            what="the coordinator's notification",
        )
        assert "海南省商务厅" in note.title
        # … and beat's schedule has the worker build the rollup.
        run = wait_for(
            lambda: JobRun.objects.filter(job="rollup", outcome=Outcome.SUCCEEDED).first(),
            what="the scheduled rollup",
        )
        assert run.counts["plans"] == 2
    finally:
        for process in (beat, worker, web):
            process.stop()
