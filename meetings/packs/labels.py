"""Words the three renderings of a pack share, so DOCX, PDF and XLSX say the same thing."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reports.models import HANDED_IN, ReportState
from tasks.models import Status

STATUS_ORDER = ["completed", "on_track", "ongoing", "at_risk", "behind", "not_started"]
CN_NUMERALS = "一二三四五六七八九十"


def status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def light_label(code: str) -> str:
    return {"red": _("红灯"), "amber": _("黄灯"), "green": _("绿灯")}.get(code, code)


def report_state_label(row: dict) -> str:
    """One ledger row's state as the tables count it: 已采纳 / 已提交 (逾期 when handed in
    late), 退回待改, 缺报, or 未报 (not due yet, or a draft: its agency's alone)."""
    state = row["state"]
    if state == ReportState.RETURNED:
        return _("退回待改")
    if state in HANDED_IN:
        return str(ReportState(state).label) + (_("(逾期)") if row["late"] else "")
    return _("缺报") if row["missing"] else _("未报")


def reports_sentence(reports: dict) -> str:
    """The pack's reporting figures in one sentence (a pack frozen before 退回待改 was counted
    apart has no `returned`: 0)."""
    return _(
        "应报进展报告%(expected)d份,已报%(submitted)d份,其中按时%(on_time)d份、逾期%(late)d份;"
        "退回待改%(returned)d份;缺报%(missing)d份。"
    ) % {"returned": 0, **reports}


def numeral(index: int) -> str:
    """1 → 一, 11 → 十一 … up to 99: the 一、（一） heading hierarchy."""
    tens, ones = divmod(index, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_NUMERALS[tens - 1] + "十")
    return head + (CN_NUMERALS[ones - 1] if ones else "")


def pack_title(data: dict) -> str:
    meeting = data["meeting"]
    return meeting["title"] if meeting else _("%(plan)s推进情况") % {"plan": data["plan"]["title"]}


def section_headings() -> dict[str, str]:
    return {
        "agenda": _("会议议程"),
        "overall": _("总体进展"),
        "tasks": _("重点任务推进情况"),
        "indicators": _("指标完成情况"),
        "decisions": _("上次会议议定事项落实情况"),
        "cases": _("典型案例"),
        "ledger": _("附件:报送台账"),
    }


def task_headers() -> list[str]:
    return [
        _("序号"),
        _("任务"),
        _("牵头单位"),
        _("配合单位"),
        _("状态"),
        _("本年度进展"),
        _("存在问题"),
        _("下一步计划"),
    ]


def ledger_headers() -> list[str]:
    return [
        _("序号"),
        _("任务"),
        _("报送单位"),
        _("报送周期"),
        _("截止日期"),
        _("报送状态"),
        _("提交日期"),
        _("进展情况"),
        _("存在问题"),
        _("下一步计划"),
    ]


def indicator_headers() -> list[str]:
    return [
        _("指标"),
        _("单位"),
        _("基期值"),
        _("目标值"),
        _("目标年份"),
        _("最新实际值"),
        _("年份"),
    ]


def decision_headers() -> list[str]:
    return [_("议定事项"), _("任务"), _("责任单位"), _("完成时限"), _("落实情况")]


def decision_outcome(d: dict) -> str:
    if d["closed_on"]:
        return _("已办结(%(date)s)%(note)s") % {
            "date": d["closed_on"],
            "note": (":" + d["close_note"]) if d["close_note"] else "",
        }
    return status_label(d["status"])


def numbered_headings(data: dict) -> dict[str, str]:
    """The pack's parts that have content, numbered 一、二、… in order; the annex is not."""
    present = {
        "agenda": bool(data["meeting"] and data["meeting"]["agenda"]),
        "overall": True,
        "tasks": True,
        "indicators": bool(data["indicators"]),
        "decisions": bool(data["previous_decisions"]),
        "cases": bool(data["typical_cases"]),
    }
    headings = section_headings()
    numbered = {}
    for key in [k for k, shown in present.items() if shown]:
        numbered[key] = f"{numeral(len(numbered) + 1)}、{headings[key]}"
    numbered["ledger"] = headings["ledger"]
    return numbered
