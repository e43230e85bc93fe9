"""The settings modules, loaded in a clean child process as a deployment would load them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); print(json.dumps({"
    "'engine': settings.DATABASES['default']['ENGINE'], 'eager': settings.CELERY_TASK_ALWAYS_EAGER,"
    "'email': settings.EMAIL_BACKEND, 'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE,"
    "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS}))"
)
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-for-the-test-0123456789",
    "DJANGO_ALLOWED_HOSTS": "ipplan.example.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ipplan",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _run(module: str, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": module, **extra}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_embedded_default_needs_no_environment():
    result = _run("config.settings.local", {})
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["eager"] is True
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["lang"] == "zh-hans"
    assert loaded["tz"] == "Asia/Shanghai"
    assert "*" not in loaded["hosts"]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_each_secret(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run("config.settings.production", env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_starts_with_its_environment():
    result = _run("config.settings.production", PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["eager"] is False
    assert loaded["hosts"] == ["ipplan.example.gov.cn"]
