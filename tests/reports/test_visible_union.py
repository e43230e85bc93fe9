"""`ProgressReport.objects.visible_to` as a union of indexed branches reaches exactly the rows
the former OR of the three ways in did (plan led, own report, shared task; a draft only by
its own agency), for every kind of user; the timeline's report rule likewise, and the task
page's compiled reads of both; and the API's report list reads a constant number of queries
whatever the number of rows."""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from agencies import rules
from agencies.models import Role
from reports.api import ReportSerializer
from reports.filters import ReportFilterSet
from reports.models import ProgressReport, ReportState
from reports.selectors import task_report_rows
from tasks.models import Event, EventKind, Responsibility, Task
from tasks.selectors import (
    events_seen_q,
    get_task_for_user,
    task_timeline_for,
    task_timeline_head,
    timeline_head,
)
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    PeriodFactory,
    ReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

USERS = [
    "liaison",  # own-agency editor (商务厅)
    "local_viewer",  # own-agency viewer (商务厅)
    "other_liaison",  # another agency's user (湖南省科学技术厅)
    "coordinator",  # the lead agency of plan A
    "other_coordinator",
    "nipa_viewer",
    "nipa_liaison",  # a NIPA department's member sharing task A1, not a viewer
    "superuser",
    "nobody",
]


def _former_visible_to(user) -> set[int]:
    """The rule as it was written before the union, kept here as the reference."""
    mine = rules.agency_ids(user)
    not_private = ~Q(state=ReportState.DRAFT) | Q(agency_id__in=mine)
    reports = ProgressReport.objects.all()
    if rules.reads_everything(user):
        return set(reports.filter(not_private).values_list("pk", flat=True))
    if not mine:
        return set()
    shares_task = Responsibility.objects.filter(task=OuterRef("task"), agency_id__in=mine)
    reached = Q(task__plan__lead_agency_id__in=mine) | Q(agency_id__in=mine) | Exists(shares_task)
    return set(reports.filter(reached).filter(not_private).values_list("pk", flat=True))


@pytest.fixture
def mixed(world):
    """Reports in every state on every task, drafts of several agencies among them, and one
    report by an agency on a task it does not share (reached only through its agency)."""
    nipa_liaison = UserFactory(username="nipa_liaison")
    MembershipFactory(user=nipa_liaison, agency=world.nipa_dept, role=Role.LIAISON)
    world.users["nipa_liaison"] = nipa_liaison
    world.users["superuser"] = UserFactory(username="root", is_superuser=True)
    stranger = AgencyFactory(name="外省某厅")
    states = list(ReportState)
    n = 0
    for task, period in (
        (world.a1, world.report_a1_office.period),
        (world.a2, world.report_a1_office.period),
        (world.b1, world.report_b1_dept.period),
    ):
        extra = PeriodFactory(plan=period.plan, label=f"第{task.pk}期")
        for agency in (
            world.hainan_office,
            world.hainan_commerce,
            world.hunan_dept,
            world.nipa_dept,
            stranger,
        ):
            for p in (period, extra):
                if ProgressReport.objects.filter(task=task, agency=agency, period=p).exists():
                    continue
                ReportFactory(task=task, agency=agency, period=p, state=states[n % len(states)])
                n += 1
    return world


@pytest.mark.parametrize("listing", [False, True])
@pytest.mark.parametrize("name", USERS)
def test_both_shapes_reach_the_same_reports_as_the_former_or(mixed, name, listing):
    user = mixed.users[name]
    reports = ProgressReport.objects.visible_to(user, listing=listing)
    new = set(reports.values_list("pk", flat=True))
    assert new == _former_visible_to(user)
    drafts = ProgressReport.objects.filter(pk__in=new, state=ReportState.DRAFT)
    assert set(drafts.values_list("agency_id", flat=True)) <= rules.agency_ids(user)


def test_the_sample_covers_each_way_in(mixed):
    """The comparison means something: users see different, non-empty sets, drafts hidden."""
    seen = {
        name: set(ProgressReport.objects.visible_to(mixed.users[name]).values_list("pk", flat=True))
        for name in USERS
    }
    assert seen["nobody"] == set()
    assert seen["liaison"] == seen["local_viewer"]
    assert seen["liaison"] != seen["other_liaison"] != seen["coordinator"]
    assert seen["nipa_viewer"] > seen["superuser"]  # its own department's drafts besides
    everything = set(ProgressReport.objects.values_list("pk", flat=True))
    assert seen["nipa_viewer"] < everything  # others' drafts
    own_elsewhere = ProgressReport.objects.filter(
        agency=mixed.hunan_dept, task__plan=mixed.plan_a
    ).exclude(state=ReportState.DRAFT)
    assert set(own_elsewhere.values_list("pk", flat=True)) <= seen["other_liaison"]


def _an_event_per_report() -> None:
    for report in ProgressReport.objects.all():
        Event.objects.create(
            kind=EventKind.REPORT_STATE_CHANGED,
            plan=report.task.plan,
            task=report.task,
            report=report,
            to_value=report.state,
        )


