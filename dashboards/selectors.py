"""Reads for the dashboards: the latest nightly rollups, their trend, the red items.

Every function here runs a fixed number of queries whatever the number of plans: the pages
that use them must not grow a query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, Max, OuterRef, QuerySet, Subquery, Sum, When

from agencies import rules
from agencies.models import Agency, Level
from agencies.rules import User
from dashboards.models import NIGHTLY, Rollup, Scope, TrendPoint
from plans.models import IndicatorValue, Plan
from reports.models import ProgressReport
from tasks.lights import red_q
from tasks.models import Responsibility, Task

TREND_DAYS = 90


@dataclass(slots=True)
class OverviewRow:
    """A plan's newest nightly figures as the overview shows them: plain values read in one
    row, not four model instances (rollup, plan, region, period) per plan."""

    plan_id: int
    plan_title: str
    region_id: int
    region_name: str
    period_label: str | None
    as_of: dt.date
    tasks_total: int
    status_not_started: int
    status_on_track: int
    status_at_risk: int
    status_behind: int
    status_completed: int
    status_ongoing: int
    period_expected: int
    period_submitted: int
    period_on_time: int
    period_late: int
    period_returned: int
    period_missing: int


# Where each OverviewRow field is read from, in the order of its fields.
OVERVIEW_PATHS = {
    "plan_title": "plan__title",
    "region_id": "plan__region_id",
    "region_name": "plan__region__name",
    "period_label": "period__label",
}
OVERVIEW_FIELDS = tuple(OVERVIEW_PATHS.get(f, f) for f in OverviewRow.__dataclass_fields__)


def overview_rows(*, user: User, region_id: int | None = None) -> list[OverviewRow]:
    """The newest nightly plan row of every plan the user may see, by region: two queries.

    First each plan's newest row, one probe of `rollup_plan_scope_idx` (plan, scope, newest
    first) per plan; then those rows by key. Both read ~331 index entries at national scale,
    whatever the number of nights stored. (A GROUP BY for each plan's newest night read all
    90 nights of every plan, ~20 ms; a correlated "newest night" test on every stored row
    took 8.9 s; one query with the probes as a subquery has the planner hash the whole
    table, ~40 ms.)"""
    plans = Plan.objects.visible_to(user)
    if region_id is not None:
        plans = plans.filter(region_id=region_id)
    newest = (
        Rollup.objects.filter(batch=NIGHTLY, scope=Scope.PLAN, plan=OuterRef("pk"))
        .order_by("-as_of")
        .values("pk")[:1]
    )
    ids = plans.order_by().annotate(newest=Subquery(newest)).values_list("newest", flat=True)
    found = (
        Rollup.objects.filter(pk__in=[pk for pk in ids if pk is not None])
        .values_list(*OVERVIEW_FIELDS)
        .order_by("plan__region__name", "plan__title")
    )
    return [OverviewRow(*values) for values in found]


HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent to one decimal; None (shown as —) when there is no whole."""
    if not whole:
        return None
    return (HUNDRED * part / whole).quantize(TENTH)


def share_on_track(row: Rollup | OverviewRow) -> Decimal | None:
    """正常推进 + 持续推进 (both moving as planned) as a share of the tasks."""
    return percent(row.status_on_track + row.status_ongoing, row.tasks_total)


def share_completed(row: Rollup | OverviewRow) -> Decimal | None:
    return percent(row.status_completed, row.tasks_total)


# A plan's province: its own region, its parent (a city's) or its grandparent (a county's).
PROVINCE_NAME = Case(
    When(plan__region__level=Level.MUNICIPAL, then=F("plan__region__parent__name")),
    When(plan__region__level=Level.COUNTY, then=F("plan__region__parent__parent__name")),
    default=F("plan__region__name"),
)
# The same province as a key, for the nightly trend points (rollups.trend_points_write).
PROVINCE_ID = Case(
    When(plan__region__level=Level.MUNICIPAL, then=F("plan__region__parent_id")),
    When(plan__region__level=Level.COUNTY, then=F("plan__region__parent__parent_id")),
    default=F("plan__region_id"),
)
# Tasks moving as planned or done: 正常推进 + 持续推进 + 已完成.
MOVING = F("status_on_track") + F("status_ongoing") + F("status_completed")


