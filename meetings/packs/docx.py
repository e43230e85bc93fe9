"""The meeting pack as an editable DOCX, laid out as a 会议材料 after GB/T 9704-2012.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title in 方正小标宋简体 二号;
body in 仿宋_GB2312 三号 at a fixed 28 pt line; headings 一、 in 黑体, （一） in 楷体_GB2312;
page numbers `— N —` in 宋体 四号. Where those fonts are missing, the font table names the
usual fallbacks (宋体, 仿宋, 黑体, 楷体) so Word substitutes sensibly.

Order (the contract both renderers follow): cover → agenda → 一、总体进展 →
二、重点任务推进情况 (landscape pages) → 三、红灯事项与督办 → 四、上次会议议定事项落实情况 →
五、年度工作要点 → 六、典型案例 → 七、指标完成情况 → 附件1 责任分工 → 附件2 报送台账汇总
(landscape). A part with nothing to show prints what is missing instead of an empty table.

Tables: the header row repeats on every page, no row breaks across pages, a heading stays
with its table, column widths follow their content and a column empty in every row is left
out. Keys added to the pack data after packs were first frozen are read with `.get()`: an
old frozen pack still renders, with the wording it had.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor

from meetings.packs import labels
from meetings.packs.charts import COLOURS
from meetings.packs.ledger import ledger_summary, ledger_summary_headers, ledger_summary_note
from ops.official_docx import (
    BODY_FONT,
    HEADING_FONT,
    LANDSCAPE_MARGINS_MM,
    LANDSCAPE_TEXT_MM,
    PAGE_NUMBER_FONT,
    PORTRAIT_TEXT_MM,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SUBHEADING_FONT,
    TITLE_FONT,
    TWIPS_PER_MM,
    a4_page,
    east_asian_font,
    font_fallbacks,
    page_number_field,
    xml_text,
)
from tasks.lights import LIGHT_COLOURS

Data = dict[str, Any]
BAR = "■"  # in GB2312: the chart draws in the body font wherever the document is opened
BAR_MAX = 20


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # mm, before columns empty in every row give theirs away
    wide: bool = False  # takes a share of the width an empty column leaves


def render_docx(data: Data) -> bytes:
    doc = Document()
    first = doc.sections[0]
    a4_page(first)
    # The cover carries no page number and is page 0: the first page after it is — 1 —, as
    # in the PDF. Later sections go on counting.
    first.different_first_page_header_footer = True
    _number_from_zero(first)
    _footer(first)
    _styles(doc)
    font_fallbacks(doc)
    missing = _missing_by_part(data)
    _cover(doc, data)
    _agenda(doc, data, missing["agenda"])
    headings = _headings()
    _heading(doc, headings["overall"])
    _overall(doc, data, missing["overall"])
    _tasks(doc, data, headings["tasks"], missing["tasks"])
    _heading(doc, headings["red"])
    _red_items(doc, data, missing["red"])
    _heading(doc, headings["decisions"])
    _decisions(doc, data, missing["decisions"])
    _heading(doc, headings["work_points"])
    _work_points(doc, data, missing["work_points"])
    _heading(doc, headings["cases"])
    _cases(doc, data, missing["cases"])
    _heading(doc, headings["indicators"])
    _indicators(doc, data, missing["indicators"])
    _annex_duties(doc, data)
    _annex_ledger(doc, data)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- page, styles, paragraphs ----------------------------------------------------------------


def _footer(section: Any) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", PAGE_NUMBER_FONT, SIZE_4)
    page_number_field(_run(footer, "", PAGE_NUMBER_FONT, SIZE_4))
    _run(footer, " —", PAGE_NUMBER_FONT, SIZE_4)


def _number_from_zero(section: Any) -> None:
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "0")
    section._sectPr.insert_element_before(numbering, *SECT_PR_AFTER_PG_NUM_TYPE)


SECT_PR_AFTER_PG_NUM_TYPE = (
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip


def _new_section(doc: Any, *, landscape: bool) -> None:
    """A new section starting on a new page, numbered on from the one before (a new section
    copies the cover's, whose "different first page" would leave its first page unnumbered
    and whose numbering restarts at 0)."""
    section = doc.add_section()
    a4_page(section, landscape=landscape)
    section.different_first_page_header_footer = False
    for numbering in section._sectPr.findall(qn("w:pgNumType")):
        section._sectPr.remove(numbering)


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    east_asian_font(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.widow_control = True


def _run(paragraph: Any, text: str, font: str, size: Pt, *, colour: str | None = None) -> Any:
    run = paragraph.add_run(xml_text(text))
    run.font.size = size
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    east_asian_font(run._r, font)
    return run


def _paragraph(
    doc: Any, text: str, font: str, size: Pt = SIZE_3, *, align: Any = None, keep: bool = False
) -> Any:
    p = doc.add_paragraph()
    p.alignment = align
    if keep:
        p.paragraph_format.keep_with_next = True
    _run(p, text, font, size)
    return p


def _outline(paragraph: Any, level: int) -> None:
    """The heading shows in Word's navigation pane at `level` (0 = 一、, 1 = （一）)."""
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level))
    paragraph.paragraph_format.element.get_or_add_pPr().append(outline)


