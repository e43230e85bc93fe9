"""Tests talk to real PostgreSQL and Redis. If either cannot be reached the run stops at once
with a message naming the service; it never falls back to SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache

PG_HINT = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
REDIS_HINT = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def _check_postgres() -> str | None:
    import psycopg

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return f"tests need PostgreSQL, but DATABASE_URL points at {db['ENGINE']}"
    try:
        conn = psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        )
        conn.close()
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable ({exc}). Start it: {PG_HINT}"
    return None


def _check_redis() -> str | None:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {settings.REDIS_URL} ({exc}). Start it: {REDIS_HINT}"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    for problem in (_check_postgres(), _check_redis()):
        if problem:
            pytest.exit(problem, returncode=3)


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()


# Fixtures shared by several test packages.
@pytest.fixture(params=["memory", "redis"])
def any_cache(request, settings) -> Iterator[None]:
    """The embedded demo's memory cache, then production's Redis (whose calls some code
    pipelines): what the test checks holds in each."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {"BACKEND": "ops.redis_cache.RedisCache", "LOCATION": settings.REDIS_URL}
        }
    cache.clear()
    yield
    cache.clear()


from tests.api_clients import api, token_client  # noqa: E402, F401
from tests.robot import robot  # noqa: E402, F401
