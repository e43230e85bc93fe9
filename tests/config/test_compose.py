"""No Docker engine runs on our machines: docker-compose.yml and the Dockerfile are checked
statically for what a provincial IT office relies on."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_runs_every_process_of_the_full_stack():
    services = _compose()["services"]
    assert set(services) >= {"db", "redis", "migrate", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1


def test_app_processes_wait_for_migrations_and_healthy_services():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
    for name in ("db", "redis"):
        assert "healthcheck" in services[name], name


def test_no_secret_has_a_default_in_compose():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "SECRET_KEY" not in text  # it comes from .env, never from this file
    assert "${POSTGRES_PASSWORD:?" in text  # compose refuses to start without it


def test_dockerfile_installs_from_the_lock_and_runs_unprivileged():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes" in text and "requirements.lock" in text
    assert "\nUSER " in text