def _heading(doc: Any, text: str) -> None:
    _outline(_paragraph(doc, text, HEADING_FONT, keep=True), 0)


def _subheading(doc: Any, text: str) -> None:
    _outline(_paragraph(doc, text, SUBHEADING_FONT, keep=True), 1)


def _body(doc: Any, text: str) -> None:
    p = _paragraph(doc, text, BODY_FONT)
    p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号


def _page_break(doc: Any) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _date(value: object) -> str:
    """2025-12-01 → 2025年12月1日; anything else as it is."""
    text = "" if value is None else str(value)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not match:
        return text
    y, m, d = (int(x) for x in match.groups())
    return _("%(year)d年%(month)d月%(day)d日") % {"year": y, "month": m, "day": d}


# --- headings and the missing notes ----------------------------------------------------------


def _headings() -> dict[str, str]:
    names = {
        "overall": _("总体进展"),
        "tasks": _("重点任务推进情况"),
        "red": _("红灯事项与督办"),
        "decisions": _("上次会议议定事项落实情况"),
        "work_points": _("年度工作要点"),
        "cases": _("典型案例"),
        "indicators": _("指标完成情况"),
    }
    return {key: f"{labels.numeral(i)}、{name}" for i, (key, name) in enumerate(names.items(), 1)}


# Which part a note of data["missing"] belongs to, by the words it uses, for data that has
# the notes without their parts; a note no part claims is printed under 总体进展, none lost.
MISSING_WORDS = {
    "agenda": ("议程",),
    "decisions": ("议定", "上次会议"),
    "red": ("红灯", "督办"),
    "work_points": ("工作要点",),
    "cases": ("典型案例",),
    "indicators": ("指标",),
    "tasks": ("任务", "进展报告"),
}


def _missing_by_part(data: Data) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {key: [] for key in (*MISSING_WORDS, "overall")}
    by_part = data.get("missing_parts")
    if isinstance(by_part, dict):
        for key, notes in by_part.items():
            parts.setdefault(key if key in parts else "overall", []).extend(map(str, notes))
        return parts
    for note in data.get("missing") or []:
        part = next(
            (key for key, words in MISSING_WORDS.items() if any(w in note for w in words)),
            "overall",
        )
        parts[part].append(str(note))
    return parts


def _notes_or(doc: Any, notes: list[str], fallback: str) -> None:
    for note in notes or [fallback]:
        _body(doc, note)


# --- cover and agenda --------------------------------------------------------------------------


