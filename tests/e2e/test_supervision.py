"""督办 in a real browser (zh-hans): the coordinator issues a 督办单 on task A1 from its page,
the commerce department's liaison finds it under 督办, 签收 and 反馈 with evidence, the
coordinator 办结; the task's timeline tells each step as a sentence, and the printed 督办单
(DOCX and PDF) names the task, the agency and the deadline."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from supervision.models import NoticeRecipient, RecipientState
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RAW_STATES = re.compile(r"\b(issued|acknowledged|responded|closed|returned)\b")


def _download(page, label: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=label).click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def test_a_notice_is_issued_acknowledged_answered_and_closed(world, open_session) -> None:
    deadline = dt.date.today() + dt.timedelta(days=14)
    agency = world.hainan_commerce.name
    coordinator = open_session("coordinator")
    coordinator.login(world.users["coordinator"].username, PASSWORD)
    office = coordinator.page
    office.goto(f"/tasks/{world.a1.pk}/")
    panel = office.locator("section", has=office.get_by_role("heading", name="督办", exact=True))
    expect(panel).to_contain_text("暂无督办单。")
    coordinator.shot("supervision-01-task-panel")
    panel.get_by_role("link", name="发督办单").click()
    expect(office.locator("h1")).to_contain_text("发督办单")
    office.get_by_label(agency, exact=True).check()
    office.select_option("#id_level", label="重点")
    office.fill("#id_subject", "加快推进商标品牌建设任务,补报年度进展。")
    office.fill("#id_reason", "上一报送周期未按时报送。")
    office.fill("#id_deadline", deadline.isoformat())
    coordinator.shot("supervision-02-issue-form")
    office.get_by_role("button", name="交办").click()
    expect(office.get_by_text("督办单已交办。")).to_be_visible()
    expect(office.locator("h1")).to_contain_text("督办单")
    number = office.locator("h1").inner_text()
    notice_url = office.url
    expect(office.locator(".card h3")).to_contain_text(f"{agency} · 已交办")
    coordinator.shot("supervision-03-issued")

    liaison = open_session("liaison")
    liaison.login(world.users["liaison"].username, PASSWORD)
    page = liaison.page
    page.locator("header").get_by_role("link", name="督办", exact=True).click()
    expect(page.locator("h1")).to_contain_text("本单位督办")
    row = page.locator("tbody tr", has_text=number)
    expect(row).to_contain_text(world.a1.title)
    expect(row).to_contain_text(deadline.isoformat())
    expect(row).to_contain_text("已交办")
    liaison.shot("supervision-04-inbox")
    row.get_by_role("link", name=number).click()
    expect(page.locator("h1")).to_have_text(number)
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_text(f"{agency}：已签收。")).to_be_visible()
    expect(page.locator(".card h3")).to_contain_text("已签收")
    liaison.shot("supervision-05-acknowledged")
    page.fill("#id_text", "已完成年度进展补报,商标品牌培育库新增企业 12 家。")
    page.set_input_files("#id_evidence", files=[
        {"name": "补报说明.pdf", "mimeType": "application/pdf", "buffer": PDF}
    ])  # fmt: skip
    page.get_by_role("button", name="反馈").click()
    expect(page.get_by_text(f"{agency}：已反馈。")).to_be_visible()
    expect(page.locator(".card h3")).to_contain_text("已反馈")
    expect(page.get_by_role("link", name="补报说明.pdf")).to_be_visible()
    liaison.shot("supervision-06-responded")

    office.goto(notice_url)
    expect(office.get_by_text("新增企业 12 家").first).to_be_visible()
    office.fill("#id_note", "反馈情况属实,予以办结。")
    office.get_by_role("button", name="办结").click()
    expect(office.get_by_text(f"{agency}：已办结。")).to_be_visible()
    expect(office.locator(".card h3")).to_contain_text("已办结")
    coordinator.shot("supervision-07-closed")
    recipient = NoticeRecipient.objects.get(notice__task=world.a1, agency=world.hainan_commerce)
    assert recipient.state == RecipientState.CLOSED
    assert recipient.notice.steps.filter(evidence_name="补报说明.pdf").exists()

    docx = Document(io.BytesIO(_download(office, "下载督办单 DOCX")))
    text = "\n".join(p.text for p in docx.paragraphs)
    text += "\n".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    pdf = PdfReader(io.BytesIO(_download(office, "下载督办单 PDF")))
    pdf_text = "".join("".join(p.extract_text().split()) for p in pdf.pages)
    written = f"{deadline.year}年{deadline.month}月{deadline.day}日"
    for printed in (text, pdf_text):
        assert world.a1.title in printed and agency in printed and written in printed

    office.goto(f"/tasks/{world.a1.pk}/")
    coordinator.shot("supervision-08-timeline")
    expect(panel).to_contain_text(f"{number} · 重点")
    expect(panel).to_contain_text(f"{agency}（已办结）")
    timeline = office.locator("#timeline")
    for sentence in (
        "督办交办：已交办",
        "督办签收：由“已交办”改为“已签收”",
        "督办反馈：由“已签收”改为“已反馈”",
        "督办办结：由“已反馈”改为“已办结”",
    ):
        expect(timeline.get_by_text(sentence, exact=True)).to_be_visible()
    expect(timeline).to_contain_text("新增企业 12 家")
    expect(timeline).to_contain_text("反馈情况属实,予以办结。")
    assert not RAW_STATES.search(timeline.inner_text()), "raw state codes on the timeline"
