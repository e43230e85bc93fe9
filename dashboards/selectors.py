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

from django.db.models import (
    BigIntegerField,
    Case,
    DateField,
    F,
    Model,
    QuerySet,
    Sum,
    When,
)
from django.db.models.expressions import RawSQL

from agencies import rules
from agencies.models import Agency, Level
from agencies.rules import User
from dashboards.models import NIGHTLY, Rollup, Scope, TrendPoint
from ops.compiled import AnyOf, CompiledQuery
from plans.models import Indicator, IndicatorValue, Plan, Section
from reports.models import ProgressReport, ReportingPeriod
from tasks.lights import red_q
from tasks.models import Task

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
}
OVERVIEW_FIELDS = tuple(OVERVIEW_PATHS.get(f, f) for f in OverviewRow.__dataclass_fields__)


def _newest_rollups_for(everything: bool) -> CompiledQuery[tuple[int, int | None]]:
    # Written out: Django took longer to compile this `Subquery` than PostgreSQL to run it.
    table = Rollup._meta.db_table
    newest = RawSQL(  # noqa: S611 - table and column names from the models, then parameters  # nosec B611
        f'(SELECT "id" FROM "{table}" WHERE "batch" = %s AND "scope" = %s'  # noqa: S608  # nosec B608
        f' AND "plan_id" = "{Plan._meta.db_table}"."id" ORDER BY "as_of" DESC LIMIT 1)',
        (NIGHTLY, Scope.PLAN),
        output_field=BigIntegerField(),
    )
    return CompiledQuery[tuple[int, int | None]](
        lambda mine: (
            Plan.objects.visible_to_agencies(mine, everything=everything)
            .order_by()
            .annotate(newest=newest)
            .values_list("region_id", "newest")
        ),
        samples=({"mine": [2]}, {"mine": [4]}),
    )


# Both reads of every build of the overview, compiled once per process (ops/compiled.py):
# Django building them cost ~1.6 ms a page (overview_rows 10.2 → 8.6 ms in-process).
_NEWEST_ROLLUPS = {everything: _newest_rollups_for(everything) for everything in (True, False)}
_OVERVIEW_ROWS = CompiledQuery[tuple[Any, ...]](
    lambda ids: (
        Rollup.objects.filter(AnyOf("id", ids))
        # A probe by key for each row, not a hash of every reporting period (~2 ms).
        .annotate(period_label=_named(ReportingPeriod, "period_id", "label"))
        .values_list(*OVERVIEW_FIELDS)
        .order_by("plan__region__name", "plan__title")
    ),
    samples=({"ids": [1]}, {"ids": [2]}),
)


def overview_rows(*, user: User, region_id: int | None = None) -> list[OverviewRow]:
    """The newest nightly plan row of every plan the user may see, by region: two queries.

    First each plan's newest row, one probe of `rollup_plan_scope_idx` (plan, scope, newest
    first) per plan; then those rows by key. Both read ~331 index entries at national scale,
    whatever the number of nights stored. (A GROUP BY for each plan's newest night read all
    90 nights of every plan, ~20 ms; a correlated "newest night" test on every stored row
    took 8.9 s; one query with the probes as a subquery has the planner hash the whole
    table, ~40 ms.)"""
    mine, everything = rules.visibility(user)
    if not (everything or mine):
        return []
    ids = [
        newest
        for region, newest in _NEWEST_ROLLUPS[everything](mine=mine)
        if newest is not None and (region_id is None or region == region_id)
    ]
    return [OverviewRow(*values) for values in _OVERVIEW_ROWS(ids=ids)] if ids else []


HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent to one decimal; None (shown as —) when there is no whole."""
    if not whole:
        return None
    return (HUNDRED * part / whole).quantize(TENTH)


def percent_float(part: int, whole: int) -> float:
    """`float(percent(part, whole) or 0)` in integer arithmetic: the trend's ~2,800 points a
    page, each a Decimal division and quantize before. Tenths of a percent rounded half to
    even as `quantize` does (an exact tie can only come from the exact quotient: the 28
    digits of a Decimal division never make one), then divided by ten as floats are."""
    if not whole:
        return 0.0
    tenths, rest = divmod(1000 * part, whole)
    if 2 * rest > whole or (2 * rest == whole and tenths % 2):
        tenths += 1
    return tenths / 10


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
        points[line or "—"][as_of] = percent_float(moving, total)
    dates = sorted({d for by_date in points.values() for d in by_date})
    return {
        "dates": [d.isoformat() for d in dates],
        "series": {name: [points[name].get(d) for d in dates] for name in sorted(points)},
    }


# The most urgent red tasks on the overview; each plan's dashboard lists its own in full.
RED_TASKS_SHOWN = 50


def _red_tasks_for(everything: bool) -> CompiledQuery[tuple[Any, ...]]:
    return CompiledQuery[tuple[Any, ...]](
        lambda mine, today: (
            Task.objects.visible_to_agencies(mine, everything=everything)
            .filter(red_q(today))
            .order_by(F("due_on").asc(nulls_last=True), "plan__region__name", "number")
            .values_list("pk", "label", "title", "status", "due_on", "plan__region__name")[
                :RED_TASKS_SHOWN
            ]
        ),
        samples=(
            {"mine": [2], "today": dt.date(2000, 1, 1)},
            {"mine": [4], "today": dt.date(2001, 1, 1)},
        ),
    )


# Read on every build of the overview: compiled once per process (ops/compiled.py) for each
# shape of the visibility rule.
_RED_TASKS = {everything: _red_tasks_for(everything) for everything in (True, False)}


def red_task_rows(*, user: User, today: dt.date) -> list[tuple[Any, ...]]:
    """Tasks the user may see whose light is red (`tasks.lights.red_q`), the most overdue
    first (the list is cut, and what is cut must be the least urgent), at most
    RED_TASKS_SHOWN: (id, label, title, status, due date, region name) each."""
    mine, everything = rules.visibility(user)
    if not (everything or mine):
        return []
    return _RED_TASKS[everything](mine=mine, today=today)


@dataclass(slots=True)
class ScopeRow:
    """A plan's newest nightly row of one scope as its dashboard shows it: the figures, and
    the names of the section, agency, indicator and period it counts, not a rollup and four
    model instances per row."""

    pk: int
    scope: str
    as_of: dt.date
    indicator_id: int | None
    period_id: int | None
    tasks_total: int
    status_not_started: int
    status_on_track: int
    status_at_risk: int
    status_behind: int
    status_completed: int
    status_ongoing: int
    light_red: int
    light_amber: int
    light_green: int
    reports_expected: int
    reports_submitted: int
    reports_on_time: int
    reports_late: int
    reports_returned: int
    reports_missing: int
    period_expected: int
    period_missing: int
    indicator_target: Decimal | None
    indicator_value: Decimal | None
    indicator_year: int | None
    section_label: str | None
    section_title: str | None
    section_order: int | None
    agency_name: str | None
    indicator_name: str | None
    indicator_unit: str | None
    indicator_baseline: Decimal | None
    indicator_target_year: int | None
    indicator_order: int | None
    period_label: str | None


def _named(model: type[Model], fk: str, field: str) -> RawSQL:
    """`fk`'s `field`, as a scalar subquery: for the ~30 rows of a plan a probe of the
    primary key each, where joining had the planner hash the whole agencies and sections
    tables (~3 ms of planning and execution for 27 rows). Written out: ten `Subquery`
    expressions took Django ~5 ms of CPU to compile, ten times the query's own time."""
    meta = model._meta
    target = meta.get_field(field)
    sql = (
        f'(SELECT "{target.column}" FROM "{meta.db_table}"'  # noqa: S608 - names from the models  # nosec B608
        f' WHERE "{meta.pk.column}" = "{Rollup._meta.db_table}"."{fk}")'
    )
    return RawSQL(sql, (), output_field=target)  # noqa: S611 - no user input  # nosec B611


# The names a plan's rows show, beside their figures: (model, foreign key column, field).
SCOPE_NAMES: dict[str, tuple[type[Model], str, str]] = {
    "section_label": (Section, "section_id", "label"),
    "section_title": (Section, "section_id", "title"),
    "section_order": (Section, "section_id", "order"),
    "agency_name": (Agency, "agency_id", "name"),
    "indicator_name": (Indicator, "indicator_id", "name"),
    "indicator_unit": (Indicator, "indicator_id", "unit"),
    "indicator_baseline": (Indicator, "indicator_id", "baseline"),
    "indicator_target_year": (Indicator, "indicator_id", "target_year"),
    "indicator_order": (Indicator, "indicator_id", "order"),
    "period_label": (ReportingPeriod, "period_id", "label"),
}


