"""典型案例汇编: the typical cases the user filtered, as XLSX (one row per case, frozen header)
and as DOCX (GB/T 9704 typography from ops/official_docx.py: a title, then one section per
case naming its region, plan, task, agency and period, then its text)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ops.official_docx import (
    BODY_FONT,
    HEADING_FONT,
    SIZE_2,
    SIZE_3,
    SUBHEADING_FONT,
    TITLE_FONT,
    a4_page,
    east_asian_font,
    font_fallbacks,
    xml_text,
)
from reports.models import ProgressReport


@dataclass(frozen=True, slots=True)
class Case:
    region: str
    plan: str
    task: str
    agency: str
    period: str
    reviewed_on: str
    achievements: str
    progress: str


def cases_of(reports: Iterable[ProgressReport]) -> list[Case]:
    return [
        Case(
            region=r.task.plan.region.name,
            plan=r.task.plan.title,
            task=f"{r.task.label}{r.task.title}",
            agency=r.agency.name,
            period=r.period.label,
            reviewed_on=r.reviewed_at.date().isoformat() if r.reviewed_at else "",
            achievements=r.achievements,
            progress=r.progress,
        )
        for r in reports
    ]


def title() -> str:
    return _("典型案例汇编")


def cases_xlsx(cases: list[Case]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title()
    headers = [
        _("地区"),
        _("方案"),
        _("任务"),
        _("报送单位"),
        _("报送周期"),
        _("确认日期"),
        _("主要成效"),
        _("进展情况"),
    ]
    widths = [12, 36, 40, 24, 14, 12, 60, 60]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for case in cases:
        sheet.append(
            [
                xml_text(v)
                for v in (
                    case.region,
                    case.plan,
                    case.task,
                    case.agency,
                    case.period,
                    case.reviewed_on,
                    case.achievements,
                    case.progress,
                )
            ]
        )
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _paragraph(doc: Any, text: str, font: str, size: Pt, *, center: bool = False) -> None:
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(xml_text(text))
    run.font.size = size
    east_asian_font(run._r, font)


def cases_docx(cases: list[Case]) -> bytes:
    doc = Document()
    a4_page(doc.sections[0])
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    east_asian_font(normal.element, BODY_FONT)
    font_fallbacks(doc)
    _paragraph(doc, title(), TITLE_FONT, SIZE_2, center=True)
    if not cases:
        _paragraph(doc, _("没有符合条件的典型案例。"), BODY_FONT, SIZE_3)
    for number, case in enumerate(cases, start=1):
        _paragraph(doc, f"{number}. {case.task}", HEADING_FONT, SIZE_3)
        facts = _(
            "地区：%(region)s；方案：%(plan)s；报送单位：%(agency)s；报送周期：%(period)s"
        ) % {
            "region": case.region,
            "plan": case.plan,
            "agency": case.agency,
            "period": case.period,
        }
        if case.reviewed_on:
            facts += _("；确认日期：%(date)s") % {"date": case.reviewed_on}
        _paragraph(doc, facts, SUBHEADING_FONT, SIZE_3)
        for text in (case.achievements, case.progress):
            for line in text.splitlines():
                if line.strip():
                    _paragraph(doc, line.strip(), BODY_FONT, SIZE_3)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
