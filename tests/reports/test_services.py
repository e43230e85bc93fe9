"""Reporting: periods, the report life cycle, review, typical cases, evidence files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ops.concurrency import Conflict
from reports import periods, services
from reports.models import ProgressReport, ReportState
from tasks.models import Event, EventKind

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
VALUES = {"progress": "已出台专项政策。", "achievements": "新增质押融资10亿元。", "percent": 40}


def _draft(world, user="liaison", **values):
    return services.report_save_draft(
        actor=world.users[user],
        task=world.a1,
        agency=world.hainan_commerce,
        period=world.report_a1_commerce.period,
        values={**VALUES, **values},
        expected_version=world.report_a1_commerce.version,
    )


def _submitted(world, when=None):
    report = _draft(world)
    return services.report_submit(
        actor=world.users["liaison"], report=report, expected_version=report.version, now=when
    )


def test_liaison_saves_a_draft_for_their_own_agency(world):
    report = _draft(world)
    assert report.progress == "已出台专项政策。" and report.percent == 40
    assert report.state == ReportState.DRAFT


@pytest.mark.parametrize("user", ["local_viewer", "nipa_viewer", "other_liaison", "nobody"])
def test_others_cannot_write_the_agency_report(world, user):
    with pytest.raises(PermissionDenied):
        _draft(world, user=user)


def test_two_saves_from_the_same_version_conflict_and_nothing_is_overwritten(world):
    first = _draft(world, progress="第一位同事的内容")
    with pytest.raises(Conflict):
        _draft(world, progress="第二位同事的内容")  # still names the version it read
    first.refresh_from_db()
    assert first.progress == "第一位同事的内容"


def test_submit_on_time_and_late(world):
    due = world.report_a1_commerce.period.due_on
    on_time = dt.datetime.combine(due, dt.time(23, 30), tzinfo=SHANGHAI)
    report = _submitted(world, when=on_time)
    assert report.state == ReportState.SUBMITTED and not report.is_late
    event = Event.objects.get(report=report, kind=EventKind.REPORT_STATE_CHANGED)
    assert (event.actor, event.from_value, event.to_value) == (
        world.users["liaison"],
        "draft",
        "submitted",
    )
    late_report = services.report_save_draft(
        actor=world.users["coordinator"],
        task=world.a2,
        agency=world.hainan_office,
        period=world.report_a2_office.period,
        values=VALUES,
        expected_version=world.report_a2_office.version,
    )
    # 00:30 Beijing time the day after the due date is late, though still the due date in UTC.
    after = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 30), tzinfo=SHANGHAI)
    late = services.report_submit(
        actor=world.users["coordinator"],
        report=late_report,
        expected_version=late_report.version,
        now=after,
    )
    assert late.is_late


def test_submit_needs_the_progress_text(world):
    report = _draft(world, progress="")
    with pytest.raises(ValidationError):
        services.report_submit(
            actor=world.users["liaison"], report=report, expected_version=report.version
        )


def test_coordinator_returns_with_a_reason_then_the_liaison_corrects_and_resubmits(world):
    report = _submitted(world)
    with pytest.raises(ValidationError):
        services.report_return(actor=world.users["coordinator"], report=report, reason=" ")
    report = services.report_return(
        actor=world.users["coordinator"], report=report, reason="请补充量化数据"
    )
    assert report.state == ReportState.RETURNED and report.return_reason == "请补充量化数据"
    report = services.report_save_draft(
        actor=world.users["liaison"],
        task=report.task,
        agency=report.agency,
        period=report.period,
        values={**VALUES, "achievements": "质押融资10.5亿元"},
        expected_version=report.version,
    )
    report = services.report_submit(
        actor=world.users["liaison"], report=report, expected_version=report.version
    )
    report = services.report_accept(actor=world.users["coordinator"], report=report)
    assert report.state == ReportState.ACCEPTED
    kinds = list(
        Event.objects.filter(report=report).order_by("pk").values_list("to_value", flat=True)
    )
    assert kinds == ["submitted", "returned", "submitted", "accepted"]


@pytest.mark.parametrize("user", ["liaison", "secretary", "nipa_viewer", "other_coordinator"])
def test_only_the_plans_coordinator_reviews(world, user):
    report = _submitted(world)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=world.users[user], report=report)


def test_illegal_transitions_are_refused(world):
    report = _draft(world)
    with pytest.raises(ValidationError):
        services.report_accept(actor=world.users["coordinator"], report=report)
    report = services.report_accept(
        actor=world.users["coordinator"], report=_submitted_from(world, report)
    )
    with pytest.raises(ValidationError):
        _draft(world, progress="改写已采纳的报告")
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.ACCEPTED


def _submitted_from(world, report):
    return services.report_submit(
        actor=world.users["liaison"], report=report, expected_version=report.version
    )


def test_only_an_accepted_report_becomes_a_typical_case(world):
    report = _submitted(world)
    with pytest.raises(ValidationError):
        services.report_flag_typical(actor=world.users["coordinator"], report=report, flagged=True)
    report = services.report_accept(actor=world.users["coordinator"], report=report)
    report = services.report_flag_typical(
        actor=world.users["coordinator"], report=report, flagged=True
    )
    assert report.is_typical_case
    assert Event.objects.filter(report=report, kind=EventKind.REPORT_FLAGGED).count() == 1


def test_period_schedule_for_a_year(world):
    created = periods.period_schedule_create(
        actor=world.users["coordinator"], plan=world.plan_a, cadence="quarterly", year=2025
    )
    assert [p.label for p in created] == [
        "2025年第一季度",
        "2025年第二季度",
        "2025年第三季度",
        "2025年第四季度",
    ]
    assert created[0].ends_on == dt.date(2025, 3, 31)
    assert created[0].due_on == dt.date(2025, 4, 15)
    again = periods.period_schedule_create(
        actor=world.users["coordinator"], plan=world.plan_a, cadence="quarterly", year=2025
    )
    assert again == []
    with pytest.raises(PermissionDenied):
        periods.period_schedule_create(
            actor=world.users["liaison"], plan=world.plan_a, cadence="yearly", year=2025
        )


# --- evidence ---------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx_bytes(*, bomb: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if bomb:
            archive.writestr("word/media/zeros.bin", b"\x00" * (300 * 1024 * 1024))
    return buffer.getvalue()


def _upload(world, name: str, data: bytes):
    report = _draft(world)
    return services.attachment_add(
        actor=world.users["liaison"], report=report, upload=SimpleUploadedFile(name, data)
    )


def test_a_png_is_stored_under_a_generated_name(world):
    attachment = _upload(world, "../../etc/现场照片.png", PNG)
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "现场照片.png"
    assert ".." not in attachment.file.name and "现场" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")


def test_a_docx_is_recognised_by_its_content(world):
    attachment = _upload(world, "evidence.pdf", _docx_bytes())  # the name lies
    assert attachment.file.name.endswith(".docx")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 this is an exe", "仅支持"),
        ("photo.png", PNG + b"<script>alert(1)</script>", "脚本"),
        ("page.pdf", b"%PDF-1.7\n<html><body>hi</body></html>", "脚本"),
        ("empty.pdf", b"", "为空"),
    ],
)
def test_refused_uploads_leave_nothing(world, name, data, message):
    with pytest.raises(ValidationError, match=message):
        _upload(world, name, data)
    assert not world.report_a1_commerce.attachments.exists()


def test_oversize_upload_is_refused(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="上限"):
        _upload(world, "big.pdf", b"%PDF-1.7\n" + b"0" * 2048)


def test_zip_bomb_docx_is_refused(world):
    with pytest.raises(ValidationError, match="压缩炸弹"):
        _upload(world, "bomb.docx", _docx_bytes(bomb=True))


def test_evidence_cannot_change_after_submission(world):
    report = _submitted(world)
    with pytest.raises(ValidationError):
        services.attachment_add(
            actor=world.users["liaison"], report=report, upload=SimpleUploadedFile("a.png", PNG)
        )
