"""The score table (评分表) as XLSX: one row per task × agency, each task's average and the
overall average, frozen header, filters. Text cells are strings, never formulas."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from evaluations.exports.content import draft_note, report_title

WIDTHS = [6, 44, 28, 12, 10, 12, 10]
HEADER_FILL = PatternFill("solid", fgColor="DCE3EE")
BOLD = Font(bold=True)
TEXT = Alignment(vertical="top", wrap_text=True)


def render_xlsx(data: dict[str, Any]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("评分表"))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    rows = sum(max(1, len(t["parts"])) for t in data["tasks"])
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(WIDTHS))}{rows + 3}"
    title = f"{data['plan']['title']} {report_title(data)}"
    sheet.append([_cell(sheet, title, bold=True)])
    sheet.append(
        [_cell(sheet, draft_note(data) or _("满分 %(max)d 分") % {"max": data["scale_max"]})]
    )
    headers = [
        _("序号"),
        _("任务"),
        _("责任单位"),
        _("完成情况"),
        _("自评得分"),
        _("状态"),
        _("任务平均分"),
    ]
    sheet.append([_cell(sheet, h, header=True) for h in headers])
    for task in data["tasks"]:
        parts = task["parts"] or [
            {"agency": _("未明确责任单位"), "completion": "", "score": None, "state": ""}
        ]
        for k, part in enumerate(parts):
            values: list[object] = [
                task["label"].rstrip("."),
                f"{task['label']}{task['title']}",
                part["agency"],
                part["completion"],
                None if part["score"] is None else float(part["score"]),
                part["state"],
                None if k or task["average"] is None else float(task["average"]),
            ]
            sheet.append([_cell(sheet, v) for v in values])
    overall = None if data["overall"] is None else float(data["overall"])
    sheet.append([_cell(sheet, v, bold=True) for v in ["", _("总平均"), "", "", "", "", overall]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(
    sheet: WriteOnlyWorksheet, value: object, *, header: bool = False, bold: bool = False
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if header:
        cell.fill, cell.font = HEADER_FILL, BOLD
    elif bold:
        cell.font = BOLD
    if isinstance(value, str):
        cell.data_type = "s"  # a text starting with "=" stays text
        cell.alignment = TEXT
    return cell
