"""The table both files draw: its columns (grouped under each side) and each cell's text.

A side the plan names nobody on (a city's plan has no NIPA side) is left out of the files,
so a landscape page gives its width to the columns that say something; the JSON keeps every
key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tasks.duty_table.content import NIPA_NAME

Data = dict[str, Any]
AGENCY_KEYS = ("nipa_lead", "nipa_co", "local_lead", "local_co")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    group: str  # the side's name over its two columns; "" for a column of its own
    width_mm: float  # its share of a landscape page (the DOCX), before unused sides drop out
    wide: bool = False  # takes a share of the width a dropped side leaves


def columns(data: Data) -> list[Column]:
    sides = data["sides"]
    named = {
        side: any(
            t[f"{side}_lead"] or t[f"{side}_co"] for s in data["sections"] for t in s["tasks"]
        )
        for side in ("nipa", "local")
    }
    cols = [Column("label", _("序号"), "", 10), Column("title", _("任务"), "", 36, wide=True)]
    # The widths add up to a landscape page's 237 mm; the co lists run longest.
    for side, lead, co in (("nipa", 24, 36), ("local", 26, 41)):
        if named[side]:
            cols += [
                Column(f"{side}_lead", _("牵头单位"), sides[side], lead, wide=True),
                Column(f"{side}_co", _("配合单位"), sides[side], co, wide=True),
            ]
    cols += [
        Column("due", _("完成时限"), "", 20),
        Column("status", _("状态"), "", 16),
        Column("light", _("红黄绿灯"), "", 12),
        Column("last_accepted", _("最近采纳报告"), "", 16),
    ]
    return cols


def title(data: Data) -> str:
    return _("%(plan)s 责任分工表") % {"plan": data["plan"]["title"]}


def subtitle(data: Data) -> str:
    parts = [data["plan"]["doc_number"], _("数据截至%(date)s") % {"date": date(data["as_of"])}]
    return "　".join(p for p in parts if p)


def date(value: str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def short_name(name: str, *, side: str) -> str:
    """A NIPA department without the 国家知识产权局 its column's heading already says."""
    if side == "nipa" and name.startswith(NIPA_NAME) and name != NIPA_NAME:
        return name.removeprefix(NIPA_NAME)
    return name


def cells(task: Data, cols: list[Column]) -> list[str]:
    """The task's row as text, in the order of `cols`; a list that ends in 等 in the plan
    (non_exhaustive) ends in 等 here, after the last agency named."""
    names = {
        key: "、".join(short_name(n, side=key.split("_")[0]) for n in task[key])
        for key in AGENCY_KEYS
    }
    if task["non_exhaustive"]:
        last = next((k for k in reversed(AGENCY_KEYS) if names[k]), None)
        if last:
            names[last] += _("等")
    due = date(task["due_on"]) if task["due_on"] else task["due"]
    values = {
        "label": task["label"].rstrip(".．、"),
        "title": task["title"],
        **names,
        "due": due,
        "status": task["status_label"],
        "light": task["light_label"],
        "last_accepted": date(task["last_accepted_on"]),
    }
    return [values[c.key] for c in cols]
