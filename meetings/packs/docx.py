"""The meeting pack as an editable DOCX, laid out after GB/T 9704-2012 (党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title in 方正小标宋简体 二号;
body in 仿宋_GB2312 三号 at a fixed 28 pt line; headings 一、 in 黑体, （一） in 楷体_GB2312;
page numbers `— N —` in 宋体 四号. Where those fonts are missing, the font table names the
usual fallbacks (宋体, 仿宋, 黑体, 楷体) so Word substitutes sensibly. Table header rows repeat
on every page.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from meetings.packs import labels
from meetings.packs.ledger import ledger_summary, ledger_summary_headers, ledger_summary_note
from ops.official_docx import (
    BODY_FONT,
    HEADING_FONT,
    SUBHEADING_FONT,
    TITLE_FONT,
    east_asian_font,
    font_fallbacks,
)

PAGE_NUMBER_FONT = "宋体"
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = Pt(22), Pt(16), Pt(14), Pt(10.5)  # 二号 三号 四号 五号
# 序号 任务 牵头 配合 状态 进展 问题 下一步: 156 mm, the text width of an A4 page here.
TASK_WIDTHS_MM = [9, 25, 16, 27, 13, 24, 21, 21]


def render_docx(data: dict[str, Any]) -> bytes:
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    font_fallbacks(doc)
    _cover(doc, data)
    headings = labels.numbered_headings(data)
    if "agenda" in headings:
        _heading(doc, headings["agenda"])
        for i, item in enumerate(data["meeting"]["agenda"], start=1):
            _body(doc, f"{i}. {item}")
    _heading(doc, headings["overall"])
    _overall(doc, data)
    _heading(doc, headings["tasks"])
    for i, section in enumerate(data["sections"], start=1):
        if section["title"]:
            _subheading(doc, f"{section['label']}{section['title']}")
        else:
            _subheading(doc, f"({labels.numeral(i)}){_('其他任务')}")
        rows = [_task_row(t) for t in section["tasks"]]
        _table(doc, labels.task_headers(), rows, widths=TASK_WIDTHS_MM)
    if "indicators" in headings:
        _heading(doc, headings["indicators"])
        _table(doc, labels.indicator_headers(), [_indicator_row(i) for i in data["indicators"]])
    if "decisions" in headings:
        _heading(doc, headings["decisions"])
        rows = [
            [
                d["text"],
                d["task"],
                "、".join(d["agencies"]),
                d["due_on"],
                labels.decision_outcome(d),
            ]
            for d in data["previous_decisions"]
        ]
        _table(doc, labels.decision_headers(), rows)
    if "cases" in headings:
        _heading(doc, headings["cases"])
        for case in data["typical_cases"]:
            _body(doc, f"{case['task']}({case['agency']},{case['period']}):{case['achievements']}")
    _ledger(doc, data, headings["ledger"])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", PAGE_NUMBER_FONT, SIZE_4)
    _page_field(_run(footer, "", PAGE_NUMBER_FONT, SIZE_4))
    _run(footer, " —", PAGE_NUMBER_FONT, SIZE_4)


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    east_asian_font(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)


def _run(paragraph: Any, text: str, font: str, size: Pt, *, bold: bool = False) -> Any:
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    east_asian_font(run._r, font)
    return run


def _page_field(run: Any) -> None:
    for kind, text in (("begin", None), ("instr", "PAGE"), ("separate", None), ("text", "1")):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _cover(doc: Any, data: dict[str, Any]) -> None:
    for _i in range(3):
        doc.add_paragraph()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    _run(title, labels.pack_title(data), TITLE_FONT, SIZE_2)
    for line in _cover_lines(data):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, line, BODY_FONT, SIZE_3)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _cover_lines(data: dict[str, Any]) -> list[str]:
    plan, meeting = data["plan"], data["meeting"]
    lines = [plan["title"]]
    if plan["doc_number"]:
        lines.append(plan["doc_number"])
    if meeting:
        lines.append(" ".join(x for x in (meeting["held_on"], meeting["place"]) if x))
    lines.append(_("数据截至 %(date)s") % {"date": data["as_of"]})
    return lines


def _heading(doc: Any, text: str) -> None:
    _run(doc.add_paragraph(), text, HEADING_FONT, SIZE_3)


def _subheading(doc: Any, text: str) -> None:
    _run(doc.add_paragraph(), text, SUBHEADING_FONT, SIZE_3)


def _body(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    _run(p, text, BODY_FONT, SIZE_3)


def _overall(doc: Any, data: dict[str, Any]) -> None:
    overall = data["overall"]
    statuses = "、".join(
        f"{labels.status_label(code)}{overall['statuses'][code]}项"
        for code in labels.STATUS_ORDER
        if overall["statuses"].get(code)
    )
    _body(
        doc,
        _(
            "共有重点任务%(total)d项,其中%(statuses)s。红灯%(red)d项、黄灯%(amber)d项、绿灯%(green)d项。"
        )
        % {"total": overall["tasks_total"], "statuses": statuses or "—", **overall["lights"]},
    )
    _body(doc, labels.reports_sentence(overall["reports"]))
    rows = [[labels.status_label(c), overall["statuses"].get(c, 0)] for c in labels.STATUS_ORDER]
    _table(doc, [_("状态"), _("任务数")], rows)


def _task_row(task: dict[str, Any]) -> list[object]:
    co = "、".join(task["co"]) + (_("等") if task["non_exhaustive"] and task["co"] else "")
    status = f"{labels.status_label(task['status'])}({labels.light_label(task['light'])})"
    return [
        task["label"].rstrip("."),
        task["title"],
        "、".join(task["lead"]),
        co,
        status,
        task["progress"],
        task["problems"],
        task["next_steps"],
    ]


def _indicator_row(i: dict[str, Any]) -> list[object]:
    return [
        i["name"],
        i["unit"],
        i["baseline"],
        i["target"],
        i["target_year"],
        i["value"],
        i["year"],
    ]


def _ledger(doc: Any, data: dict[str, Any], heading: str) -> None:
    section = doc.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    section.left_margin, section.right_margin = Mm(37), Mm(35)
    _run(doc.add_paragraph(), heading, HEADING_FONT, SIZE_3)
    _body(doc, ledger_summary_note())
    rows = [
        [
            r["number"],
            r["task"],
            r["agency"],
            r["owed"],
            r["submitted"],
            r["on_time"],
            r["late"],
            r["returned"],
            r["missing"],
            r["latest"],
        ]
        for r in ledger_summary(data["ledger"])
    ]
    _table(doc, ledger_summary_headers(), rows)


def _table(
    doc: Any, headers: list[str], rows: list[list[object]], *, widths: list[int] | None = None
) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True)
    _repeat_header(table.rows[0])
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            if widths:
                cell.width = Mm(widths[index])  # Word reads widths from the cells
            _cell(cell, "" if value is None else str(value))
    doc.add_paragraph()


def _cell(cell: Any, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _run(paragraph, text, HEADING_FONT if bold else BODY_FONT, SIZE_5, bold=False)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
