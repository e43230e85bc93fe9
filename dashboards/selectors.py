"""Reads for the dashboards: the latest nightly rollups, their trend, the red items.

Every function here runs a fixed number of queries whatever the number of plans: the pages
that use them must not grow a query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, Max, OuterRef, QuerySet, Subquery, Sum, When

from agencies import rules
from agencies.models import Agency, Level
from agencies.rules import User
from dashboards.models import NIGHTLY, Rollup, Scope
from plans.models import IndicatorValue, Plan
from reports.models import ProgressReport
from tasks.lights import red_q
from tasks.models import Responsibility, Status, Task

TREND_DAYS = 90


OVERVIEW_FIELDS = (
    "plan__title",
    "plan__region__name",
    "period__label",
    "as_of",
    "tasks_total",
    *(f"status_{status}" for status in Status),
    "period_expected",
    "period_submitted",
    "period_on_time",
    "period_late",
    "period_returned",
    "period_missing",
)


def overview_rows(*, user: User, region_id: int | None = None) -> list[Rollup]:
    """The newest nightly plan row of every plan the user may see, by region: two queries.

    First each plan's newest night (one GROUP BY over an index), then the rows of those
    nights. A correlated "newest night of this plan" subquery ran once per stored night:
    8.9 s once 331 plans had 90 nights each."""
    nightly = Rollup.objects.filter(
        batch=NIGHTLY, scope=Scope.PLAN, plan__in=Plan.objects.visible_to(user)
    )
    if region_id is not None:
        nightly = nightly.filter(plan__region_id=region_id)
    latest = dict(nightly.order_by().values_list("plan_id").annotate(last=Max("as_of")))
    rows = (
        nightly.filter(as_of__in=set(latest.values()))
        .select_related("plan__region", "period")
        # What the overview shows, no more: 331 rows of four models each.
        .only(*OVERVIEW_FIELDS)
        .order_by("plan__region__name", "plan__title")
    )
    # Nights are shared by all plans as a rule; a plan whose newest night is older than
    # another's appears once, with its own newest row.
    return [row for row in rows if latest[row.plan_id] == row.as_of]


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent to one decimal; None (shown as —) when there is no whole."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def share_on_track(row: Rollup) -> Decimal | None:
    """正常推进 + 持续推进 (both moving as planned) as a share of the tasks."""
    return percent(row.status_on_track + row.status_ongoing, row.tasks_total)


def share_completed(row: Rollup) -> Decimal | None:
    return percent(row.status_completed, row.tasks_total)


# A plan's province: its own region, its parent (a city's) or its grandparent (a county's).
PROVINCE_NAME = Case(
    When(plan__region__level=Level.MUNICIPAL, then=F("plan__region__parent__name")),
    When(plan__region__level=Level.COUNTY, then=F("plan__region__parent__parent__name")),
    default=F("plan__region__name"),
)


def trend_series(
    *, plan_ids: list[int], until: dt.date, by_province: bool = True
) -> dict[str, object]:
    """The share moving (正常推进 + 持续推进 + 已完成) by province (or, with `by_province`
    false, by the plan's own region) and date, over the plans given, from the nightly rows of
    the last TREND_DAYS: one GROUP BY. A province's share counts the tasks of all its plans,
    its cities' among them: 331 plans would be 331 lines nobody can read, and ~30,000 rows
    carried out of the database. {"dates": [...], "series": {name: [value|None per date]}}."""
    rows = (
        Rollup.objects.filter(
            batch=NIGHTLY,
            scope=Scope.PLAN,
            plan_id__in=plan_ids,
            as_of__gt=until - dt.timedelta(days=TREND_DAYS),
            as_of__lte=until,
        )
        .annotate(line=PROVINCE_NAME if by_province else F("plan__region__name"))
        .values_list("line", "as_of")
        .annotate(
            moving=Sum(F("status_on_track") + F("status_ongoing") + F("status_completed")),
            total=Sum("tasks_total"),
        )
        .order_by()
    )
    points: dict[str, dict[str, float]] = defaultdict(dict)
    for line, as_of, moving, total in rows:
        points[line or "—"][as_of.isoformat()] = float(percent(moving, total) or 0)
    dates = sorted({d for by_date in points.values() for d in by_date})
    return {
        "dates": dates,
        "series": {name: [points[name].get(d) for d in dates] for name in sorted(points)},
    }


def red_tasks(*, user: User, today: dt.date) -> QuerySet[Task]:
    """Tasks whose light is red (`tasks.lights.red_q`), in one query; the most overdue first
    (the overview cuts the list, and what is cut must be the least urgent)."""
    return (
        Task.objects.visible_to(user)
        .filter(red_q(today))
        .select_related("plan__region")
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
        .order_by("-period__due_on", "task__number")
    )


def agency_responsibilities(
    *, user: User, agency: Agency, plan_id: int | None = None, status: str = ""
) -> QuerySet[Responsibility]:
    """Every task the agency leads or co-leads in the plans the user may see, with the
    agency's latest report on it (three subqueries in the same query, not one per row)."""
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
        found.select_related("task__plan__region")
        .annotate(
            latest_report_id=Subquery(latest.values("pk")[:1]),
            latest_report_state=Subquery(latest.values("state")[:1]),
            latest_report_period=Subquery(latest.values("period__label")[:1]),
        )
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


def duty_plans(duties: QuerySet[Responsibility]) -> list[tuple[int, str]]:
    """The plans of an agency's duties, by title: the choices of the page's plan filter."""
    pairs = set(duties.order_by().values_list("task__plan_id", "task__plan__title"))
    return sorted(pairs, key=lambda pair: pair[1])
