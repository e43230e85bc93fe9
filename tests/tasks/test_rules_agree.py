"""One definition per rule: the light and "overdue" come out the same on the pages, in the
API, in the rollup and in my tasks, for the same data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import Role
from dashboards.models import Rollup
from dashboards.rollups import rollup_build
from dashboards.selectors import red_task_rows
from tasks.lights import is_overdue, light_for
from tasks.models import Status
from tasks.selectors import my_tasks
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    ResponsibilityFactory,
    TaskFactory,
    UserFactory,
    WorkItemFactory,
)

pytestmark = pytest.mark.django_db

# status, days from today to the due date (None: no deadline)
CASES = [
    (Status.ON_TRACK, -3),  # past due and not finished: overdue, red
    (Status.ONGOING, -3),  # 持续推进 never finishes: not overdue
    (Status.COMPLETED, -3),  # done is done
    (Status.BEHIND, 30),  # red without being overdue
    (Status.AT_RISK, 5),
    (Status.NOT_STARTED, 10),
    (Status.NOT_STARTED, None),
]


@pytest.fixture
def plan_with_every_case():
    today = timezone.localdate()
    plan = PlanFactory()
    user = UserFactory(is_superuser=True)  # reads every plan, like a NIPA viewer
    MembershipFactory(user=user, agency=plan.lead_agency, role=Role.COORDINATOR)
    tasks = []
    for status, days in CASES:
        due = today + dt.timedelta(days=days) if days is not None else None
        task = TaskFactory(plan=plan, status=status, due_on=due)
        ResponsibilityFactory(task=task, agency=plan.lead_agency)
        WorkItemFactory(task=task, status=status, due_on=due or today, agencies=[plan.lead_agency])
        tasks.append(task)
    return plan, user, tasks, today


def test_red_is_the_same_on_the_overview_in_the_rollup_and_by_the_rule(plan_with_every_case):
    plan, user, tasks, today = plan_with_every_case
    by_rule = {
        t.pk for t in tasks if light_for(status=t.status, due_on=t.due_on, today=today) == "red"
    }
    assert len(by_rule) == 2  # the overdue one and the behind one
    assert {row[0] for row in red_task_rows(user=user, today=today)} == by_rule
    rollup_build(as_of=today)
    row = Rollup.objects.get(plan=plan, scope="plan", as_of=today)
    assert row.light_red == len(by_rule)


def test_overdue_is_the_same_in_the_api_and_on_my_tasks(plan_with_every_case, api):
    plan, user, tasks, today = plan_with_every_case
    by_rule = {t.pk for t in tasks if is_overdue(status=t.status, due_on=t.due_on, today=today)}
    assert len(by_rule) == 1
    listed = api(user).get("/api/v1/tasks/", {"plan": plan.pk, "overdue": "true"}).json()
    assert {t["id"] for t in listed["results"]} == by_rule
    # 我的任务, filtered to what is overdue: the work items follow the same rule.
    rows = [row for group in my_tasks(user=user, overdue=True) for row in group.rows]
    items = {row.task.pk for row in rows if row.kind == "work_item"}
    assert items == by_rule
