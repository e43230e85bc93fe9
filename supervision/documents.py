"""The printable 督办单: one A4 page, as DOCX (python-docx) and PDF (WeasyPrint).

Laid out as the 督查督办 offices print it: the issuing unit and the title 督办单, the number
〔year〕N号, the level and the date; a table naming the target, the recipient agencies, what,
why, the deadline and what to do; then, below a cut line, the reply slip (回执) the agency
returns. Fonts as the meeting pack sets them: in the DOCX the official names (方正小标宋简体,
仿宋_GB2312, 黑体) with the usual fallbacks in the font table; the PDF embeds the CJK fonts that
ship with the application (static/fonts), so it never depends on the server's.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt

from ops.official_docx import BODY_FONT, HEADING_FONT, TITLE_FONT, east_asian_font, font_fallbacks
from supervision.models import SupervisionNotice

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
SIZE_1, SIZE_3, SIZE_4, SIZE_S4 = Pt(26), Pt(16), Pt(14), Pt(12)  # 一号 三号 四号 小四
LABEL_MM, VALUE_MM = 30, 126


def _cut_line() -> str:
    return "- " * 24 + _("沿此线剪下") + " -" * 24


def _date(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


@dataclass(frozen=True)
class Sheet:
    """What the 督办单 prints, in the user's language."""

    issuer: str
    title: str
    number: str
    level: str
    issued_on: str
    rows: list[tuple[str, str]]
    slip_title: str
    slip_rows: list[tuple[str, str]]
    slip_note: str
    stamp: str


def notice_sheet(notice: SupervisionNotice) -> Sheet:
    recipients = "、".join(r.agency.name for r in notice.recipients.select_related("agency"))
    number = _("〔%(year)d〕%(number)d号") % {"year": notice.year, "number": notice.number}
    return Sheet(
        issuer=notice.issuing_agency.name,
        title=_("督办单"),
        number=number,
        level=_("督办级别：%(level)s") % {"level": notice.get_level_display()},
        issued_on=_("交办日期：%(date)s") % {"date": _date(timezone.localdate(notice.issued_at))},
        rows=[
            (_("督办对象"), notice.target_label),
            (_("所属方案"), notice.plan.title),
            (_("承办单位"), recipients),
            (_("督办事项"), notice.subject),
            (_("督办理由"), notice.reason),
            (_("办理时限"), _("%(date)s前反馈") % {"date": _date(notice.deadline)}),
            (
                _("办理要求"),
                _(
                    "请承办单位收到本单后及时签收，于办理时限前在系统中反馈办理情况并上传佐证"
                    "材料，同时将回执盖章后报送督办单位。"
                ),
            ),
        ],
        slip_title=_("回执"),
        slip_rows=[
            (_("督办单编号"), number),
            (_("承办单位"), ""),
            (_("签收人"), ""),
            (_("签收日期"), _("　　　　年　　月　　日")),
            (_("办理情况"), ""),
        ],
        slip_note=_("承办单位（盖章）　　　　年　　月　　日"),
        stamp=_("督办单位（盖章）：%(issuer)s") % {"issuer": notice.issuing_agency.name},
    )


# --- DOCX ---------------------------------------------------------------------------------


def render_docx(sheet: Sheet) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_S4
    east_asian_font(normal.element, BODY_FONT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    font_fallbacks(doc)
    _line(doc, sheet.issuer, HEADING_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, sheet.title, TITLE_FONT, SIZE_1, WD_ALIGN_PARAGRAPH.CENTER, spacing=40)
    _line(doc, sheet.number, BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, f"{sheet.level}        {sheet.issued_on}", BODY_FONT, SIZE_S4)
    _table(doc, sheet.rows, body_height=None)
    _line(doc, sheet.stamp, BODY_FONT, SIZE_S4, WD_ALIGN_PARAGRAPH.RIGHT)
    _line(doc, _cut_line(), BODY_FONT, Pt(9), WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, sheet.slip_title, TITLE_FONT, SIZE_4, WD_ALIGN_PARAGRAPH.CENTER, spacing=28)
    _table(doc, sheet.slip_rows, body_height=Mm(28))
    _line(doc, sheet.slip_note, BODY_FONT, SIZE_S4, WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _run(paragraph: Any, text: str, font: str, size: Pt) -> None:
    run = paragraph.add_run(text)
    run.font.size = size
    east_asian_font(run._r, font)


def _line(doc: Any, text: str, font: str, size: Pt, align: Any = None, *, spacing: int = 0) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(4)
    if spacing:
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(spacing)
    _run(paragraph, text, font, size)


def _table(doc: Any, rows: list[tuple[str, str]], *, body_height: Any) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for label, value in rows:
        cells = table.add_row().cells
        for cell, width, text, font in (
            (cells[0], LABEL_MM, label, HEADING_FONT),
            (cells[1], VALUE_MM, value, BODY_FONT),
        ):
            cell.width = Mm(width)
            _run(cell.paragraphs[0], text, font, SIZE_S4)
    if body_height is not None:
        table.rows[-1].height = body_height


# --- PDF ----------------------------------------------------------------------------------


def render_pdf(sheet: Sheet) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is made

    html = render_to_string(
        "supervision/notice_print.html",
        {
            "sheet": sheet,
            "serif_font": (FONTS / "NotoSerifSC-Regular-subset.otf").as_uri(),
            "sans_font": (FONTS / "NotoSansSC-Bold-subset.otf").as_uri(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
