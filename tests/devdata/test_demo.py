from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from agencies.models import Membership, Role
from agencies.reference import NIPA
from dashboards.models import NIGHTLY, Rollup, Scope
from dashboards.selectors import trend_series
from meetings.models import Meeting, MeetingPack
from plans.models import IndicatorValue, Plan, ValueState
from reports.models import HANDED_IN, ProgressReport
from reports.selectors import expected_reports
from tasks.lights import light_for
from tasks.models import Event, EventKind, ExtensionRequest, Responsibility, Task, WorkItem

pytestmark = pytest.mark.django_db

LOGIN_LINE = re.compile(r"^DEMO-LOGIN (\w+) (\S+) (\S+)$")
PLAN_CODES = {"hi-2022", "hn-2022", "sd-2021-muni"}


def _load() -> list[tuple[str, str, str]]:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return [m.groups() for line in out.getvalue().splitlines() if (m := LOGIN_LINE.match(line))]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo replays two years of three plans: loaded once for this module, and rolled
    back after its last test (each test runs in a savepoint of its own inside)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _load()
        transaction.set_rollback(True)


def _plans() -> list[Plan]:
    return list(Plan.objects.filter(is_demo=True).select_related("lead_agency"))


def _liaison_agencies(plan: Plan) -> set[int]:
    return set(
        Membership.objects.filter(
            role=Role.LIAISON, agency__responsibilities__task__plan=plan
        ).values_list("agency_id", flat=True)
    )


def _latest_closed(plan: Plan):
    return plan.periods.filter(due_on__lt=timezone.localdate()).order_by("due_on").last()


@override_settings(DEMO_ALLOWED=False)
def test_demo_is_refused_where_not_allowed():
    before = Membership.objects.count()
    with pytest.raises(ImproperlyConfigured):
        call_command("load_demo", stdout=StringIO())
    assert Membership.objects.count() == before == 0


def test_demo_prints_a_login_for_every_role_and_each_one_works(demo):
    assert {role for role, _, _ in demo} == set(Role.values) | {"operator"}
    assert len({username for _, username, _ in demo}) == len(demo)  # one line per user
    assert len(demo) == get_user_model().objects.count()
    for role, username, password in demo:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, (role, username)
        if role == "operator":
            assert get_user_model().objects.get(username=username).is_superuser
        else:
            assert Membership.objects.filter(user__username=username, role=role).exists()
        assert client.get("/").status_code == 200


def test_demo_runs_again_without_duplicating_anything(demo):
    def counts():
        return [
            model.objects.count()
            for model in (Membership, ProgressReport, Event, Rollup, WorkItem, Meeting)
        ]

    before = counts()
    assert _load() == demo
    assert counts() == before


def test_the_operator_opens_the_admin_and_the_admins_are_not_staff(demo):
    logins = {username: (role, password) for role, username, password in demo}
    client = Client()
    client.post("/accounts/login/", {"username": "operator", "password": logins["operator"][1]})
    for url in [
        "/admin/",
        "/admin/agencies/agency/",
        "/admin/plans/plan/",
        "/admin/tasks/task/",
        "/admin/reports/progressreport/",
        "/admin/tasks/event/",
    ]:
        assert client.get(url).status_code == 200, url
    admins = [username for username, (role, _) in logins.items() if role == "admin"]
    assert len(admins) == 4  # three provinces and NIPA
    for username in admins:
        user = get_user_model().objects.get(username=username)
        assert not user.is_staff and not user.is_superuser
        client = Client()
        client.post("/accounts/login/", {"username": username, "password": logins[username][1]})
        assert client.get("/admin/").status_code == 302  # to the admin's own login


def test_every_plan_has_its_people(demo):
    plans = _plans()
    assert {p.code for p in plans} == PLAN_CODES
    for plan in plans:
        office = plan.lead_agency
        for role in (Role.ADMIN, Role.COORDINATOR, Role.SECRETARY):
            assert Membership.objects.filter(agency=office, role=role).exists(), (plan, role)
        liaisons = _liaison_agencies(plan)
        assert len(liaisons) >= 3
        # A lead (or the first responsible agency) and two co-responsible agencies of one task.
        assert any(
            len(duties) >= 3 and {d.agency_id for d in duties[:3]} <= liaisons
            for duties in (
                sorted(
                    Responsibility.objects.filter(task=task).owing_reports(),
                    key=lambda d: (d.role != "lead", d.order),
                )
                for task in plan.tasks.all()
            )
        ), plan
    nipa = {
        (m.agency.name, m.role)
        for m in Membership.objects.filter(agency__side="nipa").select_related("agency")
    }
    assert {
        (NIPA, Role.ADMIN),
        ("国家知识产权局知识产权运用促进司", Role.LIAISON),
        ("国家知识产权局知识产权保护司", Role.LIAISON),
    } <= nipa
    assert any(role == Role.VIEWER for _, role in nipa)


