"""Only the actual values the plan's coordinator confirmed count: on the plan dashboard (the
latest value against the target, and the trajectory) and in the rollups the packs print."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dashboards.models import Rollup, Scope
from dashboards.rollups import rollup_build
from dashboards.selectors import indicator_trajectories
from plans.models import Indicator, IndicatorValue, ValueState
from reports import indicators as indicator_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world):
    indicator = Indicator.objects.create(
        plan=world.plan_a,
        name="每万人口高价值发明专利拥有量",
        unit="件",
        target=Decimal("10"),
        target_year=2026,
    )
    IndicatorValue.objects.create(indicator=indicator, year=2023, value=Decimal("7"))  # ACCEPTED
    IndicatorValue.objects.create(
        indicator=indicator, year=2024, value=Decimal("8"), state=ValueState.ACCEPTED
    )
    return indicator


def _latest(plan) -> Rollup:
    rollup_build(as_of=timezone.localdate())
    return Rollup.objects.filter(plan=plan, scope=Scope.INDICATOR).latest("as_of", "pk")


def test_existing_values_count_as_confirmed(world, indicator):
    row = _latest(world.plan_a)
    assert (row.indicator_value, row.indicator_year) == (Decimal("8"), 2024)
    assert indicator_trajectories(plan=world.plan_a)[indicator.pk] == [
        (2023, Decimal("7")),
        (2024, Decimal("8")),
    ]


@pytest.mark.parametrize("state", [ValueState.SUBMITTED, ValueState.RETURNED])
def test_a_value_not_confirmed_counts_nowhere(world, indicator, state):
    IndicatorValue.objects.create(indicator=indicator, year=2025, value=Decimal("9.5"), state=state)
    row = _latest(world.plan_a)
    assert (row.indicator_value, row.indicator_year) == (Decimal("8"), 2024)
    assert 2025 not in dict(indicator_trajectories(plan=world.plan_a)[indicator.pk])


def test_the_plan_dashboard_shows_a_value_once_the_coordinator_confirms_it(world, indicator):
    value = indicator_services.indicator_value_submit(
        actor=world.users["liaison"],
        indicator=indicator,
        agency=world.hainan_commerce,
        year=2025,
        value=Decimal("9.5"),
        source="省统计局",
    )
    client = Client()
    client.force_login(world.users["coordinator"])
    url = f"/dashboards/plans/{world.plan_a.pk}/"
    rollup_build(as_of=timezone.localdate())
    before = client.get(url).content.decode()
    assert "80.0" in before and "95.0" not in before  # 8 of 10: the 2025 value waits
    indicator_services.indicator_value_accept(actor=world.users["coordinator"], value=value)
    rollup_build(as_of=timezone.localdate())
    page = client.get(url).content.decode()
    assert "95.0" in page and "9.5" in page  # actual against target, and in the trajectory
