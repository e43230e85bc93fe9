"""A draft is its own agency's alone: nobody else sees it, its evidence or its row before it is
submitted; after that, who sees it is as before (`ProgressReport.objects.visible_to`).

The world's task A1 is shared by the Hainan IP office (lead, whose coordinator runs the plan),
the Hainan commerce department (co) and a NIPA department. The commerce department's report
on A1 is a draft with one piece of evidence. Its liaison reads all of it; the office's liaison
(a co-responsible agency), the plan's coordinator and a NIPA viewer get 404 everywhere, and do
not find it in a list, on the task page, the agency page, the ledger or the pack.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Role
from dashboards.rollups import plan_rollup_rows
from meetings.packs.content import pack_content_gather
from meetings.packs.xlsx import render_xlsx
from reports import services
from reports.models import ProgressReport
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRET = "商务厅草稿:尚未定稿的进展"
OTHERS = ["office_liaison", "coordinator", "nipa_viewer"]


@pytest.fixture
def draft(world):
    """The commerce department's draft on A1 with evidence; an office liaison besides."""
    office_liaison = UserFactory(username="office_liaison")
    MembershipFactory(user=office_liaison, agency=world.hainan_office, role=Role.LIAISON)
    world.users["office_liaison"] = office_liaison
    report = world.report_a1_commerce
    ProgressReport.objects.filter(pk=report.pk).update(progress=SECRET)
    report.refresh_from_db()
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    attachment = services.attachment_add(actor=world.users["liaison"], report=report, upload=upload)
    return report, attachment


def _client(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _submit(world, report: ProgressReport) -> None:
    report.refresh_from_db()
    services.report_submit(
        actor=world.users["liaison"], report=report, expected_version=report.version
    )


def _urls(report: ProgressReport, attachment) -> list[str]:
    return [
        f"/reports/{report.pk}/",
        f"/reports/attachments/{attachment.pk}/",
        f"/api/v1/reports/{report.pk}/",
        f"/api/v1/reports/{report.pk}/attachments/",
        f"/api/v1/attachments/{attachment.pk}/download/",
    ]


def test_its_own_liaison_reads_the_draft_and_its_evidence(world, draft) -> None:
    report, attachment = draft
    client = _client(world, "liaison")
    for url in _urls(report, attachment):
        assert client.get(url).status_code == 200, url
    listed = client.get(f"/api/v1/reports/?task={world.a1.pk}").json()
    assert report.pk in {r["id"] for r in listed["results"]}


@pytest.mark.parametrize("name", OTHERS)
def test_nobody_else_reaches_the_draft_or_its_evidence(world, draft, name: str) -> None:
    report, attachment = draft
    client = _client(world, name)
    for url in _urls(report, attachment):
        assert client.get(url).status_code == 404, url
    listed = client.get(f"/api/v1/reports/?task={world.a1.pk}")
    assert listed.status_code == 200
    assert report.pk not in {r["id"] for r in listed.json()["results"]}
    assert not ProgressReport.objects.visible_to(world.users[name]).filter(pk=report.pk).exists()


@pytest.mark.parametrize("name", OTHERS)
def test_once_submitted_the_others_read_it_as_before(world, draft, name: str) -> None:
    report, attachment = draft
    _submit(world, report)
    client = _client(world, name)
    for url in _urls(report, attachment):
        assert client.get(url).status_code == 200, url
    listed = client.get(f"/api/v1/reports/?task={world.a1.pk}").json()
    assert report.pk in {r["id"] for r in listed["results"]}


def _commerce_row(world, page: str) -> str:
    """The task page's row of the commerce department's report for the world's period."""
    rows = page.split("<tr>")
    return next(r for r in rows if f"<td>{world.hainan_commerce.name}</td>" in r)


def test_the_task_page_shows_another_agencys_draft_as_not_handed_in(world, draft) -> None:
    report, _attachment = draft
    link = f'href="/reports/{report.pk}/"'
    own = _client(world, "liaison").get(f"/tasks/{world.a1.pk}/").content.decode()
    assert link in _commerce_row(world, own) and "草稿" in _commerce_row(world, own)
    for name in OTHERS:
        page = _client(world, name).get(f"/tasks/{world.a1.pk}/").content.decode()
        row = _commerce_row(world, page)
        assert link not in page and SECRET not in page, name
        assert "草稿" not in row and "缺报" in row, name  # the period is past its due date


def test_the_agency_page_does_not_link_another_agencys_draft(world, draft) -> None:
    report, _attachment = draft
    url = f"/dashboards/agencies/{world.hainan_commerce.pk}/"
    link = f'href="/reports/{report.pk}/"'
    assert link in _client(world, "liaison").get(url).content.decode()
    for name in ["coordinator", "nipa_viewer"]:
        response = _client(world, name).get(url)
        assert response.status_code == 200 and link not in response.content.decode(), name


def test_the_ledger_and_the_pack_leave_a_draft_out(world, draft) -> None:
    """The pack is read by the committee, not by the draft's agency: a draft is a row not
    handed in, with none of its text, in the content, the XLSX and the summaries."""
    report, _attachment = draft
    today = timezone.localdate()
    rows = plan_rollup_rows(plan=world.plan_a, as_of=today)
    data = pack_content_gather(plan=world.plan_a, as_of=today, rows=rows)
    (row,) = [r for r in data["ledger"] if r["agency"] == world.hainan_commerce.name]
    assert (row["state"], row["progress"], row["missing"]) == ("", "", True)
    sheet = load_workbook(io.BytesIO(render_xlsx(data))).active
    cells = [c for line in sheet.iter_rows(values_only=True) for c in line]
    assert SECRET not in cells and "草稿" not in cells
    assert "缺报" in cells

    _submit(world, report)
    data = pack_content_gather(plan=world.plan_a, as_of=today, rows=rows)
    (row,) = [r for r in data["ledger"] if r["agency"] == world.hainan_commerce.name]
    assert (row["state"], row["progress"]) == ("submitted", SECRET)
