"""The ledger as the printed pack shows it: one row per task × agency, its periods counted.

The XLSX carries the ledger in full, one row per task × agency × period. On paper that is
thousands of rows for a plan a few years in (a 30-task plan after five years: ~4,000, some
160 landscape pages), which nobody reads at a meeting and which took minutes to lay out.
The DOCX and PDF annex summarises each task × agency instead and names its latest period.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from meetings.packs.labels import report_state_label
from reports.models import HANDED_IN, ReportState


def ledger_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` are the pack's ledger, period by period in task order: the first period fixes
    the order of the summary, the last one read is the latest."""
    summary: dict[tuple[Any, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["number"], row["task"], row["agency"])
        entry = summary.setdefault(
            key,
            {
                "number": row["number"],
                "task": row["task"],
                "agency": row["agency"],
                "owed": 0,
                "submitted": 0,
                "on_time": 0,
                "late": 0,
                "returned": 0,
                "missing": 0,
            },
        )
        for name, counted in ledger_row_counts(row).items():
            entry[name] += counted
        entry["latest"] = f"{row['period']}:{report_state_label(row)}"
    return list(summary.values())


def ledger_row_counts(row: dict[str, Any]) -> dict[str, bool]:
    """What one ledger row counts as: 应报 (owed), 已报, 按时, 逾期报送, 退回待改, 缺报, the rule
    of the rollups. A pack frozen before 退回待改 was counted apart has rows without `on_time`
    and `returned`: they are read from the state as that pack read it."""
    state = row["state"]
    handed_in = state in HANDED_IN
    returned = state == ReportState.RETURNED
    late = handed_in and bool(row["late"])
    on_time = row.get("on_time", state == ReportState.ACCEPTED and not late)
    return {
        "owed": True,
        "submitted": handed_in,
        "on_time": bool(on_time),
        "late": late,
        "returned": returned,
        "missing": bool(row["missing"]) and not returned,
    }


def ledger_summary_headers() -> list[str]:
    return [
        _("序号"),
        _("任务"),
        _("报送单位"),
        _("应报"),
        _("已报"),
        _("按时"),
        _("逾期报送"),
        _("退回待改"),
        _("缺报"),
        _("最近一期"),
    ]


def ledger_summary_note() -> str:
    return _("按任务和报送单位汇总各期报送情况;逐期明细见 XLSX 报送台账。")
