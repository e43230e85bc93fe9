"""Reads for reporting: which reports are owed, and the permission-scoped getters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from ops.compiled import AnyOf, CompiledQuery
from ops.rows import choice_labels
from plans.models import Plan
from reports.models import HANDED_IN, Attachment, ProgressReport, ReportingPeriod, ReportState
from tasks.models import Responsibility, Task


def owing_responsibilities(*, plan: Plan) -> QuerySet[Responsibility]:
    """Who owes a report on which task: the local side, and NIPA too if the plan says so."""
    return (
        Responsibility.objects.owing_reports()
        .filter(task__plan=plan)
        .select_related("agency", "task")
        .order_by("task__number", "order")
    )


def outstanding_reports(*, period_ids: list[int]) -> list[tuple[int, int, int]]:
    """(period id, task id, agency id) of every owed report (`owing_reports`) not handed in
    (`HANDED_IN`: a returned report is owed again), in those periods, as one anti-join: a
    reminders pass over every plan would otherwise fetch every submitted report to learn what
    is missing."""
    if not period_ids:
        return []
    submitted = ProgressReport.objects.filter(
        task=OuterRef("task"),
        agency=OuterRef("agency"),
        period=OuterRef("period_id"),
        state__in=HANDED_IN,
    )
    rows = (
        Responsibility.objects.owing_reports()
        .filter(task__plan__periods__in=period_ids)
        .annotate(period_id=F("task__plan__periods__id"))
        .filter(~Exists(submitted))
        .order_by("task__plan__periods__due_on", "period_id", "task__number", "order")
        .values_list("period_id", "task_id", "agency_id")
    )
    return list(rows)


@dataclass
class ExpectedReport:
    task: Task
    agency: Agency
    period: ReportingPeriod
    report: ProgressReport | None

    @property
    def is_returned(self) -> bool:
        """退回待改: sent back with a reason, owed again."""
        return self.report is not None and self.report.state == ReportState.RETURNED

    def is_missing(self, *, today: dt.date) -> bool:
        """缺报: past the due date with nothing handed in (`HANDED_IN`) and nothing sent back
        (a returned report is 退回待改, counted apart)."""
        handed_in = self.report is not None and self.report.handed_in
        return today > self.period.due_on and not handed_in and not self.is_returned


def expected_reports(*, plan: Plan, period: ReportingPeriod) -> list[ExpectedReport]:
    """One row per task and owing agency for the period, in two queries."""
    reports = {(r.task_id, r.agency_id): r for r in ProgressReport.objects.filter(period=period)}
    return [
        ExpectedReport(resp.task, resp.agency, period, reports.get((resp.task_id, resp.agency_id)))
        for resp in owing_responsibilities(plan=plan)
    ]


@dataclass
class ReportRow:
    """`report` is None when the user may not see it (another agency's draft): the row then
    reads as not handed in."""

    period: ReportingPeriod
    agency: Agency
    report: ProgressReport | None
    missing: bool  # 缺报: past the due date, neither handed in nor sent back
    returned: bool  # 退回待改: sent back, owed again
    late: bool  # 逾期报送 (`late_q`)
    can_write: bool
    can_review: bool
    state_label: str = ""  # the report's state as shown, translated (`get_state_display`)


# The task page shows the periods that matter now: the latest that have opened and the next
# one. Five years of quarters are 20 periods × every owing agency; the rest is a click away.
RECENT_PERIODS = 4


@dataclass
class ReportTable:
    rows: list[ReportRow]
    hidden_periods: int


def recent_periods(periods: list[ReportingPeriod], *, today: dt.date) -> list[ReportingPeriod]:
    opened = [p for p in periods if p.opens_on <= today]
    upcoming = [p for p in periods if p.opens_on > today]
    return opened[-RECENT_PERIODS:] + upcoming[:1]


def _task_reports(everything: bool) -> CompiledQuery[ProgressReport]:
    return CompiledQuery[ProgressReport](
        lambda task_id, period_ids, mine: (
            ProgressReport.objects.visible_to_agencies(mine, everything=everything)
            .filter(task_id=task_id)
            .filter(AnyOf("period_id", period_ids))
            .with_timeliness()
            # The table shows each report's state, not its texts (kilobytes each, 35 rows).
            .defer(*ProgressReport.LONG_TEXTS)
        ),
        samples=(
            {"task_id": 1, "period_ids": [2], "mine": [3]},
            {"task_id": 4, "period_ids": [5], "mine": [6]},
        ),
    )


# The task page's three reads, compiled once per process (ops/compiled.py): they are most
# of what the page costs to build. The reports' by the visibility rule's two shapes.
_PERIODS = CompiledQuery[ReportingPeriod](
    lambda plan_id: ReportingPeriod.objects.filter(plan_id=plan_id).order_by("starts_on"),
    samples=({"plan_id": 1}, {"plan_id": 2}),
)
_OWING = CompiledQuery[Responsibility](
    lambda task_id: (
        Responsibility.objects.owing_reports()
        .filter(task_id=task_id)
        .select_related("agency")
        .order_by("order")
    ),
    samples=({"task_id": 1}, {"task_id": 2}),
)
_TASK_REPORTS = {everything: _task_reports(everything) for everything in (True, False)}


def task_report_rows(*, user: User, task: Task, all_periods: bool = False) -> ReportTable:
    """Period × owing agency of a task, with what the user may do: four queries. Only the
    recent periods unless `all_periods`."""
    plan = task.plan
    today = timezone.localdate()
    every = _PERIODS(plan_id=plan.pk)
    periods = every if all_periods else recent_periods(every, today=today)
    agencies = [r.agency for r in _OWING(task_id=task.pk)]
    mine, everything = rules.visibility(user)
    visible = (
        _TASK_REPORTS[everything](task_id=task.pk, period_ids=[p.pk for p in periods], mine=mine)
        if everything or mine
        else []
    )
    reports = {(r.period_id, r.agency_id): r for r in visible}
    writable = rules.reporting_agency_ids(user)
    reviewer = rules.can_coordinate_plan(user, plan)
    # Each state's label translated once for the table, into the request's language
    # (`get_state_display` rebuilds its choices per call; a lazy label translates per row).
    labels = choice_labels(ReportState.choices)
    rows = []
    for period in periods:
        for agency in agencies:
            report = reports.get((period.pk, agency.pk))
            handed_in = report is not None and report.handed_in
            returned = report is not None and report.state == ReportState.RETURNED
            rows.append(
                ReportRow(
                    period=period,
                    agency=agency,
                    report=report,
                    missing=today > period.due_on and not handed_in and not returned,
                    returned=returned,
                    late=handed_in and report.handed_in_late,
                    can_write=agency.pk in writable,
                    can_review=reviewer and report is not None,
                    state_label=labels.get(report.state, report.state) if report else "",
                )
            )
    return ReportTable(rows=rows, hidden_periods=len(every) - len(periods))


def get_report_for_user(user: User, pk: int, *, write: bool = False) -> ProgressReport:
    """404 outside the user's reach, 403 when visible but not theirs to write."""
    report = (
        ProgressReport.objects.visible_to(user)
        .select_related("task__plan", "agency", "period")
        .with_timeliness()
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise rules.NotVisible
    if write and not rules.can_write_report(user, report.task, report.agency_id):
        raise PermissionDenied
    return report


def get_attachment_for_user(user: User, pk: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(pk=pk, report__in=ProgressReport.objects.visible_to(user))
        .select_related("report")
        .first()
    )
    if attachment is None:
        raise rules.NotVisible
    return attachment


@dataclass
class ReportSlot:
    """Where an agency writes its report on a task for a period; `report` None until saved."""

    task: Task
    agency: Agency
    period: ReportingPeriod
    report: ProgressReport | None

    def where(self) -> dict[str, object]:
        return {"task": self.task, "agency": self.agency, "period": self.period}


def get_report_slot_for_writer(
    user: User, *, task_pk: int, agency_pk: int, period_pk: int
) -> ReportSlot:
    """404 outside the user's reach; 403 unless the user writes for the agency, which owes
    reports on the task."""
    task = Task.objects.visible_to(user).select_related("plan").filter(pk=task_pk).first()
    agency = Agency.objects.filter(pk=agency_pk).first()
    if task is None or agency is None:
        raise rules.NotVisible
    period = get_period_for_user(user, period_pk)
    if not rules.can_write_report(user, task, agency.pk):
        raise PermissionDenied
    report = ProgressReport.objects.filter(task=task, agency=agency, period=period).first()
    return ReportSlot(task=task, agency=agency, period=period, report=report)


def get_period_for_user(user: User, pk: int) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(pk=pk, plan__in=Plan.objects.visible_to(user)).first()
    if period is None:
        raise rules.NotVisible
    return period


def next_report_due(agency_ids: list[int]) -> Subquery:
    """For a task row: the earliest due date of its plan's periods for which one of
    `agency_ids` owes a report (`owing_reports`) that is not handed in (`HANDED_IN`)."""
    handed_in = ProgressReport.objects.filter(
        task=OuterRef("task"),
        agency=OuterRef("agency"),
        period=OuterRef(OuterRef("pk")),
        state__in=HANDED_IN,
    )
    owing = (
        Responsibility.objects.owing_reports()
        .filter(AnyOf("agency_id", agency_ids), task=OuterRef(OuterRef("pk")))
        .filter(~Exists(handed_in))
    )
    return Subquery(
        ReportingPeriod.objects.filter(plan=OuterRef("plan"))
        .filter(Exists(owing))
        .order_by("due_on")
        .values("due_on")[:1]
    )