def test_demo_shows_the_plans_in_motion(demo):
    plans = Plan.objects.filter(is_demo=True)
    assert set(plans.values_list("code", flat=True)) == PLAN_CODES
    hainan = plans.get(code="hi-2022")
    reports = ProgressReport.objects.filter(task__plan=hainan)
    assert set(reports.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    assert reports.filter(is_late=True).exists()
    assert reports.filter(is_typical_case=True).exists()
    assert set(Task.objects.filter(plan=hainan).values_list("status", flat=True)) == {
        "not_started",
        "on_track",
        "at_risk",
        "behind",
        "completed",
        "ongoing",
    }
    assert hainan.periods.count() == 4  # half-yearly, over two years
    first = hainan.periods.order_by("starts_on").first()
    assert any(
        row.is_missing(today=dt.date(2100, 1, 1))
        for row in expected_reports(plan=hainan, period=first)
    )
    assert WorkItem.objects.filter(task__plan=hainan, closed_at__isnull=False).exists()
    assert ExtensionRequest.objects.filter(state="pending").exists()


def test_every_plan_has_reports_handed_in_in_its_latest_closed_period(demo):
    for plan in _plans():
        period = _latest_closed(plan)
        owed = Responsibility.objects.filter(task__plan=plan).owing_reports().count()
        handed_in = ProgressReport.objects.filter(period=period, state__in=HANDED_IN)
        assert handed_in.count() >= 0.75 * owed, plan
        assert handed_in.filter(state="accepted").exists()
        assert ProgressReport.objects.filter(task__plan=plan, is_typical_case=True).exists()


def test_reports_are_dated_in_their_period_and_late_ones_marked(demo):
    reports = ProgressReport.objects.exclude(submitted_at=None).select_related("period")
    assert reports.filter(is_late=True).exists()
    for report in reports:
        submitted_on = timezone.localtime(report.submitted_at).date()
        assert report.is_late == (submitted_on > report.period.due_on), report
        assert submitted_on <= timezone.localdate()
    first = Event.objects.order_by("created_at").first().created_at
    assert timezone.now() - first > dt.timedelta(days=365)  # the timeline goes back years


def test_every_plan_has_a_report_returned_then_corrected_and_accepted(demo):
    for plan in _plans():
        corrected = [
            report
            for report in ProgressReport.objects.filter(task__plan=plan, state="accepted")
            if [
                e.to_value
                for e in Event.objects.filter(
                    report=report, kind=EventKind.REPORT_STATE_CHANGED
                ).order_by("created_at", "pk")
            ]
            == ["submitted", "returned", "submitted", "accepted"]
        ]
        assert corrected, plan
        events = Event.objects.filter(report=corrected[0]).order_by("created_at", "pk")
        returned = events.get(to_value="returned")
        assert returned.actor.memberships.filter(role=Role.COORDINATOR).exists()
        assert returned.reason


def test_nightly_rollups_cover_90_days_and_every_province_has_a_trend(demo):
    today = timezone.localdate()
    plans = _plans()
    for plan in plans:
        days = set(
            Rollup.objects.filter(plan=plan, batch=NIGHTLY, scope=Scope.PLAN).values_list(
                "as_of", flat=True
            )
        )
        assert days == {today - dt.timedelta(days=n) for n in range(90)}, plan
    trend = trend_series(plan_ids=[p.pk for p in plans], until=today)
    assert set(trend["series"]) == {"海南省", "湖南省", "山东省"}
    for points in trend["series"].values():
        assert len([p for p in points if p is not None]) > 1
        assert len(set(points)) > 1  # the line moves


def test_tasks_have_deadlines_and_their_lights_vary(demo):
    today = timezone.localdate()
    for plan in _plans():
        tasks = list(plan.tasks.all())
        assert sum(t.due_on is not None for t in tasks) > len(tasks) / 2
        deadline_events = Event.objects.filter(plan=plan, kind=EventKind.DEADLINE_CHANGED)
        assert deadline_events.count() == sum(t.due_on is not None for t in tasks)
        lights = {light_for(status=t.status, due_on=t.due_on, today=today) for t in tasks}
        assert lights == {"red", "amber", "green"}, plan


def test_weihai_has_accepted_actuals_for_its_2025_targets(demo):
    weihai = Plan.objects.get(code="sd-2021-muni")
    indicators = list(weihai.indicators.filter(target_year=2025))
    assert len(indicators) == 5
    for indicator in indicators:
        value = IndicatorValue.objects.get(indicator=indicator, year=2025)
        assert value.state == ValueState.ACCEPTED and value.reviewed_by is not None
    latest = Rollup.objects.filter(plan=weihai, scope=Scope.INDICATOR).order_by("-as_of")
    assert latest.first().indicator_value is not None


def test_every_plan_had_a_meeting_with_frozen_data_a_pack_and_decisions(demo):
    for plan in _plans():
        meeting = Meeting.objects.filter(committee__plan=plan).order_by("held_on").first()
        assert meeting.held_on < timezone.localdate()
        assert meeting.frozen_at is not None and meeting.pack_data
        assert meeting.rollups.exists()
        assert MeetingPack.objects.filter(meeting=meeting).exists()
        items = [d.work_item for d in meeting.decisions.select_related("work_item")]
        assert len(items) == 2 and any(i.closed_at is not None for i in items)