def _cover(doc: Any, data: Data) -> None:
    plan, meeting = data["plan"], data["meeting"]
    cover = data.get("cover") or {
        "title": labels.pack_title(data),
        "plan_title": plan["title"],
        "doc_number": plan["doc_number"],
        "held_on": meeting["held_on"] if meeting else "",
        "place": meeting["place"] if meeting else "",
        "as_of": data["as_of"],
    }
    for _i in range(4):
        doc.add_paragraph()
    title = _paragraph(doc, cover.get("title") or "", TITLE_FONT, SIZE_2)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing = Pt(36)
    doc.add_paragraph()
    lines = [cover.get("plan_title") or "", cover.get("doc_number") or ""]
    for line in filter(None, lines):
        _paragraph(doc, line, BODY_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _i in range(6):
        doc.add_paragraph()
    when_where = "　".join(x for x in (_date(cover.get("held_on")), cover.get("place")) if x)
    as_of = _("数据截至%(date)s") % {"date": _date(cover.get("as_of") or data["as_of"])}
    for line in filter(None, [when_where, as_of]):
        _paragraph(doc, line, BODY_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _page_break(doc)


def _agenda(doc: Any, data: Data, notes: list[str]) -> None:
    meeting = data["meeting"]
    if not meeting:
        return
    p = _paragraph(doc, _("会议议程"), TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.line_spacing = Pt(36)
    doc.add_paragraph()
    for i, item in enumerate(meeting["agenda"], start=1):
        _body(doc, f"{labels.numeral(i)}、{item}")
    if not meeting["agenda"]:
        _notes_or(doc, notes, _("会议议程未填写"))
    _page_break(doc)


# --- 一、总体进展 ------------------------------------------------------------------------------


def _overall(doc: Any, data: Data, notes: list[str]) -> None:
    overall = data["overall"]
    # The one wording both formats print: stored with the data, or worded by labels alike.
    _body(doc, labels.overall_sentence(data))
    _body(doc, labels.reports_sentence(overall["reports"]))
    for note in notes:
        _body(doc, note)
    statuses, lights = overall["statuses"], overall["lights"]
    counts = [(labels.status_label(c), statuses.get(c, 0), COLOURS[c]) for c in labels.STATUS_ORDER]
    counts += [(labels.light_label(c), lights.get(c, 0), LIGHT_COLOURS[c]) for c in LIGHT_COLOURS]
    peak = max((count for _label, count, _colour in counts), default=0) or 1
    rows: list[list[object]] = [
        [label, count, (BAR * round(count * BAR_MAX / peak), colour.lstrip("#"))]
        for label, count, colour in counts
    ]
    columns = [Column(_("状态"), 30), Column(_("任务数"), 20), Column(_("图示"), 106)]
    _table(doc, columns, rows, drop_empty=False)
    reports = {"returned": 0, **overall["reports"]}
    figures = [
        (_("应报"), "expected"),
        (_("已报"), "submitted"),
        (_("按时"), "on_time"),
        (_("逾期"), "late"),
        (_("退回待改"), "returned"),
        (_("缺报"), "missing"),
    ]
    width = PORTRAIT_TEXT_MM / len(figures)
    _table(
        doc,
        [Column(name, width) for name, _key in figures],
        [[reports.get(key, 0) for _name, key in figures]],
        drop_empty=False,
    )


# --- 二、重点任务推进情况 (landscape) -------------------------------------------------------------


def task_columns() -> list[Column]:
    """237 mm, the text width of a landscape page: 序号 and 状态 narrow, the agencies' one-line
    summaries medium, the task and the three texts quoted from the reports wide (the shares
    the PDF gives them, so both formats run to about as many pages)."""
    headers = labels.task_headers()
    widths = [(8, False), (30, True), (22, True), (29, True), (13, False)]
    widths += [(54, True), (40.5, True), (40.5, True)]
    return [Column(h, w, wide) for h, (w, wide) in zip(headers, widths, strict=True)]


def _status(task: Data) -> tuple[str, str | None]:
    text = f"{labels.status_label(task['status'])}\n({labels.light_label(task['light'])})"
    return text, LIGHT_COLOURS.get(task["light"])


def task_row(task: Data) -> list[object]:
    lead = task.get("lead_summary") or "、".join(task["lead"])
    co = task.get("co_summary")
    if co is None:
        co = "、".join(task["co"]) + (_("等") if task["non_exhaustive"] and task["co"] else "")
    return [
        task["label"].rstrip("."),
        task["title"],
        lead.replace("；", "；\n"),
        co.replace("；", "；\n"),
        _status(task),
        task["progress"],
        task["problems"],
        task["next_steps"],
    ]


def _tasks(doc: Any, data: Data, heading: str, notes: list[str]) -> None:
    _new_section(doc, landscape=True)
    _heading(doc, heading)
    for note in notes:
        _body(doc, note)
    columns = task_columns()
    for i, section in enumerate(data["sections"], start=1):
        if section["title"]:
            _subheading(doc, f"{section['label']}{section['title']}")
        else:
            _subheading(doc, f"({labels.numeral(i)}){_('其他任务')}")
        rows = [task_row(t) for t in section["tasks"]]
        _table(doc, columns, rows, text_mm=LANDSCAPE_TEXT_MM, small=True)
    if not data["sections"]:
        _body(doc, _("本方案尚无重点任务。"))
    _new_section(doc, landscape=False)


# --- 三 to 七 ---------------------------------------------------------------------------------


def _red_items(doc: Any, data: Data, notes: list[str]) -> None:
    items = data.get("red_items")
    if items is None:  # a pack frozen before: its red tasks, without their notices
        items = [
            {
                "task": f"{t['label']}{t['title']}",
                "lead_summary": "、".join(t["lead"]),
                "status": t["status"],
                "due_on": None,
                "notices": [],
            }
            for s in data["sections"]
            for t in s["tasks"]
            if t["light"] == "red"
        ]
    if not items:
        _notes_or(doc, notes, _("本期无红灯事项。"))
        return
    for note in notes:
        _body(doc, note)
    columns = [
        Column(_("序号"), 10),
        Column(_("任务"), 46, wide=True),
        Column(_("牵头单位"), 28),
        Column(_("状态"), 16),
        Column(_("完成时限"), 20),
        Column(_("督办情况"), 36, wide=True),
    ]
    rows = [
        [
            i,
            item["task"],
            (item.get("lead_summary") or "").replace("；", "；\n"),
            (labels.status_label(item["status"]), LIGHT_COLOURS["red"]),
            _date(item.get("due_on")),
            "\n".join(_notice(n) for n in item.get("notices") or []) or _("未督办"),
        ]
        for i, item in enumerate(items, start=1)
    ]
    _table(doc, columns, rows)


def _notice(notice: Data) -> str:
    return _("%(number)s(%(level)s,%(issued)s交办,%(due)s前反馈,%(state)s)") % {
        "number": notice.get("number", ""),
        "level": notice.get("level", ""),
        "issued": _date(notice.get("issued_on")),
        "due": _date(notice.get("due_on")),
        "state": notice.get("state", ""),
    }


def _decisions(doc: Any, data: Data, notes: list[str]) -> None:
    decisions = data["previous_decisions"]
    if not decisions:
        _notes_or(doc, notes, _("无上次会议议定事项。"))
        return
    columns = [
        Column(_("议定事项"), 40, wide=True),
        Column(_("任务"), 36, wide=True),
        Column(_("责任单位"), 30),
        Column(_("完成时限"), 20),
        Column(_("落实情况"), 30, wide=True),
    ]
    rows = [
        [
            d["text"],
            d["task"],
            "、".join(d["agencies"]),
            _date(d["due_on"]),
            labels.decision_outcome(d),
        ]
        for d in decisions
    ]
    _table(doc, columns, rows)


def _work_points(doc: Any, data: Data, notes: list[str]) -> None:
    points = data.get("work_points") or []
    if not points:
        _notes_or(doc, notes, _("本年度尚无工作要点。"))
        return
    columns = [
        Column(_("序号"), 10),
        Column(_("工作要点"), 50, wide=True),
        Column(_("所属任务"), 34, wide=True),
        Column(_("责任单位"), 28),
        Column(_("完成时限"), 20),
        Column(_("状态"), 14),
    ]
    rows = [
        [
            i,
            p.get("title", ""),
            p.get("task", ""),
            "、".join(p.get("agencies") or []),
            _date(p.get("due_on")),
            labels.status_label(p["status"]) if p.get("status") else "",
        ]
        for i, p in enumerate(points, start=1)
    ]
    _table(doc, columns, rows)


def _cases(doc: Any, data: Data, notes: list[str]) -> None:
    cases = data["typical_cases"]
    if not cases:
        _notes_or(doc, notes, _("本年度暂无典型案例。"))
        return
    for i, case in enumerate(cases, start=1):
        _subheading(doc, f"({labels.numeral(i)}){case['task']}")
        _body(doc, f"{case['agency']}({case['period']}):{case['achievements']}")


def _indicators(doc: Any, data: Data, notes: list[str]) -> None:
    indicators = data["indicators"]
    if not indicators:
        _notes_or(doc, notes, _("本方案尚未设置监测指标。"))
        return
    widths = [46, 14, 18, 18, 18, 24, 18]
    columns = [
        Column(h, w, wide=(j == 0))
        for j, (h, w) in enumerate(zip(labels.indicator_headers(), widths, strict=True))
    ]
    keys = ("name", "unit", "baseline", "target", "target_year", "value", "year")
    _table(doc, columns, [[i[k] for k in keys] for i in indicators])


# --- annexes -------------------------------------------------------------------------------


def _annex_title(doc: Any, number: int, title: str) -> None:
    label = _paragraph(doc, _("附件%(n)d") % {"n": number}, HEADING_FONT, keep=True)
    _outline(label, 0)
    p = _paragraph(doc, title, TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True)
    p.paragraph_format.line_spacing = Pt(36)
    p.paragraph_format.space_after = Pt(14)


def _annex_duties(doc: Any, data: Data) -> None:
    """附件1: every task's agencies in full, one row per side, on landscape pages (the
    co agencies of a task run to twenty names)."""
    _new_section(doc, landscape=True)
    _annex_title(doc, 1, _("重点任务责任分工"))
    annex = data.get("annex")
    if annex is None:  # a pack frozen before: the agencies as it had them, sides unknown
        annex = [
            {"label": t["label"], "title": t["title"], "sides": [{"side": "", **t}]}
            for s in data["sections"]
            for t in s["tasks"]
        ]
    columns = [
        Column(_("序号"), 8),
        Column(_("任务"), 60, wide=True),
        Column(_("方面"), 26),
        Column(_("牵头单位"), 45, wide=True),
        Column(_("配合单位"), 98, wide=True),
    ]
    rows: list[list[object]] = []
    spans: list[int] = []
    for entry in annex:
        sides = [s for s in entry.get("sides") or [] if s.get("lead") or s.get("co")]
        if not sides:
            rows.append([entry["label"].rstrip("."), entry["title"], "", _("未明确"), ""])
            spans.append(1)
            continue
        for k, side in enumerate(sides):
            first = k == 0
            rows.append(
                [
                    entry["label"].rstrip(".") if first else "",
                    entry["title"] if first else "",
                    side.get("side", ""),
                    "、".join(side.get("lead") or []),
                    "、".join(side.get("co") or []),
                ]
            )
        spans.append(len(sides))
    _table(doc, columns, rows, text_mm=LANDSCAPE_TEXT_MM, spans=spans, merged=(0, 1))


def _annex_ledger(doc: Any, data: Data) -> None:
    """附件2: the reporting ledger summed per task × agency, on landscape pages."""
    _page_break(doc)
    _annex_title(doc, 2, _("报送台账汇总"))
    _body(doc, ledger_summary_note())
    widths = [8, 62, 48, 13, 13, 13, 13, 13, 13, 41]
    columns = [
        Column(h, w, wide=j in (1, 2, 9))
        for j, (h, w) in enumerate(zip(ledger_summary_headers(), widths, strict=True))
    ]
    keys = ("number", "task", "agency", "owed", "submitted", "on_time", "late", "returned")
    rows = [
        [r[k] for k in keys] + [r["missing"], r["latest"]] for r in ledger_summary(data["ledger"])
    ]
    if not rows:
        _body(doc, _("尚无应报的进展报告。"))
        return
    _table(doc, columns, rows, text_mm=LANDSCAPE_TEXT_MM, drop_empty=False)


# --- tables --------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    if isinstance(value, tuple):
        value = value[0]
    return value is None or str(value).strip() == ""


def fit_columns(
    columns: list[Column], rows: list[list[object]], *, text_mm: float = PORTRAIT_TEXT_MM
) -> tuple[list[int], list[float]]:
    """The indexes of the columns worth printing and their widths in mm: a column empty in
    every row is left out and its width shared among the wide columns kept."""
    kept = [j for j in range(len(columns)) if any(not _blank(row[j]) for row in rows)]
    if not kept:
        kept = list(range(len(columns)))
    wide = [j for j in kept if columns[j].wide] or kept
    spare = text_mm - sum(columns[j].width for j in kept)
    share = sum(columns[j].width for j in wide)
    widths = [
        columns[j].width + (spare * columns[j].width / share if j in wide else 0) for j in kept
    ]
    return kept, widths


def _table(
    doc: Any,
    columns: list[Column],
    rows: list[list[object]],
    *,
    text_mm: float = PORTRAIT_TEXT_MM,
    drop_empty: bool = True,
    spans: Sequence[int] = (),
    merged: Sequence[int] = (),
    small: bool = False,
) -> None:
    """A table of `rows` under `columns`; a cell is text, or (text, colour); in 五号, or in
    小五 when `small` (the task tables, as the PDF sets them). Its header row
    repeats on every page and stays with the first row; no row breaks across pages. `spans`
    groups consecutive rows whose `merged` columns are one cell (vertically merged), kept on
    one page where they fit.

    Written as one piece of XML: python-docx's cell by cell calls took seconds for the
    ledger's few thousand cells, this takes milliseconds."""
    if drop_empty and rows:
        kept, widths = fit_columns(columns, rows, text_mm=text_mm)
    else:
        kept = list(range(len(columns)))
        widths = [c.width * text_mm / sum(c.width for c in columns) for c in columns]
    twips = [round(w * TWIPS_PER_MM) for w in widths]
    continued = _continued_rows(spans)
    size = SMALL if small else NORMAL
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{TABLE_BORDERS}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in twips),
        "</w:tblGrid>",
        # The header: repeated on each page, kept with the first row (w:keepNext).
        "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
        *(
            _cell_xml(columns[j].header, w, size=size, font=HEADING_FONT, header=True)
            for j, w in zip(kept, twips, strict=True)
        ),
        "</w:tr>",
    ]
    height_mm = (
        LANDSCAPE_TEXT_HEIGHT_MM if text_mm == LANDSCAPE_TEXT_MM else PORTRAIT_TEXT_HEIGHT_MM
    )
    page_lines = int(height_mm / MM_PER_PT / size.pitch) - 3  # under the header
    for index, values in enumerate(rows):
        # A row taller than a page cannot stay whole: marked so, Word would still break it,
        # after first pushing it to a page of its own.
        whole = _row_lines([values[j] for j in kept], widths, size) <= page_lines
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" if whole else "<w:tr>")
        keep = index in continued and continued.get(index + 1, False)
        for j, w in zip(kept, twips, strict=True):
            merge = None
            if j in merged and index in continued:
                merge = "continue" if continued[index] else "restart"
            value = values[j]
            text, colour = value if isinstance(value, tuple) else (value, None)
            parts.append(
                _cell_xml(text, w, size=size, font=BODY_FONT, colour=colour, merge=merge, keep=keep)
            )
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    doc.element.body._insert_tbl(parse_xml("".join(parts)))
    doc.add_paragraph()


MM_PER_PT = 25.4 / 72
PORTRAIT_TEXT_HEIGHT_MM = 297 - 37 - 35
LANDSCAPE_TEXT_HEIGHT_MM = 210 - LANDSCAPE_MARGINS_MM[0] - LANDSCAPE_MARGINS_MM[1]


@dataclass(frozen=True)
class Type:
    """Table type: its size and its fixed line pitch in points (the same on every machine,
    whatever font stands in for 仿宋_GB2312, and as tall as the PDF's lines)."""

    size: float
    pitch: float


NORMAL = Type(10.5, 13.5)  # 五号
SMALL = Type(9, 12)  # 小五


def _row_lines(values: list[object], widths: list[float], size: Type) -> int:
    """A rough height of a row in lines: its tallest cell (a CJK character is 1 em wide;
    the cell's padding takes about one more)."""
    tallest = 0
    for value, width in zip(values, widths, strict=True):
        text = str(value[0] if isinstance(value, tuple) else value or "")
        per_line = max(1, int(width / (size.size * MM_PER_PT)) - 1)
        tallest = max(tallest, sum(1 + len(line) // per_line for line in text.split("\n")))
    return tallest


TABLE_BORDERS = "".join(
    f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _continued_rows(spans: Sequence[int]) -> dict[int, bool]:
    """Row index → whether it continues the merged cells above (True) or starts them (False),
    for the rows of groups longer than one."""
    rows: dict[int, bool] = {}
    start = 0
    for span in spans:
        if span > 1:
            rows.update({start + k: k > 0 for k in range(span)})
        start += span
    return rows


def _cell_xml(
    value: object,
    width: int,
    *,
    size: Type,
    font: str,
    header: bool = False,
    colour: str | None = None,
    merge: str | None = None,
    keep: bool = False,
) -> str:
    text = xml_text(value)
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if merge:
        tcpr += '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    # A header stays with the first row; a row of a merged group with the group's next row
    # (Word keeps the rows of one task on one page when they fit).
    ppr = "<w:keepNext/>" if header or keep else ""
    # Table lines at a fixed pitch (the body's 28 pt is for prose); twentieths of a point.
    ppr += f'<w:spacing w:line="{round(size.pitch * 20)}" w:lineRule="exact"/>'
    if header:
        ppr += '<w:jc w:val="center"/>'
    rpr = f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
    if colour:
        rpr += f'<w:color w:val="{colour}"/>'
    half_points = round(size.size * 2)
    rpr += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
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
