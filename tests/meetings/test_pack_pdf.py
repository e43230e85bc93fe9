"""The PDF meeting pack (Typst), checked as a reader of the printed pages would: every task
title is there, the task tables are on landscape pages that each start with the header row,
the fonts travel with the file, a name with characters outside GB 2312 prints with real
glyphs, and text that looks like Typst markup prints as written."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from fontTools.cffLib import CFFFontSet
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from meetings.packs.pdf import render_pdf
from meetings.packs.services import pack_data_for
from reports.models import ReportState
from tasks.models import ResponsibilityRole, Task
from tests.factories import ResponsibilityFactory, TaskFactory

RARE = "𠀾䶮"  # CJK Extension B and Extension A: outside GB 2312 and GBK
SHORT_MARKUP = r"#*$[]\<@_`"
MARKUP = r"#set text(red) *粗* $x^2$ [链接] \n <标签> @引用 _斜_ `代码` // 注释"


@pytest.fixture
def pdf(world, tmp_path: Path) -> Path:
    world.nipa_dept.name = f"国家知识产权局{RARE}司"
    world.nipa_dept.save()
    Task.objects.filter(pk=world.a1.pk).update(title="加强知识产权保护" + MARKUP)
    Task.objects.filter(pk=world.a2.pk).update(title="长标题" * 100)  # 300 characters
    for number in range(3, 41):  # enough tasks for the tables to run over several pages
        task = TaskFactory(plan=world.plan_a, number=number, title=f"第{number}项重点任务标题")
        ResponsibilityFactory(task=task, agency=world.hainan_office, role=ResponsibilityRole.LEAD)
    report = world.report_a1_office
    period = report.period
    period.ends_on = dt.date(timezone.localdate().year, 6, 30)  # this year's: quoted
    period.save()
    report.state = ReportState.ACCEPTED
    report.progress = "已完成" + SHORT_MARKUP  # reports are quoted up to 40 characters
    report.save()
    path = tmp_path / "pack.pdf"
    path.write_bytes(render_pdf(pack_data_for(plan=world.plan_a)))
    return path


def _raw_text(path: Path, page: int | None = None) -> str:
    """The text in drawing order (Typst draws a cell's lines one after another), with the
    line breaks of wrapped cells taken out."""
    reader = PdfReader(path)
    pages = [reader.pages[page - 1]] if page else reader.pages
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))


def test_every_task_title_is_printed(world, pdf):
    text = _raw_text(pdf)
    for task in Task.objects.filter(plan=world.plan_a):
        assert re.sub(r"\s+", "", task.title) in text, task.title


def test_markup_characters_print_literally(pdf):
    text = _raw_text(pdf)
    assert re.sub(r"\s+", "", "加强知识产权保护" + MARKUP) in text
    assert "已完成" + SHORT_MARKUP in text


def test_task_tables_are_landscape_and_every_page_starts_with_the_header(pdf):
    reader = PdfReader(pdf)
    landscape = [
        number
        for number, page in enumerate(reader.pages, start=1)
        if page.mediabox.width > page.mediabox.height
    ]
    assert landscape, "no landscape page"
    portrait = [n for n in range(1, len(reader.pages) + 1) if n not in landscape]
    assert portrait, "the cover and the text parts are portrait"
    task_pages = [n for n in landscape if "项重点任务标题" in _raw_text(pdf, n)]
    assert len(task_pages) > 1, "the task table runs over several pages"
    for number in task_pages:
        text = _raw_text(pdf, number)
        first_row = text.index("项重点任务标题")
        found = [text.find(h) for h in ("任务牵头单位", "任务方面牵头单位", "序号任务报送单位")]
        headers = [h for h in found if h >= 0]
        assert headers, f"page {number} has tasks without the header row: {text[:80]}"
        assert min(headers) < first_row, f"page {number} does not start with the header row"


def test_fonts_are_embedded(pdf):
    reader = PdfReader(pdf)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def _glyph_drawn(font: dict, char: str) -> bool | None:
    """None if the font does not print `char`; else whether its glyph has an outline."""
    cmap = font["/ToUnicode"].get_data().decode("latin-1")
    target = char.encode("utf-16-be").hex().upper()
    cid = None
    for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap):
        if dst.upper() == target:
            cid = int(src, 16)
    if cid is None:
        return None
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    if "/FontFile3" in descriptor:
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(descriptor["/FontFile3"].get_data()), None)
        top = cff[cff.fontNames[0]]
        glyphs = top.CharStrings
        name = top.charset[cid]
    else:
        tt = TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))
        glyphs = tt.getGlyphSet()
        name = tt.getGlyphOrder()[cid]
    if cid == 0:
        return False
    pen = BoundsPen(glyphs)
    glyphs[name].draw(pen)
    return pen.bounds is not None


def test_a_name_outside_gb2312_prints_with_real_glyphs(pdf):
    reader = PdfReader(pdf)
    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    for char in RARE:
        drawn = [d for d in (_glyph_drawn(f, char) for f in fonts) if d is not None]
        assert drawn and all(drawn), f"{char} has no real glyph"
    assert f"国家知识产权局{RARE}司" in _raw_text(pdf)