@pytest.mark.parametrize("name", USERS)
def test_timeline_report_rule_is_unchanged(mixed, name):
    user = mixed.users[name]
    _an_event_per_report()
    Event.objects.create(kind=EventKind.REPORT_STATE_CHANGED, plan=mixed.plan_a, task=mixed.a1)
    former = Q(report__isnull=True) | Q(report_id__in=_former_visible_to(user))
    expected = set(Event.objects.filter(former).values_list("pk", flat=True))
    got = set(Event.objects.filter(events_seen_q(user=user)).values_list("pk", flat=True))
    assert got == expected


@pytest.mark.parametrize("name", USERS)
def test_the_task_pages_compiled_reads_show_what_the_rule_lets_see(mixed, name):
    """The task getter and the task page's report table and timeline, read by SQL compiled
    once per process for each shape of the rule, show each user what the rule as written
    does."""
    user = mixed.users[name]
    visible = _former_visible_to(user)
    _an_event_per_report()
    for task in (mixed.a1, mixed.a2, mixed.b1):
        table = task_report_rows(user=user, task=task, all_periods=True)
        cells = {(row.period.pk, row.agency.pk) for row in table.rows}
        shown = {row.report.pk for row in table.rows if row.report is not None}
        expected = ProgressReport.objects.filter(pk__in=visible, task=task)
        assert shown == {r.pk for r in expected if (r.period_id, r.agency_id) in cells}
        assert task_timeline_head(user=user, task=task) == timeline_head(
            task_timeline_for(user=user, task=task)
        )
    reachable = set(Task.objects.visible_to(user).values_list("pk", flat=True))
    for task in Task.objects.all():
        try:
            found = get_task_for_user(user, task.pk).pk
        except rules.NotVisible:
            found = None
        assert found == (task.pk if task.pk in reachable else None)


@pytest.mark.parametrize("query", ["?plan={plan}", "", "?plan=abc"])
@pytest.mark.parametrize("name", ["liaison", "coordinator", "nipa_viewer"])
def test_report_list_queries_do_not_grow_with_rows(mixed, name, query):
    client = Client()
    client.force_login(mixed.users[name])
    url = "/api/v1/reports/" + query.format(plan=mixed.plan_a.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        small = client.get(url).json()
    for i in range(12):
        period = PeriodFactory(plan=mixed.plan_a, label=f"加测{i}")
        for task in (mixed.a1, mixed.a2):
            ReportFactory(task=task, agency=mixed.hainan_commerce, period=period, state="submitted")
    with CaptureQueriesContext(connection) as many:
        large = client.get(url).json()
    assert large["count"] == small["count"] + 24
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("query", ["?plan={plan}", "", "?page_size=3&page=2"])
@pytest.mark.parametrize("name", ["liaison", "other_liaison", "nipa_viewer"])
def test_report_list_is_the_serializers_json(mixed, name, query):
    """The list is built from rows, not instances: the same JSON, in the same order."""
    user = mixed.users[name]
    client = Client()
    client.force_login(user)
    body = client.get("/api/v1/reports/" + query.format(plan=mixed.plan_a.pk)).json()
    ids = [row["id"] for row in body["results"]]
    reports = ProgressReport.objects.in_bulk(ids)
    expected = json.loads(
        JSONRenderer().render(ReportSerializer([reports[i] for i in ids], many=True).data)
    )
    assert body["results"] == expected
    every = ProgressReport.objects.visible_to(user).order_by("period_id", "task_id", "agency_id")
    if "plan" in query:
        every = every.filter(task__plan=mixed.plan_a)
    assert body["count"] == every.count()
    if "page=2" not in query:
        assert ids == list(every.values_list("pk", flat=True)[:50])


@pytest.mark.parametrize("name", USERS)
def test_a_narrowed_list_lists_what_the_filterset_lists(mixed, name):
    """A list narrowed by a filter is read by a query compiled once per shape: the same
    reports, order, count and pages as the FilterSet over the visible reports."""
    user = mixed.users[name]
    client = Client()
    client.force_login(user)
    choices = {
        "task": ["", str(mixed.a1.pk)],
        "plan": ["", str(mixed.plan_a.pk), "abc"],
        "agency": ["", str(mixed.hainan_commerce.pk), "0"],
        "period": ["", str(mixed.report_a1_office.period_id)],
    }
    every = ProgressReport.objects.visible_to(user).order_by("period_id", "task_id", "agency_id")
    for values in itertools.product(*choices.values()):
        query = {k: v for k, v in zip(choices, values, strict=True) if v}
        expected = list(ReportFilterSet(data=query, queryset=every).qs.values_list("pk", flat=True))
        ids, page = [], 1
        while page:
            body = client.get("/api/v1/reports/", {**query, "page_size": 3, "page": page}).json()
            ids += [row["id"] for row in body["results"]]
            assert body["count"] == len(expected), query
            page = page + 1 if body["next"] else 0
        assert ids == expected, query
    last = client.get("/api/v1/reports/", {"task": mixed.a1.pk, "page": "last", "page_size": 4})
    assert last.status_code == 200 and last.json()["next"] is None
