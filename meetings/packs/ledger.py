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
from reports.models import ReportState


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
                "late": 0,
                "missing": 0,
            },
        )
        submitted = bool(row["state"]) and row["state"] != ReportState.DRAFT
        entry["owed"] += 1
        entry["submitted"] += submitted
        entry["late"] += submitted and row["late"]
        entry["missing"] += row["missing"]
        entry["latest"] = f"{row['period']}:{report_state_label(row)}"
    return list(summary.values())


def ledger_summary_headers() -> list[str]:
    return [
        _("序号"),
        _("任务"),
        _("报送单位"),
        _("应报"),
        _("已报"),
        _("其中逾期"),
        _("缺报"),
        _("最近一期"),
    ]


def ledger_summary_note() -> str:
    return _("按任务和报送单位汇总各期报送情况;逐期明细见 XLSX 报送台账。")
