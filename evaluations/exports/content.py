"""What the 年度自评报告 says, in print order, as plain strings: both the DOCX and the PDF
lay out this one structure (cover, parts with paragraphs, notes and tables), so they never
disagree on a word."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import PartState
from meetings.packs import labels

# A table column: its header and its share of the line (the DOCX turns shares into mm).
PART_COLUMNS = [
    ("agency", 2.2),
    ("completion", 1.0),
    ("score", 0.8),
    ("achievements", 3.4),
    ("problems", 2.2),
    ("next_steps", 2.2),
    ("evidence", 2.2),
]


def part_headers() -> dict[str, str]:
    return {
        "agency": _("责任单位"),
        "completion": _("完成情况"),
        "score": _("得分"),
        "achievements": _("主要成效"),
        "problems": _("存在问题"),
        "next_steps": _("下一步计划"),
        "evidence": _("佐证材料"),
    }


def score_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def report_title(data: dict[str, Any]) -> str:
    return _("%(year)d年度自评报告") % {"year": data["year"]}


def draft_note(data: dict[str, Any]) -> str:
    if not data["exists"]:
        return _("草稿：本年度自评尚未发起，内容为年度已采纳报告、指标实际值和典型案例的预填。")
    if data["draft"]:
        return _("草稿：本年度自评尚未冻结，内容可能变化。")
    return ""


def document(data: dict[str, Any]) -> dict[str, Any]:
    plan = data["plan"]
    lines = [plan["title"]] + [x for x in (plan["doc_number"], plan["lead_agency"]) if x]
    if data["frozen_at"] is not None:
        when = _("%(date)s冻结") % {"date": _date(timezone.localtime(data["frozen_at"]).date())}
    else:
        when = _("生成于%(date)s") % {"date": _date(timezone.localdate())}
    parts = [_overall(data), _tasks(data), _scores(data), _assessment(data)]
    for index, part in enumerate(parts, start=1):
        part["heading"] = f"{labels.numeral(index)}、{part['heading']}"
    return {
        "cover": {
            "title": report_title(data),
            "lines": lines,
            "when": "",
            "as_of": when,
            "draft": draft_note(data),
        },
        "agenda": None,
        "parts": parts,
        "annexes": [],
    }


def _date(value: dt.date) -> str:
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def _overall(data: dict[str, Any]) -> dict[str, Any]:
    tasks = data["tasks"]
    parts = [p for t in tasks for p in t["parts"]]
    paragraphs = [
        _(
            "本方案共有重点任务 %(tasks)d 项，自评分项 %(parts)d 个(每项任务的每个责任单位一项),"
            "评分满分 %(max)d 分。"
        )
        % {"tasks": len(tasks), "parts": len(parts), "max": data["scale_max"]},
    ]
    states = [p.get("state_code", "") for p in parts]
    paragraphs.append(
        _(
            "其中已提交 %(submitted)d 项(已采纳 %(accepted)d 项),"
            "退回待改 %(returned)d 项，未提交 %(draft)d 项。"
        )
        % {
            "submitted": states.count(PartState.SUBMITTED) + states.count(PartState.ACCEPTED),
            "accepted": states.count(PartState.ACCEPTED),
            "returned": states.count(PartState.RETURNED),
            "draft": states.count(PartState.DRAFT),
        }
    )
    if data["overall"] is not None:
        paragraphs.append(
            _("各任务平均得分的总平均为 %(score)s 分。") % {"score": score_text(data["overall"])}
        )
    else:
        paragraphs.append(_("尚无自评得分。"))
    return {"heading": _("总体情况"), "paragraphs": paragraphs}


def _tasks(data: dict[str, Any]) -> dict[str, Any]:
    headers = part_headers()
    tables = []
    for task in data["tasks"]:
        heading = f"{task['label']}{task['title']}"
        if task["average"] is not None:
            heading += _("(平均得分 %(score)s)") % {"score": score_text(task["average"])}
        rows = [
            [
                p["agency"],
                p["completion"] or "—",
                score_text(p["score"]),
                p["achievements"],
                p["problems"],
                p["next_steps"],
                p["evidence"],
            ]
            for p in task["parts"]
        ] or [[_("未明确责任单位"), "—", "—", "", "", "", ""]]
        tables.append(
            {
                "heading": heading,
                "headers": [headers[key] for key, _share in PART_COLUMNS],
                "widths": [share for _key, share in PART_COLUMNS],
                "rows": rows,
                "size": 9,
            }
        )
    return {"heading": _("重点任务自评情况"), "landscape": True, "tables": tables}


def score_rows(data: dict[str, Any]) -> list[list[str]]:
    return [
        [
            f"{t['label']}{t['title']}",
            str(len(t["parts"])),
            str(sum(1 for p in t["parts"] if p["score"] is not None)),
            score_text(t["average"]),
        ]
        for t in data["tasks"]
    ]


def score_headers() -> list[str]:
    return [_("任务"), _("分项数"), _("已评分"), _("平均得分")]


def _scores(data: dict[str, Any]) -> dict[str, Any]:
    rows = score_rows(data)
    rows.append([_("总平均"), "", "", score_text(data["overall"])])
    return {
        "heading": _("评分汇总"),
        "paragraphs": [_("满分 %(max)d 分。") % {"max": data["scale_max"]}],
        "tables": [{"headers": score_headers(), "widths": [5, 1, 1, 1.2], "rows": rows}],
    }


def _assessment(data: dict[str, Any]) -> dict[str, Any]:
    text = data["assessment"].strip()
    return {
        "heading": _("总体评价"),
        "paragraphs": [line for line in text.splitlines() if line.strip()],
        "notes": [] if text else [_("尚未填写总体评价。")],
    }
