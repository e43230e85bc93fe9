"""The meeting pack as PDF, laid out by Typst (the `typst` package embeds its compiler).

Python decides every word (translated here, through the shared labels) and hands the template
one JSON document through `sys.inputs`; meetings/packs/pack.typ reads it with `json()` and
only lays it out. User text therefore only ever reaches Typst as string values, never as
markup: a title with `#`, `*`, `$` or `[` prints as written.

Fonts are the application's own (meetings/packs/fonts, OFL; scripts/subset_fonts.py), and the
server's are ignored, so a PDF looks the same on every machine. The body face covers every
Han character Noto has (Extension A, the Extension B names); the heading faces fall back to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from meetings.packs import labels
from meetings.packs.charts import COLOURS
from meetings.packs.ledger import ledger_summary, ledger_summary_headers, ledger_summary_note

TEMPLATE = Path(__file__).with_name("pack.typ")
# Beside the code, not under static/: only the PDF reads them, the web never serves them.
FONTS = Path(__file__).resolve().parent / "fonts"
# Debian's fonts-hanazono (OFL), when installed: the last fallback, for the Extension B–F
# characters beyond Noto's ~2,000. Optional — without it such a character is the only one
# that could print as a box.
EXTRA_FONTS = [Path("/usr/share/fonts/truetype/hanazono")]
LINE_CHARS = 68
EM3, EM4 = {"em": 3}, {"em": 4.6}


def _compiler() -> Any:
    """A compiler for one PDF. Not kept for the process: it holds the fonts and what it laid
    out (~100 MB in a worker after a pack), and making one takes ~10 ms."""
    import typst  # imported here: the compiler loads only when a PDF is made

    paths = [str(FONTS)] + [str(p) for p in EXTRA_FONTS if p.is_dir()]
    return typst.Compiler(
        str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=paths, ignore_system_fonts=True
    )


def render_pdf_typst(data: dict[str, Any]) -> bytes:
    document = json.dumps(pack_document(data), ensure_ascii=False)
    return bytes(_compiler().compile(format="pdf", sys_inputs={"pack": document}))


def pack_document(data: dict[str, Any]) -> dict[str, Any]:
    """Everything the template prints, in print order, as plain strings and numbers."""
    missing = data.get("missing_parts") or {}
    parts: list[dict[str, Any]] = [
        _overall(data),
        _tasks(data, missing.get("tasks", [])),
        _red(data, missing.get("red", [])),
        _decisions(data, missing.get("decisions", [])),
        _work_points(data, missing.get("work_points", [])),
        _cases(data, missing.get("cases", [])),
        _indicators(data, missing.get("indicators", [])),
    ]
    for index, part in enumerate(parts, start=1):
        part["heading"] = f"{labels.numeral(index)}、{part['heading']}"
    return {
        "cover": _cover(data),
        "agenda": _agenda(data, missing.get("agenda", [])),
        "parts": parts,
        "annexes": [_annex_duties(data), _annex_ledger(data)],
    }


def _cover(data: dict[str, Any]) -> dict[str, Any]:
    cover = data.get("cover") or {}
    meeting = data["meeting"] or {}
    held_on = cover.get("held_on", meeting.get("held_on"))
    place = cover.get("place", meeting.get("place", ""))
    lines = [cover.get("plan_title", data["plan"]["title"])]
    doc_number = cover.get("doc_number", data["plan"]["doc_number"])
    if doc_number:
        lines.append(doc_number)
    when = " ".join(x for x in (labels.date_label(held_on), place) if x)
    return {
        "title": cover.get("title") or labels.pack_title(data),
        "lines": lines,
        "when": when,
        "as_of": _("数据截至%(date)s") % {"date": labels.date_label(data["as_of"])},
    }


def _agenda(data: dict[str, Any], notes: list[str]) -> dict[str, Any] | None:
    meeting = data["meeting"]
    if meeting is None:
        return None
    items = [f"{i}. {item}" for i, item in enumerate(meeting["agenda"], start=1)]
    return {"heading": _("会议议程"), "paragraphs": items, "notes": [] if items else notes}


def _table(
    headers: list[str], widths: list[Any], rows: list[list[str]], **extra: Any
) -> dict[str, Any]:
    """`widths`: a number is a share of the free width (fr), {"em": n} a fixed width."""
    return {"headers": headers, "widths": widths, "rows": rows, **extra}


def _overall(data: dict[str, Any]) -> dict[str, Any]:
    overall = data["overall"]
    reports = {"returned": 0, **overall["reports"]}
    peak = max(overall["statuses"].values(), default=0) or 1
    chart = [
        {
            "label": labels.status_label(code),
            "count": overall["statuses"].get(code, 0),
            "share": overall["statuses"].get(code, 0) / peak,
            "colour": COLOURS[code],
        }
        for code in labels.STATUS_ORDER
    ]
    figures = [
        (_("应报"), "expected"),
        (_("已报"), "submitted"),
        (_("按时"), "on_time"),
        (_("逾期"), "late"),
        (_("退回待改"), "returned"),
        (_("缺报"), "missing"),
    ]
    lights = overall["lights"]
    return {
        "heading": _("总体进展"),
        "paragraphs": [labels.overall_sentence(data), labels.reports_sentence(overall["reports"])],
        "chart": chart,
        "tables": [
            _table(
                [_("红灯"), _("黄灯"), _("绿灯")] + [label for label, _key in figures],
                [1] * 9,
                [
                    [str(lights.get("red", 0)), str(lights.get("amber", 0))]
                    + [str(lights.get("green", 0))]
                    + [str(reports.get(key, 0)) for _label, key in figures]
                ],
            )
        ],
    }


# The task table's columns, each with the narrowest and widest it may be, in characters: its
# width follows the mean length of its cells in the section (widths fitted to the content, so
# a column of long texts is not squeezed beside an empty wide one). A column no task of a
# section fills is left out there.
TASK_COLUMNS = {
    "task": (11, 24),  # 11: the label and the title's first words on the row's first line
    "lead": (7, 16),
    "co": (8, 22),
    "status": (5, 5),  # 持续推进 on one line, past the cell's inset
    "progress": (10, 40),
    "problems": (7, 30),
    "next_steps": (7, 30),
}


def _task_headers() -> dict[str, str]:
    return {
        "task": _("任务"),
        "lead": _("牵头单位"),
        "co": _("配合单位"),
        "status": _("状态"),
        "progress": _("本年度进展"),
        "problems": _("存在问题"),
        "next_steps": _("下一步计划"),
    }


def _fitted(cells: list[dict[str, str]], keys: list[str]) -> list[float]:
    """Each column's width in characters of the table's type, adding up to a line: at least
    its narrowest; what is left is shared by the columns' wish (the mean length of their
    cells, up to their widest)."""
    low = {k: float(TASK_COLUMNS[k][0]) for k in keys}
    wish = {
        k: min(TASK_COLUMNS[k][1], max(low[k], sum(len(c[k]) for c in cells) / len(cells)))
        for k in keys
    }
    spare = LINE_CHARS - sum(low.values())
    extra = sum(wish[k] - low[k] for k in keys)
    if extra <= 0:
        return [low[k] + spare * (wish[k] / sum(wish.values())) for k in keys]
    if extra >= spare:
        return [low[k] + (wish[k] - low[k]) * spare / extra for k in keys]
    # everyone gets its wish; the rest goes to the text columns by their wish
    rest = spare - extra
    return [wish[k] + (rest * wish[k] / sum(wish.values()) if k != "status" else 0) for k in keys]


def _task_cells(task: dict[str, Any]) -> dict[str, str]:
    return {
        "task": f"{task['label']}{task['title']}",
        "lead": labels.task_lead_summary(task),
        "co": labels.task_co_summary(task),
        "status": f"{labels.status_label(task['status'])}\n{labels.light_label(task['light'])}",
        "progress": task.get("progress", ""),
        "problems": task.get("problems", ""),
        "next_steps": task.get("next_steps", ""),
    }


def _tasks(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    headers = _task_headers()
    tables = []
    for index, section in enumerate(data["sections"], start=1):
        cells = [_task_cells(t) for t in section["tasks"]]
        keys = [
            key
            for key in TASK_COLUMNS
            if key in ("task", "status") or any(c[key].strip() for c in cells)
        ]
        columns = list(zip(keys, _fitted(cells, keys) if cells else [1.0] * len(keys), strict=True))
        heading = f"{section['label']}{section['title']}" if section["title"] else ""
        tables.append(
            _table(
                [headers[key] for key, _share in columns],
                [share for _key, share in columns],
                [[c[key] for key, _share in columns] for c in cells],
                heading=heading or f"（{labels.numeral(index)}）" + _("其他任务"),
                light=[t["light"] for t in section["tasks"]],
                light_column=[key for key, _share in columns].index("status"),
                size=9,
            )
        )
    if not tables:
        notes = [*notes, _("本方案尚无重点任务。")]
    return {"heading": _("重点任务推进情况"), "landscape": True, "notes": notes, "tables": tables}


def _notice(n: dict[str, Any]) -> str:
    return _("%(number)s(%(level)s,%(issued)s交办,%(due)s前反馈,%(state)s)") % {
        "number": n["number"],
        "level": n["level"],
        "issued": labels.date_label(n["issued_on"]),
        "due": labels.date_label(n["due_on"]),
        "state": n["state"],
    }


def _red(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    items = data.get("red_items", [])
    rows = [
        [
            item["task"],
            item.get("lead_summary", ""),
            labels.status_label(item["status"]),
            labels.date_label(item.get("due_on")),
            "\n".join(_notice(n) for n in item.get("notices") or []) or _("未督办"),
        ]
        for item in items
    ]
    headers = [_("任务"), _("牵头单位"), _("状态"), _("完成时限"), _("督办情况")]
    return {
        "heading": _("红灯事项与督办"),
        "notes": notes or ([] if rows else [_("本期无红灯事项。")]),
        "tables": [_table(headers, [2.6, 1.6, 0.8, 1.4, 2.0], rows)] if rows else [],
    }


def _decisions(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    rows = [
        [
            d["text"],
            d["task"],
            "、".join(d["agencies"]),
            labels.date_label(d["due_on"]),
            labels.decision_outcome(d),
        ]
        for d in data["previous_decisions"]
    ]
    return {
        "heading": _("上次会议议定事项落实情况"),
        "notes": notes or ([] if rows else [_("无上次会议议定事项。")]),
        "tables": [_table(labels.decision_headers(), [2.2, 2, 1.5, 1.1, 1.6], rows)]
        if rows
        else [],
    }


def _work_points(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    rows = [
        [
            w["title"],
            w["task"],
            "、".join(w.get("agencies", [])),
            labels.date_label(w.get("due_on")),
            labels.status_label(w["status"]),
        ]
        for w in data.get("work_points", [])
    ]
    headers = [_("工作要点"), _("所属任务"), _("责任单位"), _("完成时限"), _("状态")]
    return {
        "heading": _("年度工作要点"),
        "notes": notes or ([] if rows else [_("本年度尚无工作要点。")]),
        "tables": [_table(headers, [2.4, 2, 1.5, 1.1, 0.8], rows)] if rows else [],
    }


def _cases(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    paragraphs = [
        f"{c['task']}({c['agency']},{c['period']}):{c['achievements']}"
        for c in data["typical_cases"]
    ]
    return {
        "heading": _("典型案例"),
        "paragraphs": paragraphs,
        "notes": notes or ([] if paragraphs else [_("本年度暂无典型案例。")]),
    }


def _indicators(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    rows = [
        [
            i["name"],
            i["unit"],
            *("" if i[k] is None else str(i[k]) for k in ("baseline", "target", "target_year")),
            *("" if i[k] is None else str(i[k]) for k in ("value", "year")),
        ]
        for i in data["indicators"]
    ]
    return {
        "heading": _("指标完成情况"),
        "notes": notes or ([] if rows else [_("本方案尚未设置监测指标。")]),
        "tables": [_table(labels.indicator_headers(), [3, 1, 1, 1, 1, 1.2, 1], rows)]
        if rows
        else [],
    }


def _annex_duties(data: dict[str, Any]) -> dict[str, Any]:
    """附件1: every task's agencies in full, a row per side."""
    annex = data.get("annex")
    if annex is None:  # a pack frozen before sides were gathered: the flat lists
        annex = [
            {
                "label": t["label"],
                "title": t["title"],
                "sides": [{"side": "", "lead": t["lead"], "co": t["co"]}],
            }
            for s in data["sections"]
            for t in s["tasks"]
        ]
    rows = []
    for entry in annex:
        sides = entry.get("sides") or []
        if not sides:
            rows.append([f"{entry['label']}{entry['title']}", "", _("未明确"), ""])
        for side in sides:
            rows.append(
                [
                    f"{entry['label']}{entry['title']}",
                    side.get("side", ""),
                    "、".join(side.get("lead", [])),
                    "、".join(side.get("co", [])),
                ]
            )
    headers = [_("任务"), _("方面"), _("牵头单位"), _("配合单位")]
    return {
        "label": _("附件%(n)d") % {"n": 1},
        "heading": _("重点任务责任分工"),
        "landscape": True,
        "tables": [_table(headers, [2.4, 1.1, 1.6, 4.4], rows)],
    }


def _annex_ledger(data: dict[str, Any]) -> dict[str, Any]:
    summary = ledger_summary(data["ledger"])
    rows = [
        [
            str(r["number"]),
            r["task"],
            r["agency"],
            *(str(r[k]) for k in ("owed", "submitted", "on_time", "late", "returned", "missing")),
            r["latest"],
        ]
        for r in summary
    ]
    return {
        "label": _("附件%(n)d") % {"n": 2},
        "heading": _("报送台账汇总"),
        "landscape": True,
        "paragraphs": [ledger_summary_note()],
        "notes": [] if rows else [_("尚无应报的进展报告。")],
        "tables": [
            _table(
                ledger_summary_headers(),
                [EM3, 3.2, 1.8, EM3, EM3, EM3, EM4, EM4, EM3, 1.6],
                rows,
            )
        ]
        if rows
        else [],
    }
