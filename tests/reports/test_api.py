"""Progress reports through the API: a draft is created and edited by its own agency, its
task, agency and period never change, submit / accept / return need the ETag."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.models import ProgressReport
from tests.factories import PeriodFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def period(world):
    return PeriodFactory(
        plan=world.plan_a,
        label="2026年上半年",
        opens_on=dt.date(2026, 6, 1),
        due_on=dt.date(2026, 7, 15),
    )


def _create(client, world, period, **extra):
    return client.post(
        "/api/v1/reports/",
        {
            "task": world.a1.pk,
            "agency": world.hainan_commerce.pk,
            "period": period.pk,
            "progress": "已完成调研。",
            **extra,
        },
    )


def test_a_liaison_creates_edits_and_submits_a_report(world, token_client, period) -> None:
    client = token_client(world.users["liaison"])
    created = _create(client, world, period)
    assert created.status_code == 201
    report = created.json()
    etag = created["ETag"]
    edited = client.patch(
        f"/api/v1/reports/{report['id']}/", {"progress": "=1+1 已完成调研"}, HTTP_IF_MATCH=etag
    )
    assert edited.status_code == 200 and edited.json()["progress"] == "=1+1 已完成调研"
    submitted = client.post(f"/api/v1/reports/{report['id']}/submit/", HTTP_IF_MATCH=edited["ETag"])
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"


def test_a_write_cannot_move_a_report_to_another_agency_or_task(world, api, period) -> None:
    client = api(world.users["liaison"])
    report = _create(client, world, period)
    response = client.patch(
        f"/api/v1/reports/{report.json()['id']}/",
        {"agency": world.hunan_dept.pk, "task": world.b1.pk, "state": "accepted", "progress": "改"},
        HTTP_IF_MATCH=report["ETag"],
    )
    assert response.status_code == 200
    saved = ProgressReport.objects.get(pk=report.json()["id"])
    assert (saved.agency, saved.task, saved.state, saved.progress) == (
        world.hainan_commerce,
        world.a1,
        "draft",
        "改",
    )


@pytest.mark.parametrize(("name", "status"), [("local_viewer", 403), ("other_liaison", 404)])
def test_others_cannot_write_an_agencys_report(world, api, period, name: str, status: int) -> None:
    response = _create(api(world.users[name]), world, period)
    assert response.status_code == status
    assert not ProgressReport.objects.filter(period=period).exists()


def test_review_needs_the_current_etag(world, api, period) -> None:
    liaison, coordinator = api(world.users["liaison"]), api(world.users["coordinator"])
    report = _create(liaison, world, period)
    pk = report.json()["id"]
    submitted = liaison.post(f"/api/v1/reports/{pk}/submit/", HTTP_IF_MATCH=report["ETag"])
    assert coordinator.post(f"/api/v1/reports/{pk}/accept/").status_code == 428
    stale = coordinator.post(f"/api/v1/reports/{pk}/accept/", HTTP_IF_MATCH=report["ETag"])
    assert stale.status_code == 412
    returned = coordinator.post(
        f"/api/v1/reports/{pk}/return/", {"reason": "请补充数据"}, HTTP_IF_MATCH=submitted["ETag"]
    )
    assert returned.status_code == 200 and returned.json()["return_reason"] == "请补充数据"
    assert (
        liaison.post(f"/api/v1/reports/{pk}/accept/", HTTP_IF_MATCH=returned["ETag"]).status_code
        == 403
    )


def test_attachments_upload_and_download_for_the_right_people(world, api, period) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    liaison = api(world.users["liaison"])
    pk = _create(liaison, world, period).json()["id"]
    upload = liaison.post(
        f"/api/v1/reports/{pk}/attachments/upload/",
        {"file": SimpleUploadedFile("佐证.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201
    attachment = upload.json()
    assert liaison.get(f"/api/v1/reports/{pk}/attachments/").json()[0]["id"] == attachment["id"]
    download = liaison.get(f"/api/v1/attachments/{attachment['id']}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    other = api(world.users["other_liaison"])
    assert other.get(f"/api/v1/attachments/{attachment['id']}/download/").status_code == 404
    fake = liaison.post(
        f"/api/v1/reports/{pk}/attachments/upload/",
        {
            "file": SimpleUploadedFile(
                "x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            )
        },
        format="multipart",
    )
    assert fake.status_code == 400 and fake.json()["error"]["code"] == "invalid"
