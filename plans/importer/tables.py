"""Task tables of a .docx (序号 / 任务 / 责任单位 …) as the lines a plain document would have."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from plans.importer.headings import heading_of
from plans.importer.wordtext import cell_text

_NUMBER = re.compile(r"^(序号|编号|序)$")
_TASK_TITLE = re.compile(r"任务名称|任务标题|事项名称")
_TASK = re.compile(r"任务|内容|举措|措施|事项|工作要点")
_CONTENT = re.compile(r"内容|具体措施|主要措施|工作措施|具体举措|主要举措|实施举措")
_NIPA_HEADER = re.compile(r"国家知识产权局|国知局|司局|局方|国家")
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
    return [re.sub(r"\s+", "", cell_text(cell)) for cell in row.cells]


@dataclass
class _Columns:
    number: int | None = None
    title: int | None = None
    task: int | None = None
    category: int | None = None
    units: list[tuple[int, str]] = field(default_factory=list)  # (column, header)

    def unit_columns(self) -> set[int]:
        return {col for col, _ in self.units}


def _side_of_header(header: str) -> int:
    """0 for a column of NIPA's units (国家知识产权局责任单位, 司局), 1 for any other."""
    return 0 if _NIPA_HEADER.search(header) else 1


def _header(cells: list[str]) -> _Columns | None:
    columns = _Columns()
    content: int | None = None
    for index, text in enumerate(cells):
        if not text:
            continue
        if _NUMBER.match(text):
            columns.number = index
        elif _CATEGORY.match(text):
            columns.category = index
        elif _IGNORED.search(text):
            continue
        elif _UNIT.search(text) and not _TASK.search(text.replace("责任", "")):
            columns.units.append((index, text))
        elif _TASK_TITLE.search(text) and columns.title is None:
            columns.title = index
        elif _CONTENT.search(text) and content is None:
            content = index
        elif _TASK.search(text) and columns.task is None:
            columns.task = index
    # 重点任务 | 主要内容: the task column names the task, the content column holds its text.
    if content is not None:
        if columns.task is not None and columns.title is None:
            columns.title = columns.task
        columns.task = content
    if columns.task is None and columns.title is not None:
        columns.task, columns.title = columns.title, None
    if columns.task is None or not columns.units:
        return None
    return columns


def _subheader(cells: list[str], header: list[str], columns: _Columns) -> bool:
    """A second header row naming the sides under a merged 责任单位 cell."""
    units = columns.unit_columns()
    if not any(cells[col] for col in units) or len(cells) != len(header):
        return False
    if any(_ROLE_WORDS.search(cells[col]) for col in units):
        return False
    return all(not cells[i] or cells[i] == header[i] for i in range(len(cells)) if i not in units)


def _split_merged_units(columns: _Columns, cells: list[str]) -> None:
    """Unit columns under one merged header take their own sub-header names."""
    columns.units = [(col, header + cells[col]) for col, header in columns.units if cells[col]]


_SECTION_NUMBER = re.compile(r"^[(（]?([一二三四五六七八九十]+)[)）、.．]?$")


def _section_title(cells: list[str], columns: _Columns) -> str | None:
    """The title of a row that starts a group of tasks (`(一)强化保护`, merged across the
    table, or alone in its row), else None."""
    values = list(dict.fromkeys(c for c in cells if c))
    units = [cells[col] for col in columns.unit_columns()]
    number = cells[columns.number] if columns.number is not None else ""
    if len(values) == 2 and number and _SECTION_NUMBER.match(number) and not any(units):
        return next(v for v in values if v != number)
    if len(values) != 1:
        return None
    value = values[0]
    heading = heading_of(value)
    merged = cells.count(value) > 1
    if heading is not None and heading.level in (1, 2):
        return heading.rest.strip()
    if merged or (not any(units) and not number and "。" not in value and len(value) <= 40):
        return value
    return None


def _unit_text(value: str, header: str, generic_columns: int) -> str:
    if not value or _ROLE_WORDS.search(value):
        return value
    if "牵头" in header:
        return f"牵头单位：{value}"
    if any(word in header for word in ("配合", "协办", "参与")):
        return f"配合单位：{value}"
    if generic_columns == 1 and not re.search(r"[；;]", value):
        return f"责任单位：{value}"  # a value with parts (`司局…；省…`) reads as a running note
    return value


def _row_line(cells: list[str], columns: _Columns, number: int) -> str:
    task = cells[columns.task]
    if columns.title is not None:
        title = cells[columns.title].rstrip("。")
        task = f"{title}。{task}" if task and task != title else title
    generic = sum(
        1 for _, h in columns.units if not any(w in h for w in ("牵头", "配合", "协办", "参与"))
    )
    units = [_unit_text(cells[col], header, generic) for col, header in columns.units]
    note = "；".join(dict.fromkeys(u for u in units if u))  # a merged cell counts once
    return f"{number}.{task}({note})" if note else f"{number}.{task}"


def _find_header(rows: list[list[str]]) -> tuple[_Columns | None, int]:
    """The columns and the index of the first body row."""
    for index, cells in enumerate(rows[:3]):
        columns = _header(cells)
        if columns is None:
            continue
        start = index + 1
        if start < len(rows) and _subheader(rows[start], cells, columns):
            _split_merged_units(columns, rows[start])
            start += 1
        # NIPA's column first, as the running text writes the note: `(司局…；省…)`.
        columns.units.sort(key=lambda unit: _side_of_header(unit[1]))
        return columns, start
    return None, 0


def table_lines(table: Any) -> list[str]:
    """Lines for one table; a table that is not a task table gives one line a row."""
    rows = [_cells(row) for row in table.rows]
    columns, start = _find_header(rows)
    if columns is None:
        return ["".join(dict.fromkeys(c for c in cells if c)) for cells in rows]
    lines: list[str] = []
    category = ""
    groups = 0
    counter = 0
    widest = max(columns.task, columns.title or 0, *(c for c, _ in columns.units))
    for cells in rows[start:]:
        if len(cells) <= widest:
            continue
        section = _section_title(cells, columns)
        if section is not None:
            groups += 1
            category = section
            lines.append(f"({cn_numeral(groups)}){section}")
            continue
        if columns.category is not None and cells[columns.category]:
            value = cells[columns.category]
            if value != category:
                category = value
                groups += 1
                lines.append(f"({cn_numeral(groups)}){category}")
        if not cells[columns.task] and (columns.title is None or not cells[columns.title]):
            continue
        counter += 1
        written = cells[columns.number] if columns.number is not None else ""
        digits = re.match(r"^[(（]?(\d{1,3})[)）.．、]?$", written)
        number = int(digits.group(1)) if digits else counter
        lines.append(_row_line(cells, columns, number))
    return lines
