"""The journeys users make every week, in a real browser (zh-hans): a report written,
returned, corrected and accepted; a NIPA department's views; a meeting pack generated and
downloaded; another agency's user refused at every one of those addresses."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboards.rollups import rollup_build
from meetings.services import meeting_create
from reports.models import ProgressReport, ReportState
from tasks.models import Status, Task
from tests.e2e.conftest import SHOTS
from tests.factories import PASSWORD
from tests.meetings import pages

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_report_is_written_returned_corrected_accepted_and_the_status_set(
    world, open_session
) -> None:
    liaison = open_session("liaison")
    liaison.login(world.users["liaison"].username, PASSWORD)
    page = liaison.page
    expect(page.locator("h1")).to_contain_text("我的任务")
    liaison.shot("01-my-tasks")
    page.get_by_role("link", name=world.a1.title).first.click()
    expect(page.locator("h1")).to_contain_text(world.a1.title)
    liaison.shot("02-task")
    page.get_by_role("link", name="填报").first.click()
    page.fill("#id_progress", "已完成年度工作方案的制定,组织专题培训两场。")
    page.fill("#id_problems", "基层人手不足。")
    page.fill("#id_next_steps", "下季度开展专项执法行动。")
    page.get_by_role("button", name="保存草稿").click()
    page.set_input_files("input[name=file]", files=[
        {"name": "培训签到表.pdf", "mimeType": "application/pdf", "buffer": PDF}
    ])  # fmt: skip
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("link", name="培训签到表.pdf")).to_be_visible()
    expect(page.get_by_text("Version", exact=True)).to_have_count(0)  # hidden fields unlabelled
    liaison.shot("03-report-edit")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".badge.report-submitted")).to_be_visible()
    report = ProgressReport.objects.get(task=world.a1, agency=world.hainan_commerce)
    assert report.state == ReportState.SUBMITTED and report.attachments.count() == 1

    coordinator = open_session("coordinator")
    coordinator.login(world.users["coordinator"].username, PASSWORD)
    review = coordinator.page
    review.goto(f"/tasks/{world.a1.pk}/")
    review.get_by_role("link", name="审核").first.click()
    review.fill("#id_reason", "请补充培训人数。")
    review.get_by_role("button", name="退回").click()
    expect(review.locator(".badge.report-returned")).to_be_visible()

    page.goto(f"/tasks/{world.a1.pk}/")
    page.get_by_role("link", name="填报").first.click()
    expect(page.get_by_role("status")).to_contain_text("请补充培训人数。")
    page.fill("#id_progress", "已完成年度工作方案的制定,组织专题培训两场,共 120 人参加。")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".badge.report-submitted")).to_be_visible()

    review.goto(f"/reports/{report.pk}/")
    expect(review.get_by_text("共 120 人参加")).to_be_visible()
    review.get_by_role("button", name="采纳").click()
    expect(review.locator(".badge.report-accepted")).to_be_visible()
    coordinator.shot("04-report-accepted")
    review.goto(f"/tasks/{world.a1.pk}/")
    review.select_option("#id_status", Status.ON_TRACK)
    review.fill("#id_reason", "报告已采纳,按计划推进。")
    review.get_by_role("button", name="保存状态").click()
    expect(review.get_by_text("正常推进").first).to_be_visible()
    coordinator.shot("05-task-status")
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert Task.objects.get(pk=world.a1.pk).status == Status.ON_TRACK


def test_a_nipa_department_reads_its_duties_and_the_national_overview(world, open_session):
    rollup_build(as_of=dt.date.today())
    viewer = open_session("nipa")
    viewer.login(world.users["nipa_viewer"].username, PASSWORD)
    page = viewer.page
    page.goto("/dashboards/agencies/mine/")
    expect(page.locator("h1")).to_contain_text("我司职责")
    viewer.shot("06-nipa-duties")
    page.goto("/dashboards/")
    expect(page.locator("h1")).to_contain_text("全国总览")
    expect(page.locator("table").first).to_contain_text(world.plan_a.region.name)
    expect(page.locator(".chart canvas, .chart svg").first).to_be_visible()  # ECharts drew
    viewer.shot("07-national-overview")


def test_the_secretary_freezes_the_meeting_and_downloads_the_pack(world, open_session):
    rollup_build(as_of=dt.date.today())
    meeting = meeting_create(
        actor=world.users["secretary"], plan=world.plan_a, title="2026年度工作会议",
        held_on=dt.date.today(),
    )  # fmt: skip
    secretary = open_session("secretary")
    secretary.login(world.users["secretary"].username, PASSWORD)
    page = secretary.page
    page.goto(f"/plans/meetings/{meeting.pk}/")
    page.get_by_role("button", name="冻结会议数据").click()
    expect(page.get_by_text("冻结:会议材料中的数据不再变化")).to_be_visible()
    for box in page.locator("input[name=pack-formats]").all():
        box.check()
    page.get_by_role("button", name="生成会议材料").click()
    links = page.locator(".pack a")
    expect(links).to_have_count(3, timeout=60_000)
    secretary.shot("08-meeting-pack")
    signatures = {"DOCX": b"PK", "PDF": b"%PDF", "XLSX 台账": b"PK"}
    for label, magic in signatures.items():
        with page.expect_download() as info:
            page.locator(".pack").get_by_role("link", name=label, exact=True).click()
        download = info.value
        assert re.search(r"\.(docx|pdf|xlsx)$", download.suggested_filename)
        with open(download.path(), "rb") as handle:
            assert handle.read(4).startswith(magic)
        if label == "PDF":
            _save_pack_pages(Path(download.path()), world)


def _save_pack_pages(pdf: Path, world) -> None:
    """The downloaded PDF kept with the journey's screenshots, and its pages as images
    (pdftoppm), so a reviewer sees the pack the secretary got; it names every task."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    kept = SHOTS / "08-meeting-pack.pdf"
    shutil.copyfile(pdf, kept)
    images = pages.render_pngs(kept, SHOTS / "08-meeting-pack-pages")
    assert len(images) == pages.page_count(kept) > 1
    titles = Task.objects.filter(plan=world.plan_a).values_list("title", flat=True)
    assert pages.titles_missing(kept, titles) == []


def test_another_agencys_user_is_refused_everywhere(world, open_session) -> None:
    rollup_build(as_of=dt.date.today())
    report = world.report_a1_commerce
    meeting = meeting_create(
        actor=world.users["secretary"], plan=world.plan_a, title="年度会议",
        held_on=dt.date.today(),
    )  # fmt: skip
    outsider = open_session("outsider")
    outsider.login(world.users["other_liaison"].username, PASSWORD)
    page = outsider.page
    for path in [
        f"/tasks/{world.a1.pk}/",
        f"/reports/{report.pk}/",
        f"/plans/{world.plan_a.pk}/",
        f"/dashboards/plans/{world.plan_a.pk}/",
        f"/dashboards/plans/{world.plan_a.pk}/?format=xlsx",
        f"/plans/meetings/{meeting.pk}/",
    ]:
        response = page.goto(path)
        assert response is not None and response.status in (403, 404), path
        expect(page.locator("body")).not_to_contain_text(world.a1.title)
    outsider.shot("09-refused")
