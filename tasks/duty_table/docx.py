"""The 责任分工表 as DOCX after GB/T 9704-2012 (ops.official_docx): A4 landscape, the title
"<plan> 责任分工表" in 方正小标宋简体 二号, the table in 仿宋_GB2312 小五 with its two header
rows in 黑体 repeated on every page, a row across the table per section, no row broken
across pages; `— N —` page numbers.

The table is written as one piece of XML, as the meeting pack's are: python-docx's cell by
cell calls cost seconds for a plan of a hundred tasks."""

from __future__ import annotations

import html
import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from ops.official_docx import (
    BODY_FONT,
    HEADING_FONT,
    LANDSCAPE_TEXT_MM,
    PAGE_NUMBER_FONT,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    TITLE_FONT,
    TWIPS_PER_MM,
    a4_page,
    east_asian_font,
    font_fallbacks,
    page_number_field,
    xml_text,
)
from tasks.duty_table.layout import Column, cells, columns, subtitle, title
from tasks.lights import LIGHT_COLOURS

Data = dict[str, Any]
TABLE_SIZE, TABLE_PITCH = 9, 12  # 小五 at a fixed 12 pt line
BORDERS = "".join(
    f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def render_docx(data: Data) -> bytes:
    doc = Document()
    section = doc.sections[0]
    a4_page(section, landscape=True)
    _styles(doc)
    font_fallbacks(doc)
    _footer(section)
    heading = _paragraph(doc, title(data), TITLE_FONT, SIZE_2)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.line_spacing = Pt(36)
    line = _paragraph(doc, subtitle(data), BODY_FONT, SIZE_4)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.space_after = Pt(8)
    doc.element.body._insert_tbl(parse_xml(_table_xml(data)))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    east_asian_font(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)


def _paragraph(doc: Any, text: str, font: str, size: Pt) -> Any:
    p = doc.add_paragraph()
    run = p.add_run(xml_text(text))
    run.font.size = size
    east_asian_font(run._r, font)
    return p


def _footer(section: Any) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in ("— ", None, " —"):
        run = footer.add_run(text or "")
        run.font.size = SIZE_4
        east_asian_font(run._r, PAGE_NUMBER_FONT)
        if text is None:
            page_number_field(run)


def _widths(cols: list[Column]) -> list[int]:
    """Twips per column: each its share, the wide ones taking what a dropped side left."""
    spare = LANDSCAPE_TEXT_MM - sum(c.width_mm for c in cols)
    share = sum(c.width_mm for c in cols if c.wide)
    return [
        round((c.width_mm + (spare * c.width_mm / share if c.wide else 0)) * TWIPS_PER_MM)
        for c in cols
    ]


def _table_xml(data: Data) -> str:
    cols = columns(data)
    twips = _widths(cols)
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in twips),
        "</w:tblGrid>",
        *_header_rows(cols, twips),
    ]
    full = sum(twips)
    for section in data["sections"]:
        # The section's row stays with its first task (w:keepNext).
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.append(
            _cell(section["title"], full, span=len(cols), font=HEADING_FONT, keep=True, shade=True)
        )
        parts.append("</w:tr>")
        for task in section["tasks"]:
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for col, value, width in zip(cols, cells(task, cols), twips, strict=True):
                colour = LIGHT_COLOURS.get(task["light"]) if col.key == "light" else None
                parts.append(_cell(value, width, colour=colour))
            parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _header_rows(cols: list[Column], twips: list[int]) -> list[str]:
    """Two rows marked as the table's header (w:tblHeader: repeated on each page): a side's
    name spans its two columns; a column of its own is merged down both rows."""
    top, bottom = [], []
    j = 0
    while j < len(cols):
        col = cols[j]
        if col.group:
            top.append(_cell(col.group, twips[j] + twips[j + 1], span=2, header=True))
            bottom.append(_cell(col.header, twips[j], header=True))
            bottom.append(_cell(cols[j + 1].header, twips[j + 1], header=True))
            j += 2
        else:
            top.append(_cell(col.header, twips[j], header=True, merge="restart"))
            bottom.append(_cell("", twips[j], header=True, merge="continue"))
            j += 1
    row = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
    return [row, *top, "</w:tr>", row, *bottom, "</w:tr>"]


def _cell(
    value: str,
    width: int,
    *,
    span: int = 1,
    header: bool = False,
    font: str = BODY_FONT,
    colour: str | None = None,
    merge: str | None = None,
    keep: bool = False,
    shade: bool = False,
) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        tcpr += f'<w:gridSpan w:val="{span}"/>'
    if merge:
        tcpr += '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    if header or shade:
        fill = "DCE3EE" if header else "F2F2F2"
        tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    if header:
        tcpr += '<w:vAlign w:val="center"/>'
        font = HEADING_FONT
    ppr = "<w:keepNext/>" if header or keep else ""
    ppr += f'<w:spacing w:line="{TABLE_PITCH * 20}" w:lineRule="exact"/>'
    if header:
        ppr += '<w:jc w:val="center"/>'
    rpr = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
    if colour:
        rpr += f'<w:color w:val="{colour}"/>'
    rpr += f'<w:sz w:val="{TABLE_SIZE * 2}"/><w:szCs w:val="{TABLE_SIZE * 2}"/>'
    text = xml_text(value)
    run = ""
    if text:
        lines = "<w:br/>".join(
            f'<w:t xml:space="preserve">{html.escape(line, quote=False)}</w:t>'
            for line in text.split("\n")
        )
        run = f"<w:r><w:rPr>{rpr}</w:rPr>{lines}</w:r>"
    return (
        f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p><w:pPr>{ppr}<w:rPr>{rpr}</w:rPr></w:pPr>"
        f"{run}</w:p></w:tc>"
    )
