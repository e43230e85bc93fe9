"""A plan whose tasks are a Word table imports as the same plan as its running text: in any
column order, with section rows merged across the table or not, with one responsibility column
per side or one for both, with a header of one row or two."""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
import pytest

from plans.importer.decode import decode_document
from plans.importer.model import ParsedPlan
from plans.importer.parse import parse_plan

REGION = "贵州省"
TITLE = "贵州省人民政府 国家知识产权局共建知识产权强省实施方案"

# (section title, [(number, task title, content, NIPA's part, the province's part)])
SECTIONS = [
    (
        "强化知识产权保护",
        [
            (
                1,
                "建设保护中心",
                "加快建设知识产权保护中心。",
                "国家知识产权局保护司牵头，公共服务司配合",
                "省知识产权局牵头，省公安厅、省高级人民法院等按职责分工负责",
            ),
            (2, "加强行政执法", "开展专项行动。", "保护司负责", "省市场监管局负责"),
        ],
    ),
    (
        "促进知识产权运用",
        [
            (
                3,
                "推动专利转化",
                "实施专利转化专项计划，推动高校专利转化。",
                "运用促进司负责",
                "省知识产权局、省科技厅牵头，省教育厅配合",
            ),
            (
                4,
                "发展服务业",
                "培育服务机构。",
                "公共服务司负责",
                "省知识产权局牵头，各市县政府按职责分工负责",
            ),
        ],
    ),
    (
        "优化知识产权服务",
        [(5, "建设信息平台", "建设公共服务平台。", "公共服务司", "省知识产权局")],
    ),
]
PREAMBLE = [TITLE, "一、总体要求", "坚持创新驱动，全面提升知识产权治理能力。", "二、共建任务"]
CLOSING = [
    "三、保障措施",
    "(一)加强组织领导。成立委员会。",
    "(二)强化经费保障。安排专项经费。",
    "贵州省人民政府　国家知识产权局",
    "2023年3月1日",
]


def running_text() -> str:
    lines = list(PREAMBLE)
    for index, (section, tasks) in enumerate(SECTIONS, start=1):
        lines.append(f"({'一二三'[index - 1]}){section}")
        for number, title, content, nipa, local in tasks:
            lines.append(f"{number}.{title}。{content}({nipa}；{local})")
    return "\n".join(lines + CLOSING)


@dataclass(frozen=True)
class Layout:
    headers: tuple[str, ...]  # in table order; the first of each kind names the column
    section_row: str  # "merged" | "first" (only the first cell) | "number" (一 | title)
    two_row_header: bool = False


def _value(header: str, section: int, task: tuple) -> str:
    number, title, content, nipa, local = task
    if header == "序号":
        return str(number)
    if header == "重点任务":
        return title
    if header == "主要内容":
        return content
    if header.startswith("国家知识产权局"):
        return nipa
    if header == "责任单位":  # one column for both sides
        return f"{nipa}；{local}"
    return local


def _section_cells(layout: Layout, index: int, title: str) -> list[str] | None:
    """The cells of a section row; None when the row is merged across (set separately)."""
    width = len(layout.headers)
    if layout.section_row == "first":
        return [f"（{'一二三'[index]}）{title}"] + [""] * (width - 1)
    cells = [""] * width
    cells[layout.headers.index("序号")] = "一二三"[index]
    cells[layout.headers.index("重点任务")] = title
    return cells


