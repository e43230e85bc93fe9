"""The DOCX meeting pack opened with python-docx, checked for what a reader of the printed
会议材料 notices: the official page and fonts, page numbers, the parts in order, the task
tables on landscape pages with their header repeated and no row split, columns that fit
their content, the same 总体进展 sentence as the PDF, and bad input that still builds."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from dashboards.rollups import plan_rollup_rows
from meetings.models import Committee, Meeting
from meetings.packs import labels
from meetings.packs.content import pack_content_gather
from meetings.packs.docx import render_docx
from meetings.packs.pdf import render_pdf
from reports.models import ReportState
from tasks.models import ResponsibilityRole, Status, Task
from tests.factories import AgencyFactory, ResponsibilityFactory, SectionFactory, TaskFactory

TODAY = timezone.localdate()
PARTS = [
    "一、总体进展",
    "二、重点任务推进情况",
    "三、红灯事项与督办",
    "四、上次会议议定事项落实情况",
    "五、年度工作要点",
    "六、典型案例",
    "七、指标完成情况",
    "附件1",
    "附件2",
]


def _gather(plan: Any, meeting: Meeting | None = None) -> dict[str, Any]:
    rows = plan_rollup_rows(plan=plan, as_of=TODAY)
    data = pack_content_gather(plan=plan, as_of=TODAY, rows=rows, meeting=meeting)
    return json.loads(json.dumps(data))  # as a frozen meeting stores it


def _open(data: dict[str, Any]) -> Any:
    return Document(io.BytesIO(render_docx(data)))


def _text(doc: Any) -> str:
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _headers(table: Any) -> list[str]:
    return [c.text for c in table.rows[0].cells]


def _task_tables(doc: Any) -> list[Any]:
    return [t for t in doc.tables if {"任务", "配合单位", "状态"} <= set(_headers(t))]


def _section_of(doc: Any, table: Any) -> Any:
    """The section a body-level table is in: a paragraph holding w:sectPr ends a section."""
    index = 0
    for child in doc.element.body.iterchildren():
        if child is table._tbl:
            return doc.sections[index]
        if child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            index += 1
    raise AssertionError("table not in the body")


def _fonts(run_or_style: Any) -> dict[str, str | None]:
    element = run_or_style._r if hasattr(run_or_style, "_r") else run_or_style.element
    fonts = element.rPr.find(qn("w:rFonts"))
    return {attr: fonts.get(qn(f"w:{attr}")) for attr in ("ascii", "eastAsia")}


def _run_of(doc: Any, text: str) -> Any:
    return next(r for p in doc.paragraphs for r in p.runs if r.text == text)


@pytest.fixture
def meeting(world) -> Meeting:
    plan = world.plan_a
    section = SectionFactory(plan=plan, label="（一）", title="共同打造知识产权保护高地")
    Task.objects.filter(plan=plan).update(section=section)
    Task.objects.filter(pk=world.a1.pk).update(status=Status.BEHIND)
    report = world.report_a1_office
    report.period.__class__.objects.filter(pk=report.period_id).update(
        ends_on=dt.date(TODAY.year, 6, 30)
    )
    report.__class__.objects.filter(pk=report.pk).update(
        state=ReportState.ACCEPTED, progress="建成保护中心", problems="", next_steps="扩大受理范围"
    )
    committee = Committee.objects.create(plan=plan, name="海南省知识产权强省建设委员会")
    return Meeting.objects.create(
        committee=committee,
        title="2025年度工作会议",
        held_on=TODAY,
        place="海口",
        agenda="听取年度工作汇报\n审议年度工作要点",
    )


def test_the_pack_reads_as_an_official_document(world, meeting) -> None:
    data = _gather(world.plan_a, meeting)
    doc = _open(data)
    first = doc.sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (first.top_margin, first.bottom_margin)] == [37, 35]
    assert [round(m.mm) for m in (first.left_margin, first.right_margin)] == [28, 26]
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16 and normal.paragraph_format.line_spacing.pt == 28
    assert _fonts(normal)["eastAsia"] == "仿宋_GB2312"
    title = _run_of(doc, "2025年度工作会议")
    assert title.font.size.pt == 22
    assert _fonts(title) == {"ascii": "方正小标宋简体", "eastAsia": "方正小标宋简体"}
    assert _fonts(_run_of(doc, "一、总体进展"))["eastAsia"] == "黑体"
    assert _fonts(_run_of(doc, "（一）共同打造知识产权保护高地"))["eastAsia"] == "楷体_GB2312"
    footer = first.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in "".join(footer._p.itertext())
    # The cover is page 0, unnumbered; the numbers run on through every later section.
    assert first.different_first_page_header_footer
    assert first._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "0"
    for later in doc.sections[1:]:
        assert not later.different_first_page_header_footer
        assert later._sectPr.find(qn("w:pgNumType")) is None
    # Cover, then the agenda, then the parts in the contract's order.
    text = _text(doc)
    positions = [text.index(part) for part in ["2025年度工作会议", "会议议程", *PARTS]]
    assert positions == sorted(positions)
    for task in (world.a1, world.a2):
        assert task.title in text


def test_the_task_tables_are_landscape_with_a_repeated_header_and_whole_rows(
    world, meeting
) -> None:
    doc = _open(_gather(world.plan_a, meeting))
    [table] = _task_tables(doc)
    section = _section_of(doc, table)
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    header, *rows = table.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    assert [r.cells[1].text for r in rows] == [world.a1.title, world.a2.title]
    # The part after the tables is on portrait pages again.
    assert doc.sections[2].orientation == WD_ORIENT.PORTRAIT
    assert doc.sections[2].page_width < doc.sections[2].page_height
    # The section heading stays with its table.
    heading = next(p for p in doc.paragraphs if p.text == "（一）共同打造知识产权保护高地")
    assert heading.paragraph_format.keep_with_next


def test_columns_fit_their_content_and_an_empty_one_is_left_out(world, meeting) -> None:
    doc = _open(_gather(world.plan_a, meeting))
    [table] = _task_tables(doc)
    headers = _headers(table)
    assert "本年度进展" in headers and "下一步计划" in headers
    assert "存在问题" not in headers  # nobody wrote a problem: no empty wide column
    widths = {h: c.width.mm for h, c in zip(headers, table.rows[0].cells, strict=True)}
    assert widths["序号"] < 12 < widths["状态"] < widths["牵头单位"] < widths["任务"]
    assert widths["本年度进展"] > widths["配合单位"]
    assert round(sum(widths.values())) == 237  # the landscape text width, all of it
    a1 = next(r for r in table.rows if r.cells[1].text == world.a1.title)
    cells = dict(zip(headers, (c.text for c in a1.cells), strict=True))
    assert "知识产权局" in cells["牵头单位"] and "商务厅" not in cells["牵头单位"]
    assert "建成保护中心" in cells["本年度进展"] and "滞后" in cells["状态"]


def test_both_formats_print_the_same_overall_sentence(world, meeting) -> None:
    data = _gather(world.plan_a, meeting)
    text = _text(_open(data))
    sentences = [labels.overall_sentence(data), labels.reports_sentence(data["overall"]["reports"])]
    assert all(sentence in text for sentence in sentences)
    # The PDF wraps lines anywhere: compared without white space.
    pdf = PdfReader(io.BytesIO(render_pdf(data)))
    pdf_text = "".join("".join(page.extract_text().split()) for page in pdf.pages)
    assert all("".join(sentence.split()) in pdf_text for sentence in sentences)
    frozen_before = {k: v for k, v in data.items() if k != "overall_sentence"}
    assert labels.overall_sentence(frozen_before) in _text(_open(frozen_before))


def test_bad_input_still_builds_and_says_what_is_missing(world) -> None:
    """No accepted report, a task without agencies, a 300-character title, an agency name
    outside GB2312, a stray control character, no meeting: the pack builds."""
    plan = world.plan_a
    long_title = "长" * 299 + "\x0b"
    TaskFactory(plan=plan, number=3, label="3.", title=long_title)
    rare = AgencyFactory(name="海南省堃昇𠀾研究中心", region=world.hainan_office.region)
    ResponsibilityFactory(task=world.a2, agency=rare, role=ResponsibilityRole.CO, order=1)
    data = _gather(plan)
    doc = _open(data)
    text = _text(doc)
    assert "长" * 299 in text and "堃昇𠀾" in text
    for note in data["missing"]:
        assert note in text
    [table] = _task_tables(doc)
    assert "本年度进展" not in _headers(table)  # no report: no empty text columns
    assert "任务3.未明确责任单位" in text


def test_a_pack_frozen_before_the_new_keys_still_builds(world, meeting) -> None:
    data = _gather(world.plan_a, meeting)
    old = copy.deepcopy(data)
    for key in ("overall_sentence", "red_items", "work_points", "annex", "missing", "cover"):
        old.pop(key, None)
    old.pop("missing_parts", None)
    for section in old["sections"]:
        for task in section["tasks"]:
            for key in ("sides", "lead_summary", "co_summary", "due_on"):
                task.pop(key, None)
    text = _text(_open(old))
    assert world.a1.title in text and "三、红灯事项与督办" in text
    assert "附件1" in text and "海南省商务厅" in text  # the annex from the flat lists


def test_a_30_task_pack_holds_every_task() -> None:
    """The bench's size (its time is bench/packs.py's to measure): 30 tasks of 8 agencies, a
    ledger of five years of quarters."""
    data = _synthetic(tasks=30, agencies=8, periods=20)
    doc = Document(io.BytesIO(render_docx(data)))
    assert all(f"任务{n}" in _text(doc) for n in range(1, 31))


def _synthetic(*, tasks: int, agencies: int, periods: int) -> dict[str, Any]:
    names = [f"单位{k}" for k in range(agencies)]
    excerpt = "围绕知识产权强省建设目标制定年度工作方案并分解任务召开专题推进会"
    task_list = [
        {
            "number": n,
            "label": f"{n}.",
            "title": f"任务{n}加强知识产权保护体系建设",
            "lead": names[:1],
            "co": names[1:],
            "non_exhaustive": False,
            "status": "on_track",
            "light": "green",
            **{f: "\n".join(f"{a}:{excerpt}" for a in names) for f in ("progress", "problems")},
            "next_steps": "\n".join(f"{a}:{excerpt}" for a in names),
        }
        for n in range(1, tasks + 1)
    ]
    ledger = [
        {
            "task": f"{t['label']}{t['title']}",
            "number": t["number"],
            "agency": a,
            "period": f"第{p}期",
            "due_on": "2025-01-15",
            "state": "accepted",
            "submitted_on": "2025-01-10",
            "on_time": True,
            "late": False,
            "returned": False,
            "missing": False,
        }
        for p in range(periods)
        for t in task_list
        for a in names
    ]
    statuses = dict.fromkeys(labels.STATUS_ORDER, 0) | {"on_track": tasks}
    return {
        "as_of": "2025-12-01",
        "plan": {
            "code": "P",
            "title": "测试方案",
            "doc_number": "",
            "region": "测试省",
            "lead_agency": "测试省知识产权局",
        },
        "meeting": None,
        "overall": {
            "tasks_total": tasks,
            "statuses": statuses,
            "lights": {"red": 0, "amber": 0, "green": tasks},
            "reports": {"expected": 1, "submitted": 1, "on_time": 1, "late": 0, "missing": 0},
        },
        "sections": [{"label": "", "title": "", "tasks": task_list}],
        "indicators": [],
        "previous_decisions": [],
        "typical_cases": [],
        "ledger": ledger,
    }
