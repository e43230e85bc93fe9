"""The 年度自评报告 as an editable DOCX, laid out after GB/T 9704-2012 exactly as the meeting
pack is (meetings/packs/docx.py: its page, styles, headings and table writer are reused), from
the structure both renderers share (evaluations/exports/content.py)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from evaluations.exports.content import document
from meetings.packs.docx import (
    Column,
    _body,
    _footer,
    _heading,
    _new_section,
    _number_from_zero,
    _page_break,
    _paragraph,
    _styles,
    _subheading,
    _table,
)
from ops.official_docx import (
    BODY_FONT,
    HEADING_FONT,
    LANDSCAPE_TEXT_MM,
    PORTRAIT_TEXT_MM,
    SIZE_2,
    SIZE_3,
    TITLE_FONT,
    a4_page,
    font_fallbacks,
)


def render_docx(data: dict[str, Any]) -> bytes:
    content = document(data)
    doc = Document()
    first = doc.sections[0]
    a4_page(first)
    first.different_first_page_header_footer = True  # the cover carries no page number
    _number_from_zero(first)
    _footer(first)
    _styles(doc)
    font_fallbacks(doc)
    _cover(doc, content["cover"])
    landscape = False
    for part in content["parts"]:
        wanted = bool(part.get("landscape"))
        if wanted != landscape:
            _new_section(doc, landscape=wanted)
            landscape = wanted
        _heading(doc, part["heading"])
        for text in part.get("paragraphs", []):
            _body(doc, text)
        for note in part.get("notes", []):
            _body(doc, note)
        text_mm = LANDSCAPE_TEXT_MM if landscape else PORTRAIT_TEXT_MM
        for table in part.get("tables", []):
            if table.get("heading"):
                _subheading(doc, table["heading"])
            total = sum(table["widths"])
            columns = [
                Column(header, text_mm * share / total, wide=share >= 2)
                for header, share in zip(table["headers"], table["widths"], strict=True)
            ]
            _table(
                doc,
                columns,
                table["rows"],
                text_mm=text_mm,
                drop_empty=False,
                small=table.get("size") == 9,
            )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _cover(doc: Any, cover: dict[str, Any]) -> None:
    for _i in range(4):
        doc.add_paragraph()
    title = _paragraph(doc, cover["title"], TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(36)
    doc.add_paragraph()
    for line in cover["lines"]:
        _paragraph(doc, line, BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _i in range(5):
        doc.add_paragraph()
    _paragraph(doc, cover["as_of"], BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    if cover.get("draft"):
        doc.add_paragraph()
        _paragraph(doc, cover["draft"], HEADING_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    _page_break(doc)
