"""Rollups: the numbers a dashboard shows, the same on every re-run, frozen for a meeting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.db.utils import DatabaseError

from dashboards.models import Rollup
from dashboards.rollups import rollup_build
from meetings.models import Committee, Meeting
from meetings.services import MeetingAlreadyFrozen, meeting_rollup_freeze
from plans.models import Indicator, IndicatorValue
from reports.models import ReportState
from tasks.models import Event, EventKind, Responsibility, Status
from tests.factories import (
    AgencyFactory,
    PeriodFactory,
    PlanFactory,
    ReportFactory,
    ResponsibilityFactory,
    SectionFactory,
    TaskFactory,
    UserFactory,
)

D = dt.date
AS_OF = D(2025, 8, 1)  # after the period's due date (15 July)


@pytest.fixture
def plan(db):
    office = AgencyFactory(name="某省知识产权局")
    court = AgencyFactory(name="某省高级人民法院", region=office.region)
    plan = PlanFactory(region=office.region, lead_agency=office)
    part = SectionFactory(plan=plan, label="二、", title="共建内容", order=1)
    group = SectionFactory(plan=plan, parent=part, label="(一)", order=2)
    t1 = TaskFactory(plan=plan, section=group, status=Status.COMPLETED)
    t2 = TaskFactory(plan=plan, section=group, status=Status.BEHIND)
    t3 = TaskFactory(
        plan=plan, section=part, status=Status.NOT_STARTED, due_on=D(2025, 8, 20)
    )  # amber: due within 30 days and not started
    for task in (t1, t2, t3):
        ResponsibilityFactory(task=task, agency=office, order=0)
    ResponsibilityFactory(task=t2, agency=court, order=1)
    period = PeriodFactory(plan=plan)  # opens 1 June, due 15 July 2025
    ReportFactory(task=t1, agency=office, period=period, state=ReportState.ACCEPTED)
    ReportFactory(task=t2, agency=office, period=period, state=ReportState.SUBMITTED, is_late=True)
    ReportFactory(task=t2, agency=court, period=period, state=ReportState.DRAFT)  # missing
    indicator = Indicator.objects.create(
        plan=plan,
        name="每万人口高价值发明专利拥有量",
        unit="件",
        target=Decimal("10.2"),
        target_year=2025,
    )
    IndicatorValue.objects.create(indicator=indicator, year=2023, value=Decimal("7.1"))
    IndicatorValue.objects.create(indicator=indicator, year=2024, value=Decimal("8.6"))
    plan.fixture = {"office": office, "court": court, "part": part, "group": group, "t2": t2}
    return plan


def _rows(plan, batch: str = "nightly") -> dict[str, Rollup]:
    return {r.scope_key: r for r in Rollup.objects.filter(plan=plan, batch=batch, as_of=AS_OF)}


def test_the_plan_row_counts_tasks_lights_and_reports(plan) -> None:
    assert rollup_build(as_of=AS_OF) == {"plans": 1, "rows": 6}
    row = _rows(plan)["plan"]
    assert (row.tasks_total, row.status_completed, row.status_behind, row.status_not_started) == (
        3,
        1,
        1,
        1,
    )
    assert (row.light_green, row.light_red, row.light_amber) == (1, 1, 1)
    assert (row.reports_expected, row.reports_submitted) == (4, 2)
    assert (row.reports_on_time, row.reports_late, row.reports_missing) == (1, 1, 2)


def test_sections_roll_up_into_their_parent_and_agencies_count_their_own(plan) -> None:
    rollup_build(as_of=AS_OF)
    rows = _rows(plan)
    f = plan.fixture
    assert rows[f"section:{f['group'].pk}"].tasks_total == 2
    assert rows[f"section:{f['part'].pk}"].tasks_total == 3
    court = rows[f"agency:{f['court'].pk}"]
    assert (court.tasks_total, court.reports_expected, court.reports_missing) == (1, 1, 1)
    office = rows[f"agency:{f['office'].pk}"]
    assert (office.tasks_total, office.reports_expected, office.reports_submitted) == (3, 3, 2)


def test_an_indicator_row_has_its_target_and_latest_value(plan) -> None:
    rollup_build(as_of=AS_OF)
    [row] = [r for r in _rows(plan).values() if r.scope == "indicator"]
    assert (row.indicator_target, row.indicator_value, row.indicator_year) == (
        Decimal("10.2"),
        Decimal("8.6"),
        2024,
    )


def test_running_again_gives_the_same_rows(plan) -> None:
    rollup_build(as_of=AS_OF)
    first = {k: (r.pk, _values(r)) for k, r in _rows(plan).items()}
    rollup_build(as_of=AS_OF)
    assert {k: (r.pk, _values(r)) for k, r in _rows(plan).items()} == first
    assert Rollup.objects.count() == 6


def test_a_re_run_follows_changes_and_drops_scopes_that_are_gone(plan) -> None:
    rollup_build(as_of=AS_OF)
    court = plan.fixture["court"]
    Responsibility.objects.filter(agency=court).delete()
    plan.fixture["t2"].reports.filter(agency=court).delete()
    rollup_build(as_of=AS_OF)
    rows = _rows(plan)
    assert f"agency:{court.pk}" not in rows
    assert rows["plan"].reports_expected == 3


def _values(row: Rollup) -> dict[str, object]:
    skip = {"id", "computed_at"}
    return {
        f.attname: getattr(row, f.attname)
        for f in Rollup._meta.concrete_fields
        if f.name not in skip
    }


@pytest.fixture
def meeting(plan):
    committee = Committee.objects.create(plan=plan, name="共建工作委员会")
    return Meeting.objects.create(committee=committee, title="2025年度工作会议", held_on=AS_OF)


def test_freezing_a_meeting_writes_its_rows_once_and_records_who(plan, meeting) -> None:
    secretary = UserFactory(username="secretary")
    rows = meeting_rollup_freeze(meeting=meeting, actor=secretary)
    meeting.refresh_from_db()
    assert meeting.frozen_at is not None and rows == meeting.rollups.count() == 6
    event = Event.objects.get(kind=EventKind.ROLLUP_FROZEN)
    assert event.actor == secretary and event.data["meeting"] == meeting.pk
    with pytest.raises(MeetingAlreadyFrozen):
        meeting_rollup_freeze(meeting=meeting, actor=secretary)
    assert meeting.rollups.count() == 6


def test_frozen_rows_refuse_any_change_even_raw_sql(plan, meeting) -> None:
    meeting_rollup_freeze(meeting=meeting, actor=UserFactory())
    row = meeting.rollups.get(scope_key="plan")
    with (
        pytest.raises((InternalError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE dashboards_rollup SET tasks_total = 99 WHERE id = %s", [row.pk])
    with pytest.raises((InternalError, DatabaseError)), transaction.atomic():
        Rollup.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.tasks_total == 3


def test_the_nightly_job_leaves_a_meeting_rollup_alone(plan, meeting) -> None:
    meeting_rollup_freeze(meeting=meeting, actor=UserFactory())
    plan.fixture["t2"].__class__.objects.filter(pk=plan.fixture["t2"].pk).update(
        status=Status.COMPLETED
    )
    rollup_build(as_of=meeting.rollups.first().as_of)
    assert meeting.rollups.get(scope_key="plan").status_completed == 1


def test_a_row_belongs_to_the_nightly_batch_or_to_a_meeting(plan, meeting) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Rollup.objects.create(plan=plan, as_of=AS_OF, scope="plan", scope_key="plan", batch="x")


def test_the_current_period_is_counted_apart(plan) -> None:
    assert _rows_after_build(plan)["plan"].period_missing == 2  # the only period, now overdue
    current = PeriodFactory(
        plan=plan, label="2025年第三季度", opens_on=D(2025, 7, 20), due_on=D(2025, 8, 15)
    )
    row = _rows_after_build(plan)["plan"]
    assert row.period == current
    assert (row.period_expected, row.period_submitted, row.period_missing) == (4, 0, 0)
    assert (row.reports_expected, row.reports_missing) == (8, 2)  # all periods together


def _rows_after_build(plan) -> dict[str, Rollup]:
    rollup_build(as_of=AS_OF)
    return _rows(plan)
