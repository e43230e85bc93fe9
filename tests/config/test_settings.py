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


def _manage(args: list[str], extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deployment_checklist_passes_with_a_production_environment():
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_short_secret_key_fails_the_deployment_checklist():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"}
    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0 and "security.W009" in result.stdout + result.stderr


OPTIONAL_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); import sentry_sdk;"
    "print(json.dumps({'storage': settings.STORAGES['default']['BACKEND'],"
    "'sentry': sentry_sdk.get_client().is_active(), 'replica': 'replica' in settings.DATABASES,"
    "'log': settings.LOGGING['formatters']['json']['()']}))"
)


def _probe(extra: dict[str, str]) -> dict:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", OPTIONAL_PROBE],
        cwd=ROOT,
        env={**env, **PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_optional_services_are_off_unless_configured():
    loaded = _probe({})
    assert loaded["storage"] == "django.core.files.storage.FileSystemStorage"
    assert loaded["sentry"] is False and loaded["replica"] is False
    assert loaded["log"] == "pythonjsonlogger.json.JsonFormatter"


def test_object_storage_sentry_and_a_replica_when_the_environment_says_so():
    loaded = _probe(
        {
            "FILE_STORAGE": "s3",
            "S3_BUCKET": "ipplan",
            "S3_ENDPOINT_URL": "http://minio:9000",
            "S3_ACCESS_KEY_ID": "key",
            "S3_SECRET_ACCESS_KEY": "secret",
            "SENTRY_DSN": "https://public@sentry.example.gov.cn/1",
            "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:5432/ipplan",
        }
    )
    assert loaded["storage"] == "storages.backends.s3.S3Storage"
    assert loaded["sentry"] is True and loaded["replica"] is True
