"""The reporting ledger (台账) as XLSX: one row per task × agency × period, frozen header,
filters, widths that fit. Every text cell is written as a string, so a report that begins
with `=`, `+`, `-` or `@` stays text in Excel instead of becoming a formula."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

from reports.packs import labels

WIDTHS = [6, 40, 24, 16, 12, 12, 12, 50, 40, 40]
HEADER_FILL = PatternFill("solid", fgColor="DCE3EE")


def render_xlsx(data: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("报送台账")
    sheet.append(labels.ledger_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in data["ledger"]:
        values = [
            row["number"],
            row["task"],
            row["agency"],
            row["period"],
            row["due_on"],
            labels.report_state_label(row),
            row["submitted_on"],
            row["progress"],
            row["problems"],
            row["next_steps"],
        ]
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            _as_text(cell)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _as_text(cell: Cell) -> None:
    if isinstance(cell.value, str):
        # openpyxl reads a leading "=" as a formula; a string cell is what the report said.
        cell.data_type = "s"
        cell.alignment = Alignment(vertical="top", wrap_text=True)