def trend_series(
    *, plan_ids: list[int], until: dt.date, by_province: bool = True, every_plan: bool = False
) -> dict[str, object]:
    """The share moving (正常推进 + 持续推进 + 已完成) by province (or, with `by_province`
    false, by the plan's own region) and date, over the plans given, from the nightly rows of
    the last TREND_DAYS: one query. A province's share counts the tasks of all its plans,
    its cities' among them: 331 plans would be 331 lines nobody can read, and ~30,000 rows
    carried out of the database. {"dates": [...], "series": {name: [value|None per date]}}.

    `every_plan`: the plans given are all the plans with nightly rows (a NIPA viewer's), so
    the province sums the nightly rollup wrote beside those rows (`TrendPoint`, ~30 a night)
    are the answer: the same numbers as grouping 331 plans' rows through three region joins,
    which took ~40 ms a page."""
    since = until - dt.timedelta(days=TREND_DAYS)
    rows: Iterable[tuple[str | None, dt.date, int, int]]
    if every_plan and by_province:
        rows = (
            TrendPoint.objects.filter(as_of__gt=since, as_of__lte=until)
            .values_list("province__name", "as_of", "moving", "tasks_total")
            .order_by()
        )
    else:
        rows = (
            Rollup.objects.filter(
                batch=NIGHTLY,
                scope=Scope.PLAN,
                plan_id__in=plan_ids,
                as_of__gt=since,
                as_of__lte=until,
            )
            .annotate(line=PROVINCE_NAME if by_province else F("plan__region__name"))
            .values_list("line", "as_of")
            .annotate(moving=Sum(MOVING), total=Sum("tasks_total"))
            .order_by()
        )
    points: dict[str, dict[dt.date, float]] = defaultdict(dict)
    for line, as_of, moving, total in rows:
        points[line or "—"][as_of] = float(percent(moving, total) or 0)
    dates = sorted({d for by_date in points.values() for d in by_date})
    return {
        "dates": [d.isoformat() for d in dates],
        "series": {name: [points[name].get(d) for d in dates] for name in sorted(points)},
    }


def red_tasks(*, user: User, today: dt.date) -> QuerySet[Task]:
    """Tasks whose light is red (`tasks.lights.red_q`), in one query; the most overdue first
    (the overview cuts the list, and what is cut must be the least urgent)."""
    return (
        Task.objects.visible_to(user)
        .filter(red_q(today))
        .select_related("plan__region")
        # What the list shows: not each plan's every column (its source text among them).
        .only("label", "title", "status", "due_on", "plan__region__name")
        .order_by(F("due_on").asc(nulls_last=True), "plan__region__name", "number")
    )


@dataclass
class PlanRollups:
    """The newest nightly rows of one plan, by scope."""

    plan_row: Rollup | None
    sections: list[Rollup]
    agencies: list[Rollup]
    indicators: list[Rollup]


def plan_rollups(*, plan: Plan) -> PlanRollups:
    """Two queries: the newest date, then its rows with what they name."""
    as_of = Rollup.objects.filter(batch=NIGHTLY, plan=plan).aggregate(last=Max("as_of"))["last"]
    rows = list(
        Rollup.objects.filter(batch=NIGHTLY, plan=plan, as_of=as_of)
        .select_related("section", "agency", "indicator", "period")
        .order_by("scope", "scope_key")
    )
    by_scope: dict[str, list[Rollup]] = defaultdict(list)
    for row in rows:
        by_scope[row.scope].append(row)
    sections = sorted(by_scope[Scope.SECTION], key=lambda r: r.section.order)
    # 通报: the best reporters first, by timeliness, then completeness, then name.
    agencies = sorted(
        by_scope[Scope.AGENCY],
        key=lambda r: (
            -(percent(r.reports_on_time, r.reports_expected) or Decimal(-1)),
            -(percent(r.reports_submitted, r.reports_expected) or Decimal(-1)),
            r.agency.name,
        ),
    )
    indicators = sorted(by_scope[Scope.INDICATOR], key=lambda r: (r.indicator.order, r.pk))
    plan_row = by_scope[Scope.PLAN][0] if by_scope[Scope.PLAN] else None
    return PlanRollups(plan_row, sections, [a for a in agencies if a.reports_expected], indicators)


