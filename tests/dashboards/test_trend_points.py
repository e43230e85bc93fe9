"""The overview's trend from the nightly points: the same numbers as from the plan rows."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Level
from dashboards.models import Rollup, TrendPoint
from dashboards.rollups import rollup_build
from dashboards.selectors import trend_series
from plans.models import Plan
from tasks.models import Status, Task
from tests.factories import PlanFactory, RegionFactory, TaskFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def nights(world):
    """Three nights over plans of a province, a city, a county and a city with no province
    above it, the statuses changing between nights."""
    today = timezone.localdate()
    province = world.plan_a.region
    city = RegionFactory(name="海口市", level=Level.MUNICIPAL, parent=province)
    county = RegionFactory(name="琼海县", level=Level.COUNTY, parent=city)
    orphan = RegionFactory(name="无省市", level=Level.MUNICIPAL, parent=None)
    for region, statuses in (
        (city, [Status.ON_TRACK, Status.BEHIND]),
        (county, [Status.COMPLETED]),
        (orphan, [Status.ONGOING, Status.NOT_STARTED, Status.AT_RISK]),
    ):
        plan = PlanFactory(region=region)
        for status in statuses:
            TaskFactory(plan=plan, status=status)
    for days_ago, status in ((2, Status.ON_TRACK), (1, Status.BEHIND), (0, Status.COMPLETED)):
        Task.objects.filter(pk=world.a1.pk).update(status=status)
        rollup_build(as_of=today - dt.timedelta(days=days_ago))
    return world


def _all_plans() -> list[int]:
    return list(Plan.objects.values_list("pk", flat=True))


def test_the_points_and_the_plan_rows_give_the_same_trend(nights) -> None:
    today = timezone.localdate()
    from_points = trend_series(plan_ids=_all_plans(), until=today, every_plan=True)
    from_rows = trend_series(plan_ids=_all_plans(), until=today)
    assert from_points == from_rows
    assert len(from_points["dates"]) == 3
    assert set(from_points["series"]) == {
        nights.plan_a.region.name,
        nights.plan_b.region.name,
        "—",  # the city with no province above it
    }


def test_a_night_has_a_point_per_province_and_a_re_run_rewrites_them(nights) -> None:
    today = timezone.localdate()
    before = TrendPoint.objects.filter(as_of=today).count()
    assert before == 3  # 海南 (its city and county in it), 湖南, no province
    Task.objects.filter(pk=nights.a1.pk).update(status=Status.NOT_STARTED)
    rollup_build(as_of=today)
    assert TrendPoint.objects.filter(as_of=today).count() == before
    hainan = TrendPoint.objects.get(as_of=today, province=nights.plan_a.region)
    hainan_regions = [nights.plan_a.region.name, "海口市", "琼海县"]
    plan_rows = Rollup.objects.filter(
        batch="nightly", scope="plan", as_of=today, plan__region__name__in=hainan_regions
    )
    assert hainan.tasks_total == sum(r.tasks_total for r in plan_rows)
    assert hainan.moving == sum(
        r.status_on_track + r.status_ongoing + r.status_completed for r in plan_rows
    )
    assert trend_series(plan_ids=_all_plans(), until=today, every_plan=True) == trend_series(
        plan_ids=_all_plans(), until=today
    )


def _points() -> set[tuple]:
    return set(TrendPoint.objects.values_list("as_of", "province_id", "tasks_total", "moving"))


def test_the_migration_fills_the_points_of_the_nights_already_stored(nights) -> None:
    written = _points()
    TrendPoint.objects.all().delete()
    import_module("dashboards.migrations.0006_trend_point").points_backfill(apps, None)
    assert _points() == written and len(written) == 9


def _trend_of(page: str) -> dict:
    import json
    import re

    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))["trend"]


def test_a_nipa_viewer_reads_the_points_and_a_coordinator_the_plan_rows(nights) -> None:
    today = timezone.localdate()
    for name, reads_points in (("nipa_viewer", True), ("coordinator", False)):
        with CaptureQueriesContext(connection) as ctx:
            _client(nights.users[name]).get("/dashboards/")
        used = any("dashboards_trendpoint" in q["sql"] for q in ctx.captured_queries)
        assert used is reads_points
    nipa = _trend_of(_client(nights.users["nipa_viewer"]).get("/dashboards/").content.decode())
    expected = trend_series(plan_ids=_all_plans(), until=today)
    assert nipa == {
        "categories": expected["dates"],
        "series": [{"name": n, "data": d} for n, d in expected["series"].items()],
    }
    # One region asked for: a line per plan's region, from the plan rows.
    client = _client(nights.users["nipa_viewer"])
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/dashboards/?region={nights.plan_a.region_id}")
    assert not any("dashboards_trendpoint" in q["sql"] for q in ctx.captured_queries)


def test_the_duties_filters_keep_what_was_chosen(world) -> None:
    client = _client(world.users["liaison"])
    url = f"/dashboards/agencies/{world.hainan_commerce.pk}/"
    page = client.get(f"{url}?status=behind").content.decode()
    assert '<option value="behind" selected>' in page and '<option value="on_track">' in page
    page = client.get(f"{url}?plan={world.plan_a.pk}").content.decode()
    assert f'<option value="{world.plan_a.pk}" selected>{world.plan_a.title}</option>' in page
