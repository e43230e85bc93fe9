"""The 责任分工表 as XLSX, ready to print: a title row, two header rows (each side's name
over its 牵头/配合 columns) frozen on screen and repeated on every printed page, a merged row
per section, one row per task; wrapped text, borders, widths fitted to the content, A4
landscape fitted to the page width, page numbers in the footer.

Every text cell is written as a string: a title beginning with `=` stays text in Excel."""

from __future__ import annotations

import io
import math
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tasks.duty_table.layout import Column, cells, columns, subtitle, title
from tasks.lights import LIGHT_COLOURS

Data = dict[str, Any]
FONT = "宋体"
HEADER_FONT = "黑体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE3EE")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
# Column widths in Excel's units (about one Latin digit; a CJK character takes two): a
# column is as wide as its longest line up to its cap, then wraps.
CAPS = {"label": 8, "title": 34, "due": 16, "status": 12, "light": 10, "last_accepted": 16}
AGENCY_CAP = 30
LINE_POINTS = 15  # one line of 11 pt text
HEADER_ROWS = (3, 4)  # the title is row 1, the document number row 2


def render_xlsx(data: Data) -> bytes:
    cols = columns(data)
    rows = [
        (section, [cells(task, cols) for task in section["tasks"]]) for section in data["sections"]
    ]
    widths = _widths(cols, [row for _section, section_rows in rows for row in section_rows])
    book = Workbook()
    sheet = book.active
    sheet.title = _("责任分工表")
    last = get_column_letter(len(cols))
    _banner(sheet, 1, title(data), last, Font(name=HEADER_FONT, size=16, bold=True), 30)
    _banner(sheet, 2, subtitle(data), last, Font(name=FONT, size=11), 20)
    _headers(sheet, cols)
    r = HEADER_ROWS[-1] + 1
    for section, section_rows in rows:
        section_title = section["title"]
        sheet.merge_cells(f"A{r}:{last}{r}")
        cell = _cell(sheet, r, 1, section_title, bold=True)
        cell.fill = SECTION_FILL
        for j in range(2, len(cols) + 1):
            sheet.cell(row=r, column=j).border = BORDER
        sheet.row_dimensions[r].height = LINE_POINTS * _lines(section_title, sum(widths)) + 4
        r += 1
        for task, values in zip(section["tasks"], section_rows, strict=True):
            for j, (col, value) in enumerate(zip(cols, values, strict=True), start=1):
                cell = _cell(sheet, r, j, value)
                if col.key == "light":
                    cell.font = Font(name=FONT, size=11, color=LIGHT_COLOURS.get(task["light"]))
            tallest = max(_lines(v, w) for v, w in zip(values, widths, strict=True))
            sheet.row_dimensions[r].height = LINE_POINTS * tallest + 4
            r += 1
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = width
    sheet.freeze_panes = f"A{HEADER_ROWS[-1] + 1}"
    _print_setup(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _banner(sheet: Worksheet, row: int, text: str, last: str, font: Font, height: int) -> None:
    sheet.merge_cells(f"A{row}:{last}{row}")
    cell = sheet.cell(row=row, column=1, value=text)
    cell.data_type = "s"
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[row].height = height


def _headers(sheet: Worksheet, cols: list[Column]) -> None:
    """Two rows: a side's name over its two columns, a column of its own spanning both."""
    top, bottom = HEADER_ROWS
    j = 1
    while j <= len(cols):
        col = cols[j - 1]
        if col.group:
            sheet.merge_cells(start_row=top, start_column=j, end_row=top, end_column=j + 1)
            _header(sheet, top, j, col.group)
            _header(sheet, top, j + 1, "")
            _header(sheet, bottom, j, col.header)
            _header(sheet, bottom, j + 1, cols[j].header)
            j += 2
        else:
            sheet.merge_cells(start_row=top, start_column=j, end_row=bottom, end_column=j)
            _header(sheet, top, j, col.header)
            _header(sheet, bottom, j, "")
            j += 1
    sheet.row_dimensions[top].height = sheet.row_dimensions[bottom].height = 20


def _header(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row=row, column=column, value=text or None)
    cell.font = Font(name=HEADER_FONT, size=11, bold=True)
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _cell(sheet: Worksheet, row: int, column: int, value: str, *, bold: bool = False) -> Any:
    cell = sheet.cell(row=row, column=column, value=value or None)
    if value:
        cell.data_type = "s"  # never a formula, whatever the text begins with
    cell.font = Font(name=FONT, size=11, bold=bold)
    cell.border = BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    return cell


def _units(text: str) -> int:
    """Width of a line in Excel's units: two for a CJK (wide) character, one otherwise."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def _widths(cols: list[Column], rows: list[list[str]]) -> list[float]:
    widths = []
    for j, col in enumerate(cols):
        cap = CAPS.get(col.key, AGENCY_CAP)
        longest = max(
            [_units(col.header), *(_units(line) for row in rows for line in row[j].split("\n"))]
        )
        widths.append(min(cap, max(6, longest)) + 2)
    return widths


def _lines(text: str, width: float) -> int:
    per_line = max(1.0, width - 2)
    return max(1, sum(math.ceil(_units(line) / per_line) or 1 for line in text.split("\n")))


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, as wide as the page allows and as many pages long as it takes; the two
    header rows on every page; `第 N 页 共 M 页` at the foot."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    top, bottom = HEADER_ROWS
    sheet.print_title_rows = f"{top}:{bottom}"
    sheet.oddFooter.center.text = _("第 &P 页 共 &N 页")
    sheet.oddFooter.center.size = 10
