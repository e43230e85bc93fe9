"""The printable 督办单: one page, naming the task, the agencies and the deadline."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from supervision import documents
from tests.supervision.factories import issue

pytestmark = pytest.mark.django_db


def _notice(world):
    return issue(world, agencies=[world.hainan_office, world.hainan_commerce])


def test_docx_names_task_agencies_deadline_and_has_a_reply_slip(world):
    notice = _notice(world)
    doc = Document(io.BytesIO(documents.render_docx(documents.notice_sheet(notice))))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "督办单" in text and f"〔{notice.year}〕1号" in text
    assert "海南省知识产权局" in text  # the issuing unit
    assert f"{world.a1.label}{world.a1.title}" in cells
    assert "海南省知识产权局、海南省商务厅" in cells
    deadline = notice.deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日前反馈" in cells
    assert "回执" in text and "签收人" in cells


def test_pdf_is_one_page_naming_task_agencies_and_deadline(world):
    notice = _notice(world)
    pdf = PdfReader(io.BytesIO(documents.render_pdf(documents.notice_sheet(notice))))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text().replace(" ", "").replace("\n", "")
    assert world.a1.title in text
    assert "海南省商务厅" in text and "海南省知识产权局" in text
    deadline = notice.deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert "回执" in text and f"〔{notice.year}〕1号" in text
    fonts = [f.get_object() for f in pdf.pages[0]["/Resources"]["/Font"].values()]
    # the application's CJK fonts, embedded (subset), never the server's
    assert {str(f["/BaseFont"]).split("+")[-1] for f in fonts} == {"SheetSerif", "SheetSans-Bold"}
