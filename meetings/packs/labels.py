"""Words the three renderings of a pack share, so DOCX, PDF and XLSX say the same thing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from agencies.reference import NIPA
from reports.models import HANDED_IN, ReportState
from tasks.models import Status

# A side's co agencies are named in full up to this many; beyond, the first two and a count.
SUMMARY_NAMES_ALL = 3
SUMMARY_NAMES_SHOWN = 2
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


def _is_national(side: dict[str, Any]) -> bool:
    return bool(side.get("national", side.get("side") == NIPA))


def _names_summary(names: list[str], *, national: bool, non_exhaustive: bool = False) -> str:
    """办公室、战略规划司 (all, up to three) or 办公室、战略规划司等5个司局 / 省委编办、省发展改革委
    等7家单位: the unit word is the side's (司局 for NIPA's departments, 单位 elsewhere)."""
    if len(names) <= SUMMARY_NAMES_ALL:
        return "、".join(names) + (_("等") if non_exhaustive and names else "")
    shown = "、".join(names[:SUMMARY_NAMES_SHOWN])
    if national:
        return _("%(names)s等%(count)d个司局") % {"names": shown, "count": len(names)}
    return _("%(names)s等%(count)d家单位") % {"names": shown, "count": len(names)}


def co_summary(sides: list[dict[str, Any]], *, non_exhaustive: bool = False) -> str:
    """The co agencies on one line, side by side: 国家知识产权局：办公室、战略规划司等5个司局；
    海南省：省委编办等7家单位. The full list is the annex's and the XLSX's."""
    return "；".join(
        f"{side['side']}："
        + _names_summary(side["co"], national=_is_national(side), non_exhaustive=non_exhaustive)
        for side in sides
        if side.get("co")
    )


def lead_summary(sides: list[dict[str, Any]]) -> str:
    """The leads of each side: 国家知识产权局：战略规划司；海南省：省知识产权局."""
    return "；".join(
        f"{side['side']}：" + "、".join(side["lead"]) for side in sides if side.get("lead")
    )


def task_co_summary(task: dict[str, Any]) -> str:
    """A task's co summary; a pack frozen before sides were gathered has only the flat list,
    summarised the same way without side headings."""
    if "co_summary" in task:
        return str(task["co_summary"])
    return _names_summary(
        list(task.get("co", [])), national=False, non_exhaustive=task.get("non_exhaustive", False)
    )


def task_lead_summary(task: dict[str, Any]) -> str:
    if "lead_summary" in task:
        return str(task["lead_summary"])
    return "、".join(task.get("lead", []))


def date_label(value: str | None) -> str:
    """2025-12-01 → 2025年12月1日 (empty for no date)."""
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def overall_sentence(data: dict[str, Any]) -> str:
    """The 总体进展 paragraph, one wording for every format. Stored with the data when it is
    gathered; computed here for a pack frozen before it was."""
    if data.get("overall_sentence"):
        return str(data["overall_sentence"])
    overall = data["overall"]
    date = date_label(data.get("as_of"))
    if not overall["tasks_total"]:
        return _("截至%(date)s，本方案尚无重点任务。") % {"date": date}
    statuses = "、".join(
        _("%(status)s%(count)d项")
        % {"status": status_label(code), "count": overall["statuses"][code]}
        for code in STATUS_ORDER
        if overall["statuses"].get(code)
    )
    return _(
        "截至%(date)s，本方案共有重点任务%(total)d项，其中%(statuses)s；"
        "亮红灯%(red)d项、黄灯%(amber)d项、绿灯%(green)d项。"
    ) % {
        "date": date,
        "total": overall["tasks_total"],
        "statuses": statuses,
        "red": overall["lights"].get("red", 0),
        "amber": overall["lights"].get("amber", 0),
        "green": overall["lights"].get("green", 0),
    }