def indicator_trajectories(*, plan: Plan) -> dict[int, list[tuple[int, Decimal]]]:
    """Per indicator, its confirmed actual values by year (the newest entry of a year wins):
    one query. A value still under review or returned does not count."""
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    confirmed = IndicatorValue.objects.counted().filter(indicator__plan=plan)
    for value in confirmed.order_by("created_at", "pk"):
        values[value.indicator_id][value.year] = value.value
    return {k: sorted(v.items()) for k, v in values.items()}


def typical_cases(*, plan: Plan) -> QuerySet[ProgressReport]:
    return (
        ProgressReport.objects.filter(task__plan=plan, is_typical_case=True)
        .select_related("task", "agency", "period")
        # What the dashboard shows of a case: not the report's other texts nor the task's.
        .only("achievements", "task__label", "task__title", "agency__name", "period__label")
        .order_by("-period__due_on", "task__number")
    )


@dataclass(slots=True)
class DutyRow:
    """One of an agency's duties as its page and its download show it: plain values, not a
    responsibility, a task, a plan and a region per row."""

    task_id: int
    task_label: str
    task_title: str
    task_status: str
    task_due_on: dt.date | None
    plan_title: str
    region_name: str
    role: str
    latest_report_id: int | None
    latest_report_state: str | None
    latest_report_period: str | None
    # Not read: set by the view, from tasks.lights.
    light: str = ""


DUTY_PATHS = {
    "task_label": "task__label",
    "task_title": "task__title",
    "task_status": "task__status",
    "task_due_on": "task__due_on",
    "plan_title": "task__plan__title",
    "region_name": "task__plan__region__name",
}
DUTY_FIELDS = tuple(DUTY_PATHS.get(f.name, f.name) for f in fields(DutyRow) if f.name != "light")


def agency_responsibilities(
    *, user: User, agency: Agency, plan_id: int | None = None, status: str = ""
) -> QuerySet[Responsibility, tuple[Any, ...]]:
    """Every task the agency leads or co-leads in the plans the user may see, with the
    agency's latest report on it (three subqueries in the same query, not one per row), as
    the values of a `DutyRow` (`DutyRow(*values)`)."""
    # Another agency's draft is not the user's to see (`visible_to`): its latest report then
    # is the one before, or none.
    latest = (
        ProgressReport.objects.visible_to(user)
        .filter(task=OuterRef("task"), agency=agency)
        .order_by("-period__due_on", "-pk")
    )
    found = Responsibility.objects.filter(
        agency=agency, task__plan__in=Plan.objects.visible_to(user)
    )
    if plan_id is not None:
        found = found.filter(task__plan_id=plan_id)
    if status:
        found = found.filter(task__status=status)
    return (
        found.annotate(
            latest_report_id=Subquery(latest.values("pk")[:1]),
            latest_report_state=Subquery(latest.values("state")[:1]),
            latest_report_period=Subquery(latest.values("period__label")[:1]),
        )
        .values_list(*DUTY_FIELDS)
        .order_by("task__plan__region__name", "task__plan__title", "task__number", "pk")
    )


def get_agency_for_user(user: User, pk: int) -> Agency:
    """An agency's duty page is open to its own people, to those who read everything, and to
    those who share a plan with it; anyone else gets 404, as for a page that does not exist."""
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise rules.NotVisible
    if agency.pk in rules.agency_ids(user) or rules.reads_everything(user):
        return agency
    shares = Responsibility.objects.filter(
        agency=agency, task__plan__in=Plan.objects.visible_to(user)
    )
    if not shares.exists():
        raise rules.NotVisible
    return agency


def duty_plans(duties: QuerySet[Responsibility, Any]) -> list[tuple[int, str]]:
    """The plans of an agency's duties, by title: the choices of the page's plan filter."""
    pairs = set(duties.order_by().values_list("task__plan_id", "task__plan__title"))
    return sorted(pairs, key=lambda pair: pair[1])