@dataclass
class PlanRollups:
    """The newest nightly rows of one plan, by scope."""

    plan_row: ScopeRow | None
    sections: list[ScopeRow]
    agencies: list[ScopeRow]
    indicators: list[ScopeRow]


def _plan_rollup_rows(plan_id: int) -> QuerySet[Rollup]:
    """The rows of the plan's newest night (a subquery), with what they name, as values."""
    # The plan's newest night, written out for the same reason as `_named`.
    table = Rollup._meta.db_table
    newest = RawSQL(  # noqa: S611 - the table's name, then parameters  # nosec B611
        f'(SELECT MAX("as_of") FROM "{table}" WHERE "batch" = %s AND "plan_id" = %s)',  # noqa: S608  # nosec B608
        (NIGHTLY, plan_id),
        output_field=DateField(),
    )
    names = {name: _named(model, fk, field) for name, (model, fk, field) in SCOPE_NAMES.items()}
    return (
        Rollup.objects.filter(batch=NIGHTLY, plan_id=plan_id, as_of=newest)
        .annotate(**names)
        .values_list(*(f.name for f in fields(ScopeRow)))
        .order_by("scope", "scope_key")
    )


# A plan dashboard's three reads, on every build: compiled once per process (ops/compiled.py).
_PLAN_ROLLUP_ROWS = CompiledQuery[tuple[Any, ...]](
    _plan_rollup_rows, samples=({"plan_id": 1}, {"plan_id": 2})
)
_CONFIRMED_VALUES = CompiledQuery[tuple[int, int, Decimal]](
    lambda plan_id: (
        IndicatorValue.objects.counted()
        .filter(indicator__plan_id=plan_id)
        .order_by("created_at", "pk")
        .values_list("indicator_id", "year", "value")
    ),
    samples=({"plan_id": 1}, {"plan_id": 2}),
)
# The typical cases the plan dashboard lists, the newest period first.
TYPICAL_CASES_SHOWN = 50
_TYPICAL_CASES = CompiledQuery[tuple[Any, ...]](
    lambda plan_id: (
        ProgressReport.objects.filter(task__plan_id=plan_id, is_typical_case=True)
        .order_by("-period__due_on", "task__number")
        .values_list(
            "pk", "task__label", "task__title", "agency__name", "period__label", "achievements"
        )[:TYPICAL_CASES_SHOWN]
    ),
    samples=({"plan_id": 1}, {"plan_id": 2}),
)


def plan_rollups(*, plan: Plan) -> PlanRollups:
    """One query: the rows of the plan's newest night, with what they name."""
    found = _PLAN_ROLLUP_ROWS(plan_id=plan.pk)
    by_scope: dict[str, list[ScopeRow]] = defaultdict(list)
    for values in found:
        row = ScopeRow(*values)
        by_scope[row.scope].append(row)
    sections = sorted(by_scope[Scope.SECTION], key=lambda r: r.section_order)
    # 通报: the best reporters first, by timeliness, then completeness, then name.
    agencies = sorted(
        by_scope[Scope.AGENCY],
        key=lambda r: (
            -(percent(r.reports_on_time, r.reports_expected) or Decimal(-1)),
            -(percent(r.reports_submitted, r.reports_expected) or Decimal(-1)),
            r.agency_name,
        ),
    )
    indicators = sorted(by_scope[Scope.INDICATOR], key=lambda r: (r.indicator_order, r.pk))
    plan_row = by_scope[Scope.PLAN][0] if by_scope[Scope.PLAN] else None
    return PlanRollups(plan_row, sections, [a for a in agencies if a.reports_expected], indicators)


def indicator_trajectories(*, plan: Plan) -> dict[int, list[tuple[int, Decimal]]]:
    """Per indicator, its confirmed actual values by year (the newest entry of a year wins):
    one query. A value still under review or returned does not count."""
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for indicator, year, value in _CONFIRMED_VALUES(plan_id=plan.pk):
        values[indicator][year] = value
    return {k: sorted(v.items()) for k, v in values.items()}


def typical_case_rows(*, plan: Plan) -> list[tuple[Any, ...]]:
    """The plan's typical cases as the dashboard lists them, at most TYPICAL_CASES_SHOWN:
    (report id, task label, task title, agency name, period label, achievements)."""
    return _TYPICAL_CASES(plan_id=plan.pk)
