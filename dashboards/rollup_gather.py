"""The arithmetic of rollups, for many plans at once.

Everything a rollup reads is loaded for all the plans in a few set-based queries (tasks,
sections, responsibilities, periods, indicators, and one GROUP BY over the reports), then
counted per scope in plain Python: the nightly job over every plan costs about as much as
those queries, not a query per plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db.models import Count, Q

from dashboards.models import Rollup, Scope
from plans.models import Indicator, IndicatorValue, Plan, Section
from reports.models import (
    HANDED_IN,
    ProgressReport,
    ReportingPeriod,
    ReportState,
    late_q,
    on_time_q,
)
from tasks.lights import light_for
from tasks.models import Responsibility, Task


@dataclass
class Counts:
    tasks_total: int = 0
    status_not_started: int = 0
    status_on_track: int = 0
    status_at_risk: int = 0
    status_behind: int = 0
    status_completed: int = 0
    status_ongoing: int = 0
    light_red: int = 0
    light_amber: int = 0
    light_green: int = 0
    reports_expected: int = 0
    reports_submitted: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    reports_returned: int = 0
    reports_missing: int = 0
    # The same six for the current period alone (the latest one open on the date).
    period_expected: int = 0
    period_submitted: int = 0
    period_on_time: int = 0
    period_late: int = 0
    period_returned: int = 0
    period_missing: int = 0

    def add_task(self, status: str, light: str) -> None:
        self.tasks_total += 1
        self._bump(f"status_{status}")
        self._bump(f"light_{light}")

    def add_reports(self, owed: OwedReports) -> None:
        # Written out: this runs once per owed report pair and scope, a few hundred thousand
        # times in the nightly job.
        expected, submitted, on_time, late, returned, missing = owed.all
        self.reports_expected += expected
        self.reports_submitted += submitted
        self.reports_on_time += on_time
        self.reports_late += late
        self.reports_returned += returned
        self.reports_missing += missing
        expected, submitted, on_time, late, returned, missing = owed.current
        self.period_expected += expected
        self.period_submitted += submitted
        self.period_on_time += on_time
        self.period_late += late
        self.period_returned += returned
        self.period_missing += missing

    def _bump(self, name: str, by: int = 1) -> None:
        setattr(self, name, getattr(self, name) + by)


@dataclass(frozen=True)
class OwedReports:
    """(expected 应报, submitted 已报, on time 按时, late 逾期报送, returned 退回待改,
    missing 缺报) over all opened periods, and for the current one.

    已报 is handed in (`HANDED_IN`); 按时 and 逾期报送 follow `on_time_q` / `late_q`, so
    已报 = 按时 + 逾期报送 + those awaiting review; 缺报 is an overdue period with nothing
    handed in and nothing sent back."""

    all: tuple[int, int, int, int, int, int]
    current: tuple[int, int, int, int, int, int]


COUNT_FIELDS = [f.name for f in fields(Counts)]
INDICATOR_FIELDS = ["indicator_target", "indicator_value", "indicator_year"]
# submitted, on time, late, returned, settled (handed in or returned) in overdue periods;
# then submitted, on time, late, returned in the current period.
Totals = tuple[int, int, int, int, int, int, int, int, int]
NO_REPORTS: Totals = (0, 0, 0, 0, 0, 0, 0, 0, 0)


@dataclass
class Sources:
    """What the rollups of a set of plans read, loaded in eight queries."""

    tasks: dict[int, list[Task]] = field(default_factory=lambda: defaultdict(list))
    parents: dict[int, int | None] = field(default_factory=dict)
    agencies_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    owing: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    periods: dict[int, list[ReportingPeriod]] = field(default_factory=lambda: defaultdict(list))
    totals: dict[tuple[int, int], Totals] = field(default_factory=dict)
    indicators: dict[int, list[Indicator]] = field(default_factory=lambda: defaultdict(list))
    latest: dict[int, IndicatorValue] = field(default_factory=dict)


def sources_load(*, plans: list[Plan], as_of: dt.date) -> Sources:
    src = Sources()
    ids = [p.pk for p in plans]
    for task in (
        Task.objects.filter(plan_id__in=ids)
        .only("id", "plan_id", "section_id", "number", "status", "due_on")
        .order_by("number")
    ):
        src.tasks[task.plan_id].append(task)
    src.parents = dict(Section.objects.filter(plan_id__in=ids).values_list("pk", "parent_id"))
    for task_id, agency_id, owes, plan_id in (
        Responsibility.objects.filter(task__plan_id__in=ids)
        .with_owes_report()
        .order_by("task_id", "order")
        .values_list("task_id", "agency_id", "owes_report", "task__plan_id")
    ):
        src.agencies_of[task_id].add(agency_id)
        if owes:
            src.owing[plan_id].append((task_id, agency_id))
    for period in ReportingPeriod.objects.filter(plan_id__in=ids, opens_on__lte=as_of).order_by(
        "opens_on", "due_on", "pk"
    ):
        src.periods[period.plan_id].append(period)
    current = [periods[-1].pk for periods in src.periods.values() if periods]
    src.totals = _report_totals(plan_ids=ids, as_of=as_of, current_ids=current)
    for indicator in Indicator.objects.filter(plan_id__in=ids).order_by("order", "pk"):
        src.indicators[indicator.plan_id].append(indicator)
    for value in (
        IndicatorValue.objects.counted()
        .filter(  # only values the coordinator confirmed count
            indicator__plan_id__in=ids, year__lte=as_of.year
        )
        .order_by("indicator_id", "year", "created_at", "pk")
    ):
        src.latest[value.indicator_id] = value  # the last one wins: newest year, newest entry
    return src


def _report_totals(
    *, plan_ids: list[int], as_of: dt.date, current_ids: list[int]
) -> dict[tuple[int, int], Totals]:
    """Per (task, agency), the `Totals`. One GROUP BY, however many reports there are."""
    handed_in = Q(state__in=HANDED_IN)
    returned = Q(state=ReportState.RETURNED)
    current = Q(period_id__in=current_ids)
    overdue = Q(period__due_on__lt=as_of)
    rows = (
        ProgressReport.objects.filter(period__plan_id__in=plan_ids, period__opens_on__lte=as_of)
        .values_list("task_id", "agency_id")
        .annotate(
            submitted=Count("pk", filter=handed_in),
            on_time=Count("pk", filter=on_time_q()),
            late=Count("pk", filter=late_q()),
            returned=Count("pk", filter=returned),
            settled_overdue=Count("pk", filter=(handed_in | returned) & overdue),
            cur_submitted=Count("pk", filter=handed_in & current),
            cur_on_time=Count("pk", filter=on_time_q() & current),
            cur_late=Count("pk", filter=late_q() & current),
            cur_returned=Count("pk", filter=returned & current),
        )
        .order_by()
    )
    return {(task, agency): tuple(figures) for task, agency, *figures in rows}


class PlanRollup:
    """Counts one plan's scopes from the loaded sources, then turns them into rows."""

    def __init__(self, *, plan: Plan, as_of: dt.date, batch: str, src: Sources) -> None:
        self.plan, self.as_of, self.src = plan, as_of, src
        self.common = {"batch": batch, "as_of": as_of, "plan": plan}
        self.rows: dict[str, Rollup] = {}
        self.counts: dict[str, Counts] = defaultdict(Counts)
        periods = src.periods.get(plan.pk, [])
        self.periods = periods
        self.current = periods[-1] if periods else None

    def scope(self, key: str, **kwargs: object) -> Counts:
        if key not in self.rows:
            self.rows[key] = Rollup(scope_key=key, **self.common, **kwargs)
        return self.counts[key]

    def task_scopes(self, task: Task) -> list[Counts]:
        """The plan, the task's section and every section above it."""
        scopes = [self.scope("plan", scope=Scope.PLAN)]
        section_id = task.section_id
        while section_id is not None:
            scopes.append(
                self.scope(f"section:{section_id}", scope=Scope.SECTION, section_id=section_id)
            )
            section_id = self.src.parents.get(section_id)
        return scopes

    def agency_scope(self, agency_id: int) -> Counts:
        return self.scope(f"agency:{agency_id}", scope=Scope.AGENCY, agency_id=agency_id)

    def rows_build(self) -> list[Rollup]:
        self.scope("plan", scope=Scope.PLAN)
        tasks = {t.pk: t for t in self.src.tasks.get(self.plan.pk, [])}
        for task in tasks.values():
            light = light_for(status=task.status, due_on=task.due_on, today=self.as_of)
            targets = self.task_scopes(task)
            targets += [self.agency_scope(a) for a in sorted(self.src.agencies_of[task.pk])]
            for counts in targets:
                counts.add_task(task.status, light)
        self.reports_count(tasks)
        rows = []
        for key, row in self.rows.items():
            row.period = self.current
            for name in COUNT_FIELDS:
                setattr(row, name, getattr(self.counts[key], name))
            rows.append(row)
        return rows + self.indicator_rows()

    def reports_count(self, tasks: dict[int, Task]) -> None:
        opened = len(self.periods)
        overdue = sum(1 for p in self.periods if p.due_on < self.as_of)
        current_overdue = self.current is not None and self.current.due_on < self.as_of
        for task_id, agency_id in self.src.owing.get(self.plan.pk, []):
            submitted, on_time, late, returned, settled_overdue, *cur = self.src.totals.get(
                (task_id, agency_id), NO_REPORTS
            )
            cur_submitted, cur_on_time, cur_late, cur_returned = cur
            owed = OwedReports(
                all=(opened, submitted, on_time, late, returned, overdue - settled_overdue),
                current=(
                    int(self.current is not None),
                    cur_submitted,
                    cur_on_time,
                    cur_late,
                    cur_returned,
                    int(current_overdue and not (cur_submitted or cur_returned)),
                ),
            )
            for counts in [*self.task_scopes(tasks[task_id]), self.agency_scope(agency_id)]:
                counts.add_reports(owed)

    def indicator_rows(self) -> list[Rollup]:
        rows = []
        for indicator in self.src.indicators.get(self.plan.pk, []):
            value = self.src.latest.get(indicator.pk)
            rows.append(
                Rollup(
                    scope=Scope.INDICATOR,
                    scope_key=f"indicator:{indicator.pk}",
                    indicator=indicator,
                    indicator_target=indicator.target,
                    indicator_value=value.value if value else None,
                    indicator_year=value.year if value else None,
                    **self.common,
                )
            )
        return rows
