"""/healthz and /readyz for the load balancer; no login, nothing revealed but the checks."""

from __future__ import annotations

from django.test import override_settings

from config import health


def test_healthz_answers_without_a_database_or_login(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_database_redis_and_migrations(client, db) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "down": [],
        "checks": {"database": True, "redis": True, "migrations": True},
    }


def test_readyz_is_503_and_names_redis_when_redis_is_down(client, db) -> None:
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "down": ["redis"],
        "checks": {"database": True, "redis": False, "migrations": True},
    }


def test_readyz_is_503_and_names_the_database_when_it_is_down(client, db, monkeypatch) -> None:
    monkeypatch.setitem(health.CHECKS, "database", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database", "migrations"]
    assert response.json()["checks"]["redis"] is True
