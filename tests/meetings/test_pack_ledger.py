"""The printed pack's ledger: one row per task × agency, its periods counted."""

from __future__ import annotations

from meetings.packs.content import EXCERPT_CHARS, _excerpt
from meetings.packs.ledger import ledger_summary


def _row(period: str, agency: str, state: str, *, late: bool = False, missing: bool = False):
    return {
        "number": 1,
        "task": "1.加快建设知识产权强省",
        "agency": agency,
        "period": period,
        "state": state,
        "late": late,
        "missing": missing,
    }


def test_each_task_and_agency_is_one_row_with_its_periods_counted() -> None:
    rows = [
        _row("2025年第一季度", "某省商务厅", "accepted", late=True),
        _row("2025年第一季度", "某省司法厅", "", missing=True),
        _row("2025年第二季度", "某省商务厅", "draft", missing=True),
        _row("2025年第二季度", "某省司法厅", "submitted"),
    ]
    commerce, justice = ledger_summary(rows)
    assert (commerce["agency"], commerce["owed"], commerce["submitted"]) == ("某省商务厅", 2, 1)
    assert (commerce["late"], commerce["missing"]) == (1, 1)
    assert commerce["latest"].startswith("2025年第二季度")  # a draft is not a submission
    assert (justice["submitted"], justice["missing"]) == (1, 1)


def test_long_report_text_is_cut_with_an_ellipsis_and_short_text_is_kept() -> None:
    assert _excerpt("按计划推进") == "按计划推进"
    cut = _excerpt("推" * (EXCERPT_CHARS + 20))
    assert len(cut) == EXCERPT_CHARS + 1 and cut.endswith("…")