def table_docx(layout: Layout) -> bytes:
    document = docx.Document()
    for line in PREAMBLE:
        document.add_paragraph(line)
    width = len(layout.headers)
    rows = 1 + layout.two_row_header + sum(1 + len(tasks) for _, tasks in SECTIONS)
    table = document.add_table(rows=rows, cols=width)
    if layout.two_row_header:
        units = [i for i, h in enumerate(layout.headers) if h.endswith("责任单位")]
        for column in range(width):
            if column not in units:
                table.cell(0, column).merge(table.cell(1, column)).text = layout.headers[column]
        table.cell(0, units[0]).merge(table.cell(0, units[-1])).text = "责任单位"
        for column in units:
            table.cell(1, column).text = layout.headers[column].removesuffix("责任单位")
    else:
        for column, header in enumerate(layout.headers):
            table.cell(0, column).text = header
    row = 1 + layout.two_row_header
    for index, (section, tasks) in enumerate(SECTIONS):
        cells = _section_cells(layout, index, section)
        if layout.section_row == "merged":
            merged = table.cell(row, 0).merge(table.cell(row, width - 1))
            merged.text = f"（{'一二三'[index]}）{section}"
        else:
            for column, value in enumerate(cells or []):
                table.cell(row, column).text = value
        row += 1
        for task in tasks:
            for column, header in enumerate(layout.headers):
                table.cell(row, column).text = _value(header, index, task)
            row += 1
    for line in CLOSING:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def shape(plan: ParsedPlan) -> dict:
    return {
        "sections": [(s.label, s.title, s.parent, s.kind) for s in plan.sections],
        "tasks": [
            (t.number, t.label, t.section, t.title, t.text, t.non_exhaustive) for t in plan.tasks
        ],
        "responsibilities": [
            [(r.written, r.name, r.side, r.role, r.collective) for r in t.responsibilities]
            for t in plan.tasks
        ],
        "measures": [(g.label, g.title, g.body) for g in plan.guarantee_measures],
        "warnings": plan.warnings,
    }


SIDES = ("国家知识产权局责任单位", "省级责任单位")
LAYOUTS = [
    Layout(("序号", "重点任务", "主要内容", *SIDES), "merged"),
    Layout(("序号", "重点任务", "主要内容", *SIDES), "first"),
    Layout(("序号", "重点任务", "主要内容", *SIDES), "number"),
    Layout(("省级责任单位", "主要内容", "国家知识产权局责任单位", "重点任务", "序号"), "merged"),
    Layout(("主要内容", "序号", "省级责任单位", "重点任务", "国家知识产权局责任单位"), "first"),
    Layout(("序号", "重点任务", "主要内容", "责任单位"), "merged"),
    Layout(("序号", "重点任务", "主要内容", *SIDES), "merged", two_row_header=True),
    Layout(("序号", "主要内容", "重点任务", *reversed(SIDES)), "first", two_row_header=True),
]


@pytest.fixture(scope="module")
def running() -> dict:
    return shape(parse_plan(text=running_text(), region=REGION))


def test_the_running_text_is_what_the_tables_are_compared_with(running: dict) -> None:
    assert [s[:3] for s in running["sections"]] == [
        ("一、", "总体要求", None),
        ("二、", "共建任务", None),
        ("(一)", "强化知识产权保护", "二、"),
        ("(二)", "促进知识产权运用", "二、"),
        ("(三)", "优化知识产权服务", "二、"),
        ("三、", "保障措施", None),
    ]
    assert [t[:4] for t in running["tasks"]] == [
        (1, "1.", "(一)", "建设保护中心"),
        (2, "2.", "(一)", "加强行政执法"),
        (3, "3.", "(二)", "推动专利转化"),
        (4, "4.", "(二)", "发展服务业"),
        (5, "5.", "(三)", "建设信息平台"),
    ]
    # The last task of each section keeps its units, on both sides, in the order written.
    assert running["responsibilities"][1] == [
        ("保护司", "国家知识产权局保护司", "nipa", "lead", False),
        ("省市场监管局", "贵州省市场监管局", "local", "lead", False),
    ]
    assert running["responsibilities"][3][-1] == (
        "各市县政府",
        "贵州省各市县政府",
        "local",
        "co",
        True,
    )
    assert running["warnings"] == []


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: "|".join(layout.headers))
def test_a_task_table_imports_as_the_running_text(layout: Layout, running: dict) -> None:
    text = decode_document(data=table_docx(layout), filename="plan.docx")
    assert shape(parse_plan(text=text, region=REGION)) == running


def test_a_section_row_is_never_a_task_title() -> None:
    layout = Layout(("序号", "重点任务", "主要内容", *SIDES), "merged")
    text = decode_document(data=table_docx(layout), filename="plan.docx")
    lines = text.split("\n")
    assert lines[4:7] == [
        "(一)强化知识产权保护",
        "1.建设保护中心。加快建设知识产权保护中心。(国家知识产权局保护司牵头，公共服务司配合"
        "；省知识产权局牵头，省公安厅、省高级人民法院等按职责分工负责)",
        "2.加强行政执法。开展专项行动。(保护司负责；省市场监管局负责)",
    ]
    assert lines[7] == "(二)促进知识产权运用"
