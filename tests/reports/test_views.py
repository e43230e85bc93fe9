"""Report pages: write, submit, review, evidence download, periods — by role and agency."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reports import services
from reports.models import ProgressReport, ReportState

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _edit_url(world) -> str:
    r = world.report_a1_commerce
    return f"/reports/write/{r.task_id}/{r.agency_id}/{r.period_id}/"


@pytest.mark.parametrize(
    ("name", "status"),
    [("liaison", 200), ("coordinator", 403), ("nipa_viewer", 403), ("other_liaison", 404),
     ("nobody", 404)],
)  # fmt: skip
def test_only_the_agencys_own_staff_open_the_report_form(world, name, status):
    assert _client(world, name).get(_edit_url(world)).status_code == status


def test_liaison_saves_then_submits_in_the_browser(world):
    client = _client(world, "liaison")
    report = world.report_a1_commerce
    data = {"progress": "完成年度培训5场。", "percent": "50", "version": report.version}
    response = client.post(_edit_url(world), {**data, "action": "save"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.progress == "完成年度培训5场。"
    response = client.post(
        _edit_url(world), {**data, "version": report.version, "action": "submit"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_stale_form_gets_a_conflict_message(world):
    client = _client(world, "liaison")
    report = world.report_a1_commerce
    stale = report.version
    client.post(_edit_url(world), {"progress": "先保存的内容", "version": stale, "action": "save"})
    response = client.post(
        _edit_url(world), {"progress": "后保存的内容", "version": stale, "action": "save"}
    )
    assert response.status_code == 409
    assert "重新保存" in response.content.decode()
    report.refresh_from_db()
    assert report.progress == "先保存的内容"


def _submit(world) -> ProgressReport:
    report = world.report_a1_commerce
    report = services.report_save_draft(
        actor=world.users["liaison"],
        task=report.task,
        agency=report.agency,
        period=report.period,
        values={"progress": "进展"},
        expected_version=report.version,
    )
    return services.report_submit(
        actor=world.users["liaison"], report=report, expected_version=report.version
    )


@pytest.mark.parametrize(
    ("name", "state"),
    [("coordinator", "accepted"), ("secretary", "submitted"), ("liaison", "submitted"),
     ("nipa_viewer", "submitted")],
)  # fmt: skip
def test_review_actions_by_role(world, name, state):
    report = _submit(world)
    _client(world, name).post(f"/reports/{report.pk}/review/", {"action": "accept"})
    report.refresh_from_db()
    assert report.state == state


def test_outsiders_cannot_see_or_review_a_report(world):
    report = _submit(world)
    for name in ("other_coordinator", "other_liaison", "nobody"):
        client = _client(world, name)
        assert client.get(f"/reports/{report.pk}/").status_code == 404
        assert client.post(f"/reports/{report.pk}/review/", {"action": "accept"}).status_code == 404
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_return_with_reason_in_the_browser(world):
    report = _submit(world)
    client = _client(world, "coordinator")
    client.post(f"/reports/{report.pk}/review/", {"action": "return", "reason": "数据不全"})
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    page = _client(world, "liaison").get(_edit_url(world)).content.decode()
    assert "数据不全" in page


def test_evidence_download_checks_permission_and_is_an_attachment(world):
    client = _client(world, "liaison")
    response = client.post(
        f"/reports/{world.report_a1_commerce.pk}/attachments/",
        {"file": SimpleUploadedFile("现场照片.png", PNG, content_type="text/html")},
    )
    assert response.status_code == 302
    attachment = world.report_a1_commerce.attachments.get()
    url = f"/reports/attachments/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"  # from the content, not the claim
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%8E%B0" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    # A draft's evidence is its agency's alone (tests/reports/test_drafts_private.py); once
    # the report is submitted, the plan's coordinator and NIPA read it too.
    world.report_a1_commerce.state = "submitted"
    world.report_a1_commerce.save()
    for name, status in [("coordinator", 200), ("nipa_viewer", 200), ("other_liaison", 404),
                         ("nobody", 404)]:  # fmt: skip
        assert _client(world, name).get(url).status_code == status, name


def test_a_refused_upload_shows_why(world):
    client = _client(world, "liaison")
    response = client.post(
        f"/reports/{world.report_a1_commerce.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", b"not a pdf at all")},
        follow=True,
    )
    assert "仅支持" in response.content.decode()
    assert not world.report_a1_commerce.attachments.exists()


def test_periods_page_generates_for_the_coordinator_only(world):
    url = f"/reports/plan/{world.plan_a.pk}/periods/"
    data = {"cadence": "half_yearly", "year": "2024", "opens_days_before_end": "10",
            "due_days_after_end": "15"}  # fmt: skip
    assert _client(world, "liaison").post(url, data).status_code == 403
    assert _client(world, "other_coordinator").get(url).status_code == 404
    assert _client(world, "coordinator").post(url, data).status_code == 302
    labels = set(world.plan_a.periods.values_list("label", flat=True))
    assert {"2024年上半年", "2024年下半年"} <= labels


def test_task_page_lists_reports_with_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
):
    client = _client(world, "coordinator")
    with django_assert_max_num_queries(40):
        response = client.get(f"/tasks/{world.a1.pk}/")
    assert response.status_code == 200
    assert world.hainan_commerce.name in response.content.decode()
