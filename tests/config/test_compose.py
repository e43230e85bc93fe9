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


def test_web_and_worker_have_healthchecks_and_the_files_volume():
    services = _compose()["services"]
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    for name in ("web", "worker"):
        assert "media:/app/media" in services[name]["volumes"], name
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert set(_compose()["volumes"]) >= {"pgdata", "media"}


def test_env_example_explains_every_setting_the_code_reads():
    import re

    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(re.findall(r'env\.\w+\("([A-Z][A-Z0-9_]+)"', path.read_text(encoding="utf-8")))
    names.discard("X")  # the docstring's example
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M))
    assert names - documented == set()
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "POSTGRES_PASSWORD"):
        assert re.search(rf"^{name}=$|^{name}=\S", example, re.M), name


def test_the_image_has_what_pdf_packs_need():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "libpango-1.0-0" in text and "collectstatic" in text
