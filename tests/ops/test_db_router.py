"""Dashboards read from a replica when one is configured; nothing else ever does."""

from __future__ import annotations

from types import SimpleNamespace

from dashboards.models import Rollup
from ops.db_router import ReplicaRouter, replica_reads

WITH_REPLICA = {"default": {}, "replica": {}}


def test_reads_go_to_the_replica_only_inside_a_dashboard_request(monkeypatch) -> None:
    from ops import db_router

    monkeypatch.setattr(db_router, "settings", SimpleNamespace(DATABASES=WITH_REPLICA))
    router = ReplicaRouter()
    assert router.db_for_read(Rollup) is None  # the primary
    with replica_reads():
        assert router.db_for_read(Rollup) == "replica"
        assert router.db_for_write(Rollup) == "default"  # writes never leave the primary
    assert router.db_for_read(Rollup) is None


def test_without_a_replica_everything_stays_on_the_primary() -> None:
    with replica_reads():
        assert ReplicaRouter().db_for_read(Rollup) is None


def test_migrations_run_on_the_primary_only() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate("default", "reports") is True
    assert router.allow_migrate("replica", "reports") is False


def test_a_dashboard_request_reads_with_the_replica_flag_set(world, client, monkeypatch) -> None:
    from dashboards import views as dashboard_views
    from ops import db_router

    seen: list[bool] = []
    real = dashboard_views.overview_rows

    def spy(**kwargs: object) -> list:
        seen.append(db_router._use_replica.get())
        return real(**kwargs)

    monkeypatch.setattr(dashboard_views, "overview_rows", spy)
    client.force_login(world.users["coordinator"])
    assert client.get("/dashboards/").status_code == 200
    assert seen == [True]
    assert db_router._use_replica.get() is False  # reset once the request is done


def test_the_bell_is_read_from_the_primary_inside_a_dashboard_request(world, monkeypatch) -> None:
    """A kept page carries its bell: read from a replica behind the primary, a notification
    just read would be kept as unread with the page."""
    from notifications.selectors import unread_count
    from notifications.services import Message, notification_fan_out
    from ops import db_router

    user = world.users["coordinator"]
    notification_fan_out(
        dedupe_key="test:primary", message=Message(kind="report", title="t", body=""), users=[user]
    )
    monkeypatch.setattr(db_router, "settings", SimpleNamespace(DATABASES=WITH_REPLICA))
    with replica_reads():
        assert ReplicaRouter().db_for_read(Rollup) == "replica"  # the page's reads go there
        assert unread_count(user=user) == 1  # the bell's does not (no "replica" connection here)
