"""The plan's 督办台账: one row per 督办单 and recipient agency, on the page and as XLSX.
Cells that start like a formula are prefixed so a spreadsheet never runs them."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from supervision.models import NoticeRecipient
from supervision.selectors import is_overdue

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def ledger_headers() -> list[str]:
    return [
        _("编号"),
        _("督办级别"),
        _("督办对象"),
        _("督办事项"),
        _("承办单位"),
        _("办理时限"),
        _("状态"),
        _("是否逾期"),
        _("签收时间"),
        _("反馈时间"),
        _("办结时间"),
        _("催办次数"),
    ]


def _when(value: object) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""  # type: ignore[arg-type]


def ledger_row(row: NoticeRecipient) -> list[object]:
    notice = row.notice
    return [
        str(notice.number_label),
        notice.get_level_display(),
        notice.target_label,
        notice.subject,
        row.agency.name,
        notice.deadline.isoformat(),
        row.get_state_display(),
        _("逾期") if is_overdue(row) else "",
        _when(row.acknowledged_at),
        _when(row.responded_at),
        _when(row.closed_at),
        row.urge_count,
    ]


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def ledger_xlsx(rows: Iterable[NoticeRecipient]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("督办台账")
    sheet.append(ledger_headers())
    for row in rows:
        sheet.append([_safe(v) for v in ledger_row(row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
