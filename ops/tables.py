"""A table as a download: a dashboard's rows, a timeline for audit.

CSV is written with a BOM so that Excel on a Chinese Windows opens it as UTF-8; XLSX through
openpyxl. Cells that start like a formula are prefixed so a spreadsheet never runs them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse
from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    title: str
    headers: list[str]
    # A list for the tables shown on pages; any iterable (a streamed queryset) for downloads.
    rows: Iterable[list[object]] = field(default_factory=list)


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table_response(*, table: Table, filename: str, fmt: str) -> HttpResponse:
    """`fmt` is "csv" or "xlsx"; the file name is ASCII, the sheet keeps the Chinese title."""
    if fmt == "xlsx":
        book = Workbook(write_only=True)  # rows streamed, not held as cells
        sheet = book.create_sheet(title=table.title[:31])
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append([_safe(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(table.headers)
        writer.writerows([[_safe(v) for v in row] for row in table.rows])
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
