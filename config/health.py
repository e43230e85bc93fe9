"""For the load balancer: /healthz says the process answers; /readyz says it can serve,
checking the database, Redis and that no migration is waiting. Neither needs a login, and
neither reveals more than which check failed.

/readyz answers 503 when any check fails and names the parts that are down (`"down":
["redis"]`). With only Redis down the pages, logins, saves and API calls still work (the
cache is skipped, jobs wait in the outbox): it is 503 all the same, so that the outage is
seen, but a load balancer that should keep serving through it probes /healthz instead."""

from __future__ import annotations

from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _redis() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def _migrations() -> bool:
    try:
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return False


CHECKS: dict[str, Callable[[], bool]] = {
    "database": _database,
    "redis": _redis,
    "migrations": _migrations,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results = {name: check() for name, check in CHECKS.items()}
    # Migrations can only be checked against a database that answers.
    if not results["database"]:
        results["migrations"] = False
    down = [name for name, passed in results.items() if not passed]
    return JsonResponse(
        {"status": "unavailable" if down else "ok", "down": down, "checks": results},
        status=503 if down else 200,
    )
