"""Reads: the permission-scoped getters, 我的任务 and the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from agencies import rules
from agencies.models import Membership, Role
from reports.models import ReportState
from tasks import selectors, services
from tasks.models import ResponsibilityRole, Status
from tests.factories import (
    PeriodFactory,
    ReportFactory,
    ResponsibilityFactory,
    TaskFactory,
    WorkItemFactory,
)

pytestmark = pytest.mark.django_db

BEFORE_DUE = dt.date(2025, 7, 1)  # the world's periods are due 2025-07-15
AFTER_DUE = dt.date(2025, 8, 1)


def _rows(groups):
    return [(g.plan.pk, row.kind, row.title) for g in groups for row in g.rows]


def _only(groups):
    [group] = groups
    return group.rows


# --- getters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "write", "outcome"),
    [
        ("coordinator", True, "ok"),
        ("liaison", False, "ok"),
        ("liaison", True, PermissionDenied),
        ("nipa_viewer", False, "ok"),
        ("nipa_viewer", True, PermissionDenied),
        ("other_coordinator", False, Http404),
        ("other_coordinator", True, Http404),
        ("nobody", False, Http404),
    ],
)
def test_getters_404_outside_and_403_without_write(world, role, write, outcome):
    user = world.users[role]
    item = WorkItemFactory(task=world.a1, agencies=[world.hainan_commerce])
    request = services.extension_request(
        actor=world.users["liaison"],
        work_item=item,
        agency=world.hainan_commerce,
        new_due_on=dt.date(2026, 6, 30),
        reason="延期",
    )
    getters = [
        (selectors.get_task_for_user, world.a1.pk),
        (selectors.get_work_item_for_user, item.pk),
        (selectors.get_extension_request_for_user, request.pk),
    ]
    for getter, pk in getters:
        if outcome == "ok":
            assert getter(user, pk, write=write).pk == pk
        else:
            with pytest.raises(outcome):
                getter(user, pk, write=write)


# --- 我的任务 -------------------------------------------------------------------------------


def test_liaison_sees_the_tasks_and_work_items_of_their_agency(world):
    on_a1 = WorkItemFactory(task=world.a1, agencies=[world.hainan_commerce], title="甲要点")
    on_a2 = WorkItemFactory(task=world.a2, agencies=[world.hainan_commerce], title="乙要点")
    WorkItemFactory(task=world.a2, agencies=[world.hainan_office], title="别人的要点")
    rows = _only(selectors.my_tasks(user=world.users["liaison"], today=BEFORE_DUE))
    assert [(r.kind, r.title, r.role) for r in rows] == [
        ("task", world.a1.title, ResponsibilityRole.CO),
        ("work_item", on_a1.title, ResponsibilityRole.CO),
        # Commerce is not on task A2: on its work item it is the responsible agency.
        ("work_item", on_a2.title, ResponsibilityRole.RESPONSIBLE),
    ]
    assert rows[0].role_label == "配合"


def test_grouped_by_plan(world):
    ResponsibilityFactory(task=world.b1, agency=world.hainan_office, role="co", order=5)
    groups = selectors.my_tasks(user=world.users["coordinator"], today=BEFORE_DUE)
    assert [g.plan for g in groups] == [world.plan_a, world.plan_b]  # 海南 before 湖南
    assert [r.task for r in groups[0].rows] == [world.a1, world.a2]
    assert [(r.task, r.role) for r in groups[1].rows] == [(world.b1, ResponsibilityRole.CO)]


def test_the_page_as_it_opens_shows_what_each_plans_filter_shows(world):
    """The unfiltered page runs compiled SQL; a filter builds the query anew: a user of
    several agencies, in two plans, sees the same rows, roles, dates and returned reports
    either way."""
    liaison = world.users["liaison"]
    Membership.objects.create(user=liaison, agency=world.hainan_office, role=Role.LIAISON)
    ResponsibilityFactory(task=world.b1, agency=world.hainan_office, role="co", order=5)
    WorkItemFactory(task=world.a2, agencies=[world.hainan_commerce], title="乙要点")
    report = world.report_a1_commerce
    report.state, report.return_reason = ReportState.RETURNED, "补充数据"
    report.save()

    def shown(groups):
        return [
            (g.plan.pk, r.kind, r.title, r.role, r.next_report_due, r.overdue, r.returned)
            for g in groups
            for r in g.rows
        ]

    opened = selectors.my_tasks(user=liaison, today=AFTER_DUE)
    per_plan = [
        row
        for plan in (world.plan_a, world.plan_b)
        for row in shown(selectors.my_tasks(user=liaison, plan=plan.pk, today=AFTER_DUE))
    ]
    assert shown(opened) == per_plan
    assert {g.plan for g in opened} == {world.plan_a, world.plan_b}
    assert any(r.returned and r.returned.reason == "补充数据" for g in opened for r in g.rows)


def test_users_without_agency_have_nothing(world):
    assert selectors.my_tasks(user=world.users["nobody"]) == []


def test_next_report_due_and_overdue(world):
    liaison = world.users["liaison"]
    [row] = _only(selectors.my_tasks(user=liaison, today=BEFORE_DUE))
    assert (row.next_report_due, row.overdue, row.light) == (dt.date(2025, 7, 15), False, "green")
    [row] = _only(selectors.my_tasks(user=liaison, today=AFTER_DUE))
    assert (row.overdue, row.light) == (True, "amber")
    # Submitted: nothing owed for that period; the next period is the next date.
    world.report_a1_commerce.state = ReportState.SUBMITTED
    world.report_a1_commerce.save()
    PeriodFactory(plan=world.plan_a, opens_on=dt.date(2025, 12, 1), due_on=dt.date(2026, 1, 15))
    [row] = _only(selectors.my_tasks(user=liaison, today=AFTER_DUE))
    assert (row.next_report_due, row.overdue) == (dt.date(2026, 1, 15), False)


def test_a_returned_report_is_still_owed(world):
    world.report_a1_commerce.state = ReportState.RETURNED
    world.report_a1_commerce.save()
    [row] = _only(selectors.my_tasks(user=world.users["liaison"], today=AFTER_DUE))
    assert row.overdue


def test_a_missing_report_is_owed(world):
    # Commerce also carries A2 now, with no report written at all.
    ResponsibilityFactory(task=world.a2, agency=world.hainan_commerce, role="co", order=3)
    rows = _only(selectors.my_tasks(user=world.users["liaison"], today=AFTER_DUE))
    assert [(r.task, r.overdue) for r in rows] == [(world.a1, True), (world.a2, True)]


def test_nipa_departments_owe_reports_only_when_the_plan_says_so(world):
    viewer = world.users["nipa_viewer"]
    [row] = _only(selectors.my_tasks(user=viewer, today=AFTER_DUE))
    assert (row.task, row.next_report_due, row.overdue) == (world.a1, None, False)
    world.plan_a.nipa_reports_required = True
    world.plan_a.save()
    [row] = _only(selectors.my_tasks(user=viewer, today=AFTER_DUE))
    assert row.overdue


def test_work_item_overdue_is_its_own_due_date(world):
    WorkItemFactory(task=world.a1, agencies=[world.hainan_commerce], due_on=dt.date(2025, 7, 31))
    done = WorkItemFactory(
        task=world.a1, agencies=[world.hainan_commerce], due_on=dt.date(2025, 7, 31)
    )
    done.status = Status.COMPLETED
    done.save()
    rows = _only(selectors.my_tasks(user=world.users["liaison"], today=AFTER_DUE))
    items = [(r.overdue, r.light) for r in rows if r.kind == "work_item"]
    assert items == [(True, "red"), (False, "green")]


def test_filters(world):
    coordinator = world.users["coordinator"]
    ResponsibilityFactory(task=world.b1, agency=world.hainan_office, role="co", order=5)
    world.a2.status = Status.BEHIND
    world.a2.save()
    late_item = WorkItemFactory(
        task=world.a1, agencies=[world.hainan_office], due_on=dt.date(2025, 7, 20)
    )

    def titles(**filters):
        groups = selectors.my_tasks(user=coordinator, today=AFTER_DUE, **filters)
        return {row.title for g in groups for row in g.rows}

    everything = {world.a1.title, world.a2.title, world.b1.title, late_item.title}
    assert titles() == everything
    assert titles(plan=world.plan_b.pk) == {world.b1.title}
    assert titles(status=Status.BEHIND) == {world.a2.title}
    assert titles(role=ResponsibilityRole.CO) == {world.b1.title}
    assert titles(role=ResponsibilityRole.LEAD) == {world.a1.title, world.a2.title, late_item.title}
    # Overdue: the office's draft reports on A1 and A2, its missing one on B1 (a local co
    # agency owes reports too), and the late work item.
    assert titles(overdue=True) == everything
    ReportFactory(
        task=world.b1,
        agency=world.hainan_office,
        period=world.report_b1_dept.period,
        state=ReportState.ACCEPTED,
    )
    assert titles(overdue=True) == {world.a1.title, world.a2.title, late_item.title}


def test_search_finds_chinese_substrings_in_titles_and_bodies(world):
    world.a1.title = "深化知识产权领域改革"
    world.a1.save()
    world.a2.body = "建设中国（海南）知识产权保护中心，开展快速预审。"
    world.a2.save()
    item = WorkItemFactory(task=world.a1, agencies=[world.hainan_office], title="推动快速维权")
    coordinator = world.users["coordinator"]

    def titles(q):
        return {row.title for g in selectors.my_tasks(user=coordinator, q=q) for row in g.rows}

    assert titles("快速预审") == {world.a2.title}  # in the body, mid-sentence
    assert titles("快速") == {world.a2.title, item.title}
    assert titles("领域改") == {world.a1.title}
    assert titles("不存在的词") == set()


def _count_my_tasks_queries(user) -> int:
    user = type(user).objects.get(pk=user.pk)  # a fresh user: memberships not cached
    with CaptureQueriesContext(connection) as ctx:
        groups = selectors.my_tasks(user=user, today=AFTER_DUE)
        [row.light for g in groups for row in g.rows]
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_tasks(world):
    coordinator = world.users["coordinator"]

    def add(n):
        for _ in range(n):
            task = TaskFactory(plan=world.plan_a)
            ResponsibilityFactory(task=task, agency=world.hainan_office)
            WorkItemFactory(task=task, agencies=[world.hainan_office])
            ReportFactory(
                task=task, agency=world.hainan_office, period=world.report_a1_office.period
            )

    add(3)
    few = _count_my_tasks_queries(coordinator)
    add(27)
    many = _count_my_tasks_queries(coordinator)
    assert few == many <= 3


# --- timeline -----------------------------------------------------------------------------


def test_task_work_items_in_order_with_agencies_and_pending_extensions(
    world, django_assert_num_queries
):
    from tasks.models import ExtensionState
    from tests.factories import ExtensionRequestFactory

    with django_assert_num_queries(1):  # none: nothing else is read
        assert selectors.task_work_items(task=world.a1) == []
    later = WorkItemFactory(task=world.a1, year=2026, agencies=[world.hainan_office])
    sooner = WorkItemFactory(
        task=world.a1, year=2025, agencies=[world.hainan_commerce, world.hainan_office]
    )
    WorkItemFactory(task=world.a2, year=2024)
    asked = ExtensionRequestFactory(work_item=sooner, agency=world.hainan_commerce)
    ExtensionRequestFactory(
        work_item=sooner, agency=world.hainan_office, state=ExtensionState.REFUSED
    )
    with django_assert_num_queries(3):
        items = selectors.task_work_items(task=world.a1)
        shown = [
            (i.pk, sorted(a.name for a in i.agencies.all()), [e.pk for e in i.pending])
            for i in items
        ]
    assert shown == [
        (sooner.pk, sorted([world.hainan_commerce.name, world.hainan_office.name]), [asked.pk]),
        (later.pk, [world.hainan_office.name], []),
    ]


def test_timeline_newest_first_with_actors(world, django_assert_num_queries):
    coordinator = world.users["coordinator"]
    services.task_set_status(
        actor=coordinator, task=world.a1, status=Status.ON_TRACK, reason="启动", expected_version=1
    )
    services.task_comment(actor=world.users["nipa_viewer"], task=world.a1, text="很好")
    services.task_comment(actor=world.users["nipa_viewer"], task=world.a2, text="别的任务")
    viewer = world.users["coordinator"]
    rules.agency_ids(viewer)  # the user's memberships, read once per request before the page
    with django_assert_num_queries(1):
        events = list(selectors.task_timeline_for(user=viewer, task=world.a1))
        actors = [e.actor.username for e in events]
    assert [e.reason for e in events] == ["很好", "启动"]
    assert actors == ["nipa_viewer", "coordinator"]


def test_the_task_pages_timeline_names_the_page_task_without_reading_it(
    world, django_assert_num_queries
):
    """Each event of the task page's timeline carries the task the page shows: its label and
    link need no query, and no row joins the task again."""
    coordinator = world.users["coordinator"]
    services.task_set_status(
        actor=coordinator, task=world.a1, status=Status.ON_TRACK, reason="启动", expected_version=1
    )
    services.task_comment(actor=world.users["nipa_viewer"], task=world.a1, text="很好")
    rules.agency_ids(coordinator)
    with django_assert_num_queries(1) as captured:
        events, older = selectors.task_timeline_head(user=coordinator, task=world.a1)
        labels = {e.task.label for e in events}
    assert [e.reason for e in events] == ["很好", "启动"] and not older
    assert all(e.task is world.a1 for e in events) and labels == {world.a1.label}
    assert '"tasks_task"."body"' not in captured.captured_queries[0]["sql"]


def test_timeline_shows_the_same_events_as_the_report_rule(world):
    """Each report's events by the report's own visibility, for an editor and a viewer of the
    report's agency, the plan's coordinator, NIPA and another province: a draft stays with its
    agency, a submitted report is seen by all who see it, an event without a report by all."""
    from django.db.models import Q

    from reports.models import ProgressReport
    from tasks.events import event_record
    from tasks.models import Event, EventKind

    ProgressReport.objects.filter(pk=world.report_a1_office.pk).update(state=ReportState.SUBMITTED)
    coordinator = world.users["coordinator"]
    plain = event_record(actor=coordinator, kind=EventKind.COMMENTED, plan=world.plan_a,
                         task=world.a1, reason="评论")  # fmt: skip
    on = {}
    for name, report in [
        ("commerce_draft", world.report_a1_commerce),
        ("office_submitted", world.report_a1_office),
        ("office_draft_a2", world.report_a2_office),
    ]:
        on[name] = event_record(
            actor=coordinator,
            kind=EventKind.ATTACHMENT_ADDED,
            plan=world.plan_a,
            task=report.task,
            report=report,
            to_value=name,
        )
    expected = {
        "liaison": {"plain", "commerce_draft", "office_submitted"},
        "local_viewer": {"plain", "commerce_draft", "office_submitted"},
        "coordinator": {"plain", "office_submitted", "office_draft_a2"},
        "nipa_viewer": {"plain", "office_submitted"},
        "other_liaison": {"plain"},
    }
    names = {plain.pk: "plain", **{e.pk: n for n, e in on.items()}}
    for who, seen in expected.items():
        user = world.users[who]
        # What the rule was before: every event whose report is among all the user may see.
        before = Q(report__isnull=True) | Q(report__in=ProgressReport.objects.visible_to(user))
        old_task = set(Event.objects.filter(task=world.a1).filter(before).values_list("pk"))
        old_plan = set(Event.objects.filter(plan=world.plan_a).filter(before).values_list("pk"))
        task_events = selectors.task_timeline_for(user=user, task=world.a1)
        plan_events = selectors.plan_timeline(user=user, plan=world.plan_a)
        assert {(e.pk,) for e in task_events} == old_task, who
        assert {(e.pk,) for e in plan_events} == old_plan, who
        assert {names[e.pk] for e in plan_events} == seen, who
        assert {names[e.pk] for e in task_events} == seen - {"office_draft_a2"}, who
