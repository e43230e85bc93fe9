"""The dashboards' reads compiled once per process (ops/compiled.py) show each kind of user
what the rules as the ORM writes them show: the overview's plan rows (each visible plan's
newest nightly row) and red tasks (the visibility rule and `red_q`), and a plan dashboard's
typical cases and confirmed indicator values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from dashboards.models import NIGHTLY, Rollup, Scope
from dashboards.rollups import rollup_build
from dashboards.selectors import (
    RED_TASKS_SHOWN,
    indicator_trajectories,
    overview_rows,
    red_task_rows,
    typical_case_rows,
)
from plans.models import Indicator, IndicatorValue, Plan, ValueState
from reports.models import ReportState
from tasks.lights import red_q
from tasks.models import Status, Task
from tests.factories import ReportFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 8, 1)
USERS = ["liaison", "local_viewer", "other_liaison", "coordinator", "nipa_viewer", "nobody"]


@pytest.fixture
def red(world):
    """Red tasks in both plans (behind, or overdue), and tasks that are not red."""
    for plan in (world.plan_a, world.plan_b):
        TaskFactory(plan=plan, status=Status.BEHIND, due_on=None)
        TaskFactory(plan=plan, status=Status.ON_TRACK, due_on=TODAY - dt.timedelta(days=3))
        TaskFactory(plan=plan, status=Status.COMPLETED, due_on=TODAY - dt.timedelta(days=3))
        TaskFactory(plan=plan, status=Status.ON_TRACK, due_on=TODAY + dt.timedelta(days=30))
    world.users["superuser"] = UserFactory(username="root", is_superuser=True)
    return world


@pytest.mark.parametrize("name", [*USERS, "superuser"])
def test_the_overviews_red_tasks_are_the_rules(red, name):
    user = red.users[name]
    expected = (
        Task.objects.visible_to(user)
        .filter(red_q(TODAY))
        .order_by(F("due_on").asc(nulls_last=True), "plan__region__name", "number")
        .values_list("pk", "label", "title", "status", "due_on", "plan__region__name")
    )
    assert red_task_rows(user=user, today=TODAY) == list(expected[:RED_TASKS_SHOWN])
    if name in ("coordinator", "nipa_viewer"):
        assert red_task_rows(user=user, today=TODAY)  # the sample has red tasks to show


@pytest.fixture
def nights(red):
    """Two nights of rollups, plan A's tasks all completed between them."""
    rollup_build(as_of=TODAY - dt.timedelta(days=1))
    Task.objects.filter(plan=red.plan_a).update(status=Status.COMPLETED)
    rollup_build(as_of=TODAY)
    return red


@pytest.mark.parametrize("name", [*USERS, "superuser"])
def test_the_overviews_rows_are_each_visible_plans_newest_night(nights, name):
    user = nights.users[name]
    newest = Rollup.objects.filter(batch=NIGHTLY, scope=Scope.PLAN, as_of=TODAY)
    visible = set(Plan.objects.visible_to(user).values_list("pk", flat=True))
    expected = {r.plan_id: r for r in newest if r.plan_id in visible}
    rows = overview_rows(user=user)
    in_order = Plan.objects.filter(pk__in=expected).order_by("region__name", "title")
    assert [r.plan_id for r in rows] == list(in_order.values_list("pk", flat=True))
    for row in rows:
        assert row.as_of == TODAY
        assert row.status_completed == expected[row.plan_id].status_completed
        assert row.tasks_total == expected[row.plan_id].tasks_total
    if name in ("coordinator", "nipa_viewer", "liaison"):
        assert rows  # the sample has plans for them to see


def test_the_overview_of_one_region_has_its_plans_alone(nights):
    nipa = nights.users["nipa_viewer"]
    region = nights.plan_b.region_id
    rows = overview_rows(user=nipa, region_id=region)
    assert [r.plan_id for r in rows] == [nights.plan_b.pk]
    assert rows[0].region_id == region
    # plan A's tasks all completed on the newest night: the overview shows that night
    (row_a,) = [r for r in overview_rows(user=nipa) if r.plan_id == nights.plan_a.pk]
    assert row_a.status_completed == row_a.tasks_total > 0


def test_the_red_list_is_cut_at_the_most_urgent(red):
    plan = red.plan_a
    for days in range(RED_TASKS_SHOWN + 5):
        TaskFactory(plan=plan, status=Status.ON_TRACK, due_on=TODAY - dt.timedelta(days=days + 1))
    rows = red_task_rows(user=red.users["nipa_viewer"], today=TODAY)
    assert len(rows) == RED_TASKS_SHOWN
    dues = [row[4] for row in rows]
    assert dues == sorted(dues) and dues[0] == TODAY - dt.timedelta(days=RED_TASKS_SHOWN + 5)


def test_a_plans_typical_cases_and_confirmed_values(world):
    typical = {"state": ReportState.ACCEPTED, "is_typical_case": True}
    mine = ReportFactory(task=world.a1, agency=world.hainan_office, **typical)
    ReportFactory(task=world.b1, agency=world.hunan_dept, **typical)  # plan B's
    ReportFactory(task=world.a2, agency=world.hainan_commerce, is_typical_case=False)
    rows = typical_case_rows(plan=world.plan_a)
    assert [row[0] for row in rows] == [mine.pk]
    assert rows[0][3] == world.hainan_office.name
    indicator = Indicator.objects.create(
        plan=world.plan_a, name="发明专利拥有量", unit="件", target=20, target_year=2025
    )
    for year, value, state in (
        (2023, 10, ValueState.ACCEPTED),
        (2024, 12, ValueState.ACCEPTED),
        (2025, 99, ValueState.SUBMITTED),  # under review: does not count
    ):
        IndicatorValue.objects.create(indicator=indicator, year=year, value=value, state=state)
    got = indicator_trajectories(plan=world.plan_a)
    assert [(year, int(value)) for year, value in got[indicator.pk]] == [(2023, 10), (2024, 12)]
    assert indicator_trajectories(plan=world.plan_b) == {}
