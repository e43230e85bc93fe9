"""The tables (and chart series) of the dashboards, built from rollup rows.

A table is what a reader who does not read charts reads, and what a download contains; the
chart series are derived from the same rows so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _

from dashboards.duties import DutyRow
from dashboards.selectors import (
    OverviewRow,
    PlanRollups,
    ScopeRow,
    percent,
    share_completed,
    share_on_track,
)
from ops.tables import Table
from reports.models import ReportState
from tasks.models import ResponsibilityRole, Status

STATUS_FIELDS = [
    (Status.COMPLETED, "status_completed"),
    (Status.ON_TRACK, "status_on_track"),
    (Status.ONGOING, "status_ongoing"),
    (Status.AT_RISK, "status_at_risk"),
    (Status.BEHIND, "status_behind"),
    (Status.NOT_STARTED, "status_not_started"),
]


def _status_headers() -> list[str]:
    return [str(status.label) for status, _field in STATUS_FIELDS]


# A row's counts in the order of STATUS_FIELDS, read in one call (331 rows a national page).
_statuses: Callable[[ScopeRow | OverviewRow], tuple[int, ...]] = attrgetter(
    *(name for _status, name in STATUS_FIELDS)
)


def status_series(rows: list[ScopeRow] | list[OverviewRow]) -> list[dict[str, object]]:
    """One stacked-bar series per status, in the order of STATUS_FIELDS."""
    return [
        {"name": str(status.label), "key": str(status), "data": [getattr(r, name) for r in rows]}
        for status, name in STATUS_FIELDS
    ]


def _reporting_headers() -> list[str]:
    """应报, 已报, 按时, 逾期报送, 退回待改, 缺报: the same six, in this order, on every table
    (the rule: dashboards.rollup_gather.OwedReports)."""
    return [_("应报"), _("已报"), _("按时"), _("逾期报送"), _("退回待改"), _("缺报")]


def _reporting(row: ScopeRow) -> list[int]:
    return [
        row.reports_expected,
        row.reports_submitted,
        row.reports_on_time,
        row.reports_late,
        row.reports_returned,
        row.reports_missing,
    ]


def _period_reporting(row: OverviewRow) -> list[int]:
    return [
        row.period_expected,
        row.period_submitted,
        row.period_on_time,
        row.period_late,
        row.period_returned,
        row.period_missing,
    ]


def overview_table(rows: list[OverviewRow]) -> Table:
    return Table(
        title=_("全国总览"),
        headers=[
            _("地区"),
            _("方案"),
            _("任务数"),
            *_status_headers(),
            _("正常推进占比(%)"),
            _("完成占比(%)"),
            _("当前报送周期"),
            _("本期应报"),
            _("已报"),
            _("按时"),
            _("逾期报送"),
            _("退回待改"),
            _("缺报"),
            _("统计日期"),
        ],
        rows=[
            [
                r.region_name,
                r.plan_title,
                r.tasks_total,
                *_statuses(r),
                share_on_track(r),
                share_completed(r),
                r.period_label or "",
                *_period_reporting(r),
                r.as_of.isoformat(),
            ]
            for r in rows
        ],
    )


def sections_table(rows: list[ScopeRow]) -> Table:
    return Table(
        title=_("各部分任务状态"),
        headers=[
            _("部分"),
            _("任务数"),
            *_status_headers(),
            _("红灯"),
            _("黄灯"),
            _("绿灯"),
            *_reporting_headers(),
        ],
        rows=[
            [
                f"{r.section_label}{r.section_title}",
                r.tasks_total,
                *_statuses(r),
                r.light_red,
                r.light_amber,
                r.light_green,
                *_reporting(r),
            ]
            for r in rows
        ],
    )


def league_table(rows: list[ScopeRow]) -> Table:
    """通报: reporting timeliness and completeness by agency, best first."""
    return Table(
        title=_("报送情况通报"),
        headers=[
            _("名次"),
            _("单位"),
            *_reporting_headers(),
            _("及时率(%)"),
            _("完整率(%)"),
        ],
        rows=[
            [
                rank,
                r.agency_name,
                *_reporting(r),
                percent(r.reports_on_time, r.reports_expected),
                percent(r.reports_submitted, r.reports_expected),
            ]
            for rank, r in enumerate(rows, start=1)
        ],
    )


def league_series(rows: list[ScopeRow]) -> list[dict[str, object]]:
    return [
        {"name": _("按时"), "key": "on_time", "data": [r.reports_on_time for r in rows]},
        {"name": _("逾期报送"), "key": "late", "data": [r.reports_late for r in rows]},
        {"name": _("退回待改"), "key": "returned", "data": [r.reports_returned for r in rows]},
        {"name": _("缺报"), "key": "missing", "data": [r.reports_missing for r in rows]},
    ]


def indicators_table(rows: list[ScopeRow]) -> Table:
    return Table(
        title=_("指标完成情况"),
        headers=[
            _("指标"),
            _("单位"),
            _("基期值"),
            _("目标值"),
            _("目标年份"),
            _("最新实际值"),
            _("实际值年份"),
            _("达成率(%)"),
        ],
        rows=[
            [
                r.indicator_name,
                r.indicator_unit,
                r.indicator_baseline,
                r.indicator_target,
                r.indicator_target_year,
                r.indicator_value,
                r.indicator_year,
                _attainment(r.indicator_value, r.indicator_target),
            ]
            for r in rows
        ],
    )


def _attainment(value: Decimal | None, target: Decimal | None) -> Decimal | None:
    if value is None or not target:
        return None
    return (Decimal(100) * value / target).quantize(Decimal("0.1"))


def indicator_series(
    rows: list[ScopeRow], trajectories: dict[int, list[tuple[int, Decimal]]]
) -> dict[str, object]:
    """Each indicator's values by year as a share of its target, so different units share
    one axis; 100 is the target."""
    years = sorted({year for r in rows for year, _value in trajectories.get(r.indicator_id, [])})
    series = []
    for r in rows:
        by_year = dict(trajectories.get(r.indicator_id, []))
        data = [_attainment(by_year.get(year), r.indicator_target) for year in years]
        series.append({"name": r.indicator_name, "data": [_number(v) for v in data]})
    return {"categories": [str(y) for y in years], "series": series}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def duties_title() -> str:
    return _("职责任务")


def duties_table(duties: list[DutyRow]) -> Table:
    """The rows carry `light` (set by the view, from tasks.lights)."""
    states = dict(ReportState.choices)
    roles = dict(ResponsibilityRole.choices)
    statuses = dict(Status.choices)
    return Table(
        title=duties_title(),
        headers=[
            _("地区"),
            _("方案"),
            _("任务"),
            _("职责"),
            _("状态"),
            _("灯"),
            _("完成时限"),
            _("最新报告"),
            _("报告状态"),
        ],
        rows=[
            [
                d.region_name,
                d.plan_title,
                f"{d.task_label}{d.task_title}",
                str(roles.get(d.role, d.role)),
                str(statuses.get(d.task_status, d.task_status)),
                light_label(d.light),
                d.task_due_on.isoformat() if d.task_due_on else "",
                d.latest_report_period or "",
                str(states.get(d.latest_report_state, "")) if d.latest_report_state else "",
            ]
            for d in duties
        ],
    )


def light_label(light: str) -> str:
    return {"red": _("红"), "amber": _("黄"), "green": _("绿")}[light]


def overview_chart(rows: list[OverviewRow], trend: dict[str, Any]) -> dict[str, Any]:
    """The overview's two charts: statuses by plan, and the trend of the nightly rollups."""
    return {
        "status": {"categories": [r.region_name for r in rows], "series": status_series(rows)},
        "trend": {
            "categories": trend["dates"],
            "series": [{"name": name, "data": data} for name, data in trend["series"].items()],
        },
    }


def plan_chart(
    rollups: PlanRollups, trajectories: dict[int, list[tuple[int, Decimal]]]
) -> dict[str, Any]:
    """The plan dashboard's charts: sections by status, the league, the indicators."""
    return {
        "sections": {
            "categories": [f"{r.section_label}{r.section_title}"[:24] for r in rollups.sections],
            "series": status_series(rollups.sections),
        },
        "league": {
            "categories": [r.agency_name for r in rollups.agencies],
            "series": league_series(rollups.agencies),
        },
        "indicators": indicator_series(rollups.indicators, trajectories),
    }
