"""Meeting packs, opened the way a secretary would check them: every task, its status and
lead, the decisions, embedded fonts, formula-looking text kept as text, and the same content
again from a frozen meeting."""

from __future__ import annotations

import datetime as dt
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from meetings.models import Committee, Decision, Meeting
from meetings.services import meeting_rollup_freeze
from reports.models import ReportState
from tasks.models import Status, Task, WorkItem, WorkItemSource
from tests.factories import SectionFactory

FORMULA = '=HYPERLINK("http://example.com","点击")'


@pytest.fixture
def meeting(world):
    plan = world.plan_a
    plan.doc_number = "琼府〔2022〕39号"
    plan.save()
    section = SectionFactory(plan=plan, label="(一)", title="共同打造知识产权保护高地")
    Task.objects.filter(plan=plan).update(section=section)
    Task.objects.filter(pk=world.a1.pk).update(status=Status.BEHIND)
    Task.objects.filter(pk=world.a2.pk).update(status=Status.COMPLETED)
    period = world.report_a1_office.period
    period.__class__.objects.filter(pk=period.pk).update(
        ends_on=dt.date(timezone.localdate().year, 6, 30)
    )
    world.report_a1_office.__class__.objects.filter(pk=world.report_a1_office.pk).update(
        state=ReportState.ACCEPTED, progress=FORMULA, problems="+资金不足", next_steps="@下一步"
    )
    committee = Committee.objects.create(plan=plan, name="海南省知识产权强省建设委员会")
    previous = Meeting.objects.create(
        committee=committee, title="2024年度工作会议", held_on=dt.date(2024, 12, 1)
    )
    item = WorkItem.objects.create(
        task=world.a1,
        title="制定知识产权保护中心建设方案",
        year=2025,
        due_on=dt.date(2025, 6, 30),
        source=WorkItemSource.DECISION,
        status=Status.COMPLETED,
        closed_at=timezone.now(),
        close_note="已印发",
    )
    item.agencies.set([world.hainan_office])
    Decision.objects.create(
        meeting=previous, order=1, text="加快建设知识产权保护中心", work_item=item
    )
    current = Meeting.objects.create(
        committee=committee,
        title="2025年度工作会议",
        held_on=dt.date(2025, 12, 1),
        place="海口",
        agenda="听取年度工作汇报\n审议年度工作要点",
    )
    current.attendees.set([world.hainan_office, world.hainan_commerce])
    return current


def _export(tmp_path: Path, *args: str) -> list[Path]:
    out = StringIO()
    call_command("export_meeting_pack", *args, "--out", str(tmp_path), stdout=out)
    return [Path(line) for line in out.getvalue().splitlines()]


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_command_writes_each_format_and_prints_the_paths(world, meeting, tmp_path) -> None:
    paths = _export(tmp_path, "--plan", "琼府〔2022〕39号", "--formats", "docx,pdf,xlsx")
    assert [p.suffix for p in paths] == [".docx", ".pdf", ".xlsx"]
    assert all(p.exists() and p.stat().st_size > 1000 for p in paths)
    assert paths[0].name == f"{world.plan_a.code}-meeting-{meeting.pk}.docx"  # the latest meeting


def test_the_docx_has_every_task_its_status_lead_and_the_decisions(
    world, meeting, tmp_path
) -> None:
    [path] = _export(tmp_path, "--plan", world.plan_a.code, "--formats", "docx")
    text = _docx_text(path)
    for task in (world.a1, world.a2):
        assert task.title in text
    assert "滞后" in text and "已完成" in text and "海南省知识产权局" in text
    assert "会议议程" in text and "听取年度工作汇报" in text and "一、总体进展" in text
    assert "加快建设知识产权保护中心" in text and "已办结" in text
    assert FORMULA in text
    doc = Document(str(path))
    task_table = next(t for t in doc.tables if "配合单位" in [c.text for c in t.rows[0].cells])
    a1_row = next(r for r in task_table.rows if r.cells[1].text == world.a1.title)
    lead = a1_row.cells[2].text  # the lead (per side), not the co agencies
    assert "知识产权局" in lead and "商务厅" not in lead


def test_the_docx_follows_the_official_layout(world, meeting, tmp_path) -> None:
    [path] = _export(tmp_path, "--plan", world.plan_a.code, "--formats", "docx")
    doc = Document(str(path))
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "仿宋_GB2312" in xml and "黑体" in xml and "方正小标宋简体" in xml
    assert "<w:tblHeader" in xml  # header rows repeat on each page
    footer = zipfile.ZipFile(path).read("word/footer1.xml").decode()
    assert "PAGE" in footer and "— " in footer
    fonts = zipfile.ZipFile(path).read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"' in fonts and '<w:altName w:val="仿宋"/>' in fonts


def test_the_pdf_embeds_its_fonts_and_reads_right(world, meeting, tmp_path) -> None:
    [path] = _export(tmp_path, "--plan", world.plan_a.code, "--formats", "pdf")
    reader = PdfReader(str(path))
    # Table cells wrap: compare without the line breaks and spaces the layout put in.
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    assert world.a1.title in text and "滞后" in text and "加快建设知识产权保护中心" in text
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    assert fonts and all(fonts.values())
    # Ours (meetings/packs/fonts), never a server font.
    assert all(
        any(f in name for f in ("NotoSerifCJKsc", "NotoSansCJKsc", "LXGWWenKai")) for name in fonts
    )


def test_the_xlsx_ledger_keeps_formula_looking_text_as_text(world, meeting, tmp_path) -> None:
    [path] = _export(tmp_path, "--plan", world.plan_a.code, "--formats", "xlsx")
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "任务", "报送单位", "报送周期")
    assert len(rows) - 1 == 3  # a1 × (office, commerce), a2 × office, for the one period
    office = next(r for r in rows if r[2] == "海南省知识产权局" and r[7])
    assert office[7] == FORMULA and office[8] == "+资金不足" and office[9] == "@下一步"
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no cell is a formula


def test_a_frozen_meeting_gives_the_same_pack_after_the_data_moves_on(
    world, meeting, tmp_path
) -> None:
    meeting_rollup_freeze(meeting=meeting, actor=world.users["secretary"])
    [first] = _export(tmp_path / "1", "--plan", world.plan_a.code, "--formats", "docx")
    Task.objects.filter(pk=world.a1.pk).update(status=Status.COMPLETED, title="改过的标题")
    [again] = _export(tmp_path / "2", "--plan", world.plan_a.code, "--formats", "docx")
    assert _docx_text(first) == _docx_text(again)
    assert "改过的标题" not in _docx_text(again)
    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(pack_data={"changed": True})


def test_without_a_meeting_the_pack_shows_the_current_data(world, tmp_path) -> None:
    [path] = _export(tmp_path, "--plan", world.plan_b.code, "--formats", "docx")
    assert path.name == f"{world.plan_b.code}-{timezone.localdate().isoformat()}.docx"
    assert world.b1.title in _docx_text(path)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "no-such-plan"], "找不到方案"),
        (["--plan", "PLAN", "--formats", "docx,odt"], "odt"),
        (["--plan", "PLAN", "--meeting", "99999"], "没有编号为 99999 的会议"),
    ],
)
def test_bad_arguments_are_refused_clearly_and_write_nothing(
    world, tmp_path, args: list[str], message: str
) -> None:
    args = [world.plan_a.code if a == "PLAN" else a for a in args]
    with pytest.raises(CommandError, match=message):
        _export(tmp_path / "out", *args)
    assert not (tmp_path / "out").exists()
