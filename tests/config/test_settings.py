"""The settings modules, loaded in a clean child process as a deployment would load them; and
.env.example, which must name every variable they read, with their defaults and units."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
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


# --- .env.example agrees with the settings -------------------------------------------------

EXAMPLE = ROOT / ".env.example"
SETTINGS_FILES = sorted((ROOT / "config" / "settings").glob("*.py"))
# Read by docker compose (docker-compose.yml), not by the settings.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}
VARIABLE = re.compile(r"^(?P<commented># ?)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


@dataclass
class ExampleLine:
    name: str
    value: str
    active: bool  # not commented out
    note: str  # the comment lines above its group of variables


def _example() -> dict[str, ExampleLine]:
    lines: dict[str, ExampleLine] = {}
    note: list[str] = []
    after_variable = False
    for raw in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = VARIABLE.match(raw)
        if match:
            name = match["name"]
            active = not match["commented"]
            lines[name] = ExampleLine(name, match["value"], active, " ".join(note))
            after_variable = True
        elif raw.startswith("#"):
            note = [*([] if after_variable else note), raw.lstrip("# ")]
            after_variable = False
        else:
            note, after_variable = [], False
    return lines


def _env_calls(path: Path) -> list[tuple[str, bool, bool]]:
    """(name, has a default, read unconditionally) for every env("NAME") / env.<type>("NAME")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    conditional: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If | ast.FunctionDef):
            conditional |= {id(inner) for inner in ast.walk(node) if inner is not node}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func, first = node.func, node.args[0]
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        if is_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            has_default = any(k.arg == "default" for k in node.keywords) or len(node.args) > 1
            found.append((first.value, has_default, id(node) not in conditional))
    return found


def _read_by_settings() -> dict[str, list[tuple[str, bool, bool]]]:
    read: dict[str, list[tuple[str, bool, bool]]] = {}
    for path in SETTINGS_FILES:
        for name, has_default, unconditional in _env_calls(path):
            read.setdefault(name, []).append((path.stem, has_default, unconditional))
    return read


def test_every_variable_of_the_example_is_read_by_the_settings_and_vice_versa():
    example, read = _example(), _read_by_settings()
    assert set(example) - set(read) == COMPOSE_ONLY
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert all(name in compose for name in COMPOSE_ONLY)
    assert set(read) - set(example) == set(), "read by the settings, missing from .env.example"


def test_the_variables_production_cannot_start_without_are_marked_required():
    example = _example()
    required = {
        name
        for name, uses in _read_by_settings().items()
        for module, has_default, unconditional in uses
        if module in {"base", "production"} and not has_default and unconditional
    }
    assert required == {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    for name in required | COMPOSE_ONLY:
        assert example[name].active and "REQUIRED" in example[name].note, name
    # Nothing with a default is called required.
    for line in example.values():
        if "REQUIRED" in line.note:
            assert line.name in required | COMPOSE_ONLY, line.name


SETTINGS_DUMP = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({k: getattr(settings, k) for k in dir(settings) if k.isupper()},"
    " default=str, sort_keys=True))"
)


def _dump(extra: dict[str, str]) -> dict:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONHASHSEED": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        **extra,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETTINGS_DUMP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_example_shows_the_defaults_in_the_units_the_code_reads():
    """Production loaded with the example's values (REQUIRED and EXAMPLE lines aside) is
    production loaded with no value at all: a line copied from the example changes nothing,
    so it cannot say 30 where the code reads 1800."""
    shown = {
        line.name: line.value
        for line in _example().values()
        if line.active and not {"REQUIRED", "EXAMPLE"} & set(line.note.replace(".", " ").split())
    }
    assert {"CELERY_TASK_TIME_LIMIT", "PASSWORD_POLICY", "SESSION_ABSOLUTE_SECONDS"} <= set(shown)
    bare, copied = _dump(PRODUCTION_ENV), _dump({**PRODUCTION_ENV, **shown})
    differ = {k: (bare.get(k), copied.get(k)) for k in bare.keys() | copied.keys()}
    assert {k: v for k, v in differ.items() if v[0] != v[1]} == {}


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"CELERY_TASK_SOFT_TIME_LIMIT": "25", "CELERY_TASK_TIME_LIMIT": "30"}, "seconds"),
        ({"CELERY_TASK_SOFT_TIME_LIMIT": "1800", "CELERY_TASK_TIME_LIMIT": "1500"}, "seconds"),
        ({"SESSION_ABSOLUTE_SECONDS": "600"}, "SESSION_ABSOLUTE_SECONDS"),
    ],
)
def test_values_in_the_wrong_unit_or_order_refuse_to_start(extra, named):
    result = _run("config.settings.production", {**PRODUCTION_ENV, **extra})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_production_has_the_safer_defaults():
    loaded = _dump(PRODUCTION_ENV)
    assert loaded["PASSWORD_POLICY"] == "dengbao"
    assert loaded["SESSION_ABSOLUTE_SECONDS"] == 12 * 60 * 60
    assert loaded["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert loaded["AXES_CLIENT_IP_CALLABLE"] == "security.services.client_ip"
    assert (loaded["CELERY_TASK_SOFT_TIME_LIMIT"], loaded["CELERY_TASK_TIME_LIMIT"]) == (1500, 1800)
