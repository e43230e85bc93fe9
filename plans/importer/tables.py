"""Task tables of a .docx (序号 / 任务 / 责任单位 …) as the lines a plain document would have."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_NUMBER = re.compile(r"^(序号|编号|序)$")
_TASK_TITLE = re.compile(r"任务名称|任务标题|事项名称")
_TASK = re.compile(r"任务|内容|举措|措施|事项|工作要点")
_CATEGORY = re.compile(r"^(类别|分类|领域|方向|板块|重点领域|任务类别|类型)$")
_UNIT = re.compile(r"单位|部门|司局|责任|牵头|配合|协办|参与")
_IGNORED = re.compile(r"时限|时间|进度|备注|完成|目标值|指标")
_ROLE_WORDS = re.compile(r"牵头|负责|配合|参与|协助|协办|单位\s*[:：]")
_CN = "零一二三四五六七八九"


def cn_numeral(number: int) -> str:
    """14 → `十四`, 20 → `二十` (1–99)."""
    tens, ones = divmod(number, 10)
    if not tens:
        return _CN[ones]
    return (_CN[tens] if tens > 1 else "") + "十" + (_CN[ones] if ones else "")


def _cells(row: Any) -> list[str]:
    """Cell texts of a row, a merged cell counted once per grid column it spans."""
    return [cell.text.strip() for cell in row.cells]


@dataclass
class _Columns:
    number: int | None = None
    title: int | None = None
    task: int | None = None
    category: int | None = None
    units: list[tuple[int, str]] = field(default_factory=list)  # (column, header)


def _header(cells: list[str]) -> _Columns | None:
    columns = _Columns()
    for index, raw in enumerate(cells):
        text = re.sub(r"\s+", "", raw)
        if not text:
            continue
        if _NUMBER.match(text):
            columns.number = index
        elif _CATEGORY.match(text):
            columns.category = index
        elif _IGNORED.search(text):
            continue
        elif _UNIT.search(text) and not _TASK.search(text.replace("责任", "")):
            if all(col != index for col, _ in columns.units):
                columns.units.append((index, text))
        elif _TASK_TITLE.search(text) and columns.title is None:
            columns.title = index
        elif _TASK.search(text) and columns.task is None:
            columns.task = index
    if columns.task is None and columns.title is not None:
        columns.task, columns.title = columns.title, None
    if columns.task is None or not columns.units:
        return None
    return columns


def _unit_text(value: str, header: str, generic_columns: int) -> str:
    value = re.sub(r"\s+", "", value)
    if not value or _ROLE_WORDS.search(value):
        return value
    if "牵头" in header:
        return f"牵头单位：{value}"
    if any(word in header for word in ("配合", "协办", "参与")):
        return f"配合单位：{value}"
    if generic_columns == 1:
        return f"责任单位：{value}"
    return value


def _row_line(cells: list[str], columns: _Columns, number: int) -> str:
    task = re.sub(r"\s+", "", cells[columns.task])
    if columns.title is not None:
        title = re.sub(r"\s+", "", cells[columns.title]).rstrip("。")
        task = f"{title}。{task}" if task and task != title else title
    generic = sum(
        1 for _, h in columns.units if not any(w in h for w in ("牵头", "配合", "协办", "参与"))
    )
    units = [_unit_text(cells[col], header, generic) for col, header in columns.units]
    note = "；".join(u for u in units if u)
    return f"{number}.{task}({note})" if note else f"{number}.{task}"


def table_lines(table: Any) -> list[str]:
    """Lines for one table; a table that is not a task table gives one line a row."""
    rows = [_cells(row) for row in table.rows]
    columns = None
    start = 0
    for index, cells in enumerate(rows[:3]):
        columns = _header(cells)
        if columns is not None:
            start = index + 1
            break
    if columns is None:
        return ["".join(dict.fromkeys(c for c in cells if c)) for cells in rows]
    lines: list[str] = []
    category = ""
    groups = 0
    counter = 0
    for cells in rows[start:]:
        if len(cells) <= max(columns.task, *(c for c, _ in columns.units)):
            continue
        if columns.category is not None and cells[columns.category]:
            value = re.sub(r"\s+", "", cells[columns.category])
            if value != category:
                category = value
                groups += 1
                lines.append(f"({cn_numeral(groups)}){category}")
        if not cells[columns.task].strip():
            continue
        counter += 1
        written = cells[columns.number].strip() if columns.number is not None else ""
        number = int(written) if written.isdigit() else counter
        lines.append(_row_line(cells, columns, number))
    return lines
