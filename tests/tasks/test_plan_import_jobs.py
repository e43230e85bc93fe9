"""A document over IMPORT_INLINE_MAX_BYTES is parsed and imported by background jobs: the
user follows its progress on /plans/import/<id>/, previews, confirms, and gets the plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency, Region
from plans.importer.parse import parse_plan
from plans.models import Plan
from tasks.models import PlanImportJob, PlanImportState
from tasks.services.plan_import_jobs import (
    parsed_from_json,
    parsed_to_json,
    plan_import_job_apply,
    plan_import_job_parse,
    plan_import_jobs_purge,
)

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).resolve().parents[2] / "plans" / "sources"
HAINAN = (SOURCES / "hainan-2022.txt").read_bytes()


@pytest.fixture(autouse=True)
def _small_inline_limit(settings):
    """The seed plans are a few KB: anything over 1 KB goes to the background here."""
    settings.IMPORT_INLINE_MAX_BYTES = 1024


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(data: bytes = HAINAN, name: str = "方案.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def _start(client: Client, capture, **data) -> PlanImportJob:
    """Post the import form, running the jobs queued by the request as a worker would."""
    with capture(execute=True):
        response = client.post("/plans/import/", {"action": "preview", **data})
    job = PlanImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/plans/import/{job.pk}/"
    job.refresh_from_db()
    return job


def test_a_large_upload_is_parsed_in_the_background_and_previewed(
    world, django_capture_on_commit_callbacks
):
    client = _client(world.users["coordinator"])
    job = _start(client, django_capture_on_commit_callbacks, document=_upload())
    assert job.state == PlanImportState.PARSED and job.progress == 100
    assert job.requested_by == world.users["coordinator"] and bytes(job.document) == HAINAN
    assert not Plan.objects.filter(doc_number="琼府〔2022〕39号").exists()  # a preview only
    page = client.get(f"/plans/import/{job.pk}/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "推进知识产权管理体制机制改革" in content and "待核实的单位" in content
    assert 'value="confirm"' in content
    # the requester's administrator may look, without confirming; nobody else sees it
    admin_page = _client(world.users["admin"]).get(f"/plans/import/{job.pk}/")
    assert admin_page.status_code == 200 and 'value="confirm"' not in admin_page.content.decode()
    for name in ("other_coordinator", "liaison", "nobody"):
        assert _client(world.users[name]).get(f"/plans/import/{job.pk}/").status_code == 404


def test_the_web_request_never_parses_a_large_document(world, monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("the web worker parsed a large document")

    monkeypatch.setattr("plans.forms.parse_plan", refuse)
    monkeypatch.setattr("plans.forms.decode_document", refuse)
    client = _client(world.users["coordinator"])
    # on-commit callbacks are not run here: the job stays queued, as with a busy worker
    response = client.post("/plans/import/", {"document": _upload(), "action": "preview"})
    job = PlanImportJob.objects.get()
    assert response.status_code == 302
    assert job.state == PlanImportState.PENDING and job.parsed is None
    page = client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == 200 and "排队中" in content and 'hx-trigger="every 2s"' in content


def test_pasted_large_text_and_overrides_go_to_the_job(world, django_capture_on_commit_callbacks):
    client = _client(world.users["coordinator"])
    job = _start(
        client,
        django_capture_on_commit_callbacks,
        text=HAINAN.decode("utf-8"),
        title="改过的标题",
        doc_number="琼府〔2099〕1号",
    )
    assert job.state == PlanImportState.PARSED and job.document is None
    assert job.parsed["title"] == "改过的标题" and job.parsed["doc_number"] == "琼府〔2099〕1号"


def test_a_small_upload_whose_text_is_large_goes_to_the_job_as_text(
    world, settings, django_capture_on_commit_callbacks
):
    gbk = (
        Path(__file__).resolve().parents[1] / "plans" / "docs" / "work-points-gbk.txt"
    ).read_bytes()
    settings.IMPORT_INLINE_MAX_BYTES = len(gbk)  # in UTF-8, as the preview posts it back, more
    client = _client(world.users["coordinator"])
    job = _start(client, django_capture_on_commit_callbacks, document=_upload(gbk, "要点.txt"))
    assert job.document is None and job.filename == "要点.txt"
    assert "冀知发〔2024〕3号" in job.text and job.state == PlanImportState.PARSED


def test_confirm_imports_the_plan_with_its_tasks_as_the_requester(
    world, django_capture_on_commit_callbacks
):
    client = _client(world.users["coordinator"])
    job = _start(client, django_capture_on_commit_callbacks, document=_upload())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/plans/import/{job.pk}/", {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == f"/plans/import/{job.pk}/"
    job.refresh_from_db()
    plan = Plan.objects.get(doc_number="琼府〔2022〕39号")
    assert job.state == PlanImportState.DONE and job.plan == plan and job.step == "方案已导入。"
    assert plan.tasks.count() == 12 and plan.lead_agency == world.hainan_office
    assert job.document is None and job.text == ""  # the document is not kept once imported
    page = client.get(f"/plans/import/{job.pk}/").content.decode()
    assert f'href="/plans/{plan.pk}/"' in page and "hx-trigger" not in page
    # a redelivered apply job, or a second confirm, imports nothing again
    assert plan_import_job_apply(job_id=job.pk) is False
    client.post(f"/plans/import/{job.pk}/", {"action": "confirm"})
    assert Plan.objects.filter(doc_number="琼府〔2022〕39号").count() == 1
    assert plan.tasks.count() == 12


def test_only_the_requester_confirms(world, django_capture_on_commit_callbacks):
    job = _start(
        _client(world.users["coordinator"]), django_capture_on_commit_callbacks, document=_upload()
    )
    response = _client(world.users["admin"]).post(f"/plans/import/{job.pk}/", {"action": "confirm"})
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.state == PlanImportState.PARSED


def test_the_name_choices_of_the_preview_are_applied(world, django_capture_on_commit_callbacks):
    client = _client(world.users["coordinator"])
    job = _start(client, django_capture_on_commit_callbacks, document=_upload())
    preview = client.get(f"/plans/import/{job.pk}/").context["preview"]
    index, name = next((i, n) for i, n in enumerate(preview.unknown_names) if n.choices)
    chosen = name.choices[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/plans/import/{job.pk}/", {"action": "confirm", f"map-{index}": chosen.pk})
    plan = Plan.objects.get(doc_number="琼府〔2022〕39号")
    assert plan.tasks.filter(responsibilities__agency=chosen).exists()


def test_a_rejected_import_fails_with_its_message_and_writes_nothing(
    world, django_capture_on_commit_callbacks
):
    client = _client(world.users["coordinator"])
    job = _start(client, django_capture_on_commit_callbacks, document=_upload())
    elsewhere = Agency.objects.filter(region=Region.objects.get(name="湖南省")).first()
    agencies = Agency.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/plans/import/{job.pk}/", {"action": "confirm", "map-0": elsewhere.pk})
    job.refresh_from_db()
    assert job.state == PlanImportState.FAILED and "所选单位不在本地区范围内" in job.error
    assert not Plan.objects.filter(doc_number="琼府〔2022〕39号").exists()
    assert Agency.objects.count() == agencies
    page = client.get(f"/plans/import/{job.pk}/").content.decode()
    assert "所选单位不在本地区范围内" in page and "未导入任何内容" in page


def test_a_bad_large_file_fails_with_a_clear_message(world, django_capture_on_commit_callbacks):
    client = _client(world.users["coordinator"])
    plans = Plan.objects.count()
    binary = b"\x89PNG" + b"\x00" * 4096
    job = _start(client, django_capture_on_commit_callbacks, document=_upload(binary, "图.txt"))
    assert job.state == PlanImportState.FAILED
    assert "NUL" in job.error and "not text" in job.error  # both languages, as inline
    assert job.document is None and Plan.objects.count() == plans
    page = client.get(f"/plans/import/{job.pk}/")
    assert page.status_code == 200 and "不是文本文件" in page.content.decode()
    # a failed row is final: a redelivered job does not start it again
    assert plan_import_job_parse(job_id=job.pk) is False


def test_a_text_without_tasks_fails_in_the_job(world, django_capture_on_commit_callbacks):
    client = _client(world.users["coordinator"])
    job = _start(client, django_capture_on_commit_callbacks, text="没有编号的段落。\n" * 200)
    assert job.state == PlanImportState.FAILED and "未找到可识别的任务" in job.error


def test_over_the_upload_limit_is_refused_before_any_job(world, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2048
    client = _client(world.users["coordinator"])
    response = client.post("/plans/import/", {"document": _upload(), "action": "preview"})
    assert response.status_code == 400
    assert "IMPORT_MAX_UPLOAD_BYTES" in response.content.decode()
    assert not PlanImportJob.objects.exists()


def test_a_redelivered_parse_job_does_nothing_twice(world, django_capture_on_commit_callbacks):
    client = _client(world.users["coordinator"])
    job = _start(client, django_capture_on_commit_callbacks, document=_upload())
    parsed = job.parsed
    PlanImportJob.objects.filter(pk=job.pk).update(step="已核对")
    assert plan_import_job_parse(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.state == PlanImportState.PARSED and job.parsed == parsed and job.step == "已核对"


def test_a_parse_whose_worker_was_lost_is_taken_over(world):
    client = _client(world.users["coordinator"])
    client.post("/plans/import/", {"document": _upload(), "action": "preview"})
    job = PlanImportJob.objects.get()
    recently = timezone.now() - dt.timedelta(minutes=1)
    PlanImportJob.objects.filter(pk=job.pk).update(state="parsing", started_at=recently)
    assert plan_import_job_parse(job_id=job.pk) is False  # another worker is on it
    PlanImportJob.objects.filter(pk=job.pk).update(started_at=recently - dt.timedelta(hours=1))
    assert plan_import_job_parse(job_id=job.pk) is True
    job.refresh_from_db()
    assert job.state == PlanImportState.PARSED


def test_the_progress_page_reads_a_bounded_number_of_rows(
    world, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = _client(world.users["coordinator"])
    client.post("/plans/import/", {"document": _upload(), "action": "preview"})
    pending = PlanImportJob.objects.get()
    poll = {"HX-Request": "true"}
    with django_assert_max_num_queries(8):  # polled every 2 s: session, user, job, bell…
        assert client.get(f"/plans/import/{pending.pk}/", headers=poll).status_code == 200
    PlanImportJob.objects.all().delete()
    job = _start(client, django_capture_on_commit_callbacks, document=_upload())
    # parsed while polled: the page reloads itself to show the preview
    response = client.get(f"/plans/import/{job.pk}/", headers=poll)
    assert response.headers.get("HX-Refresh") == "true"
    # The preview costs what the inline preview of the same text costs, plus the job's row
    # (read without, then with its document).
    settings.IMPORT_INLINE_MAX_BYTES = len(HAINAN)
    with CaptureQueriesContext(connection) as inline:
        client.post("/plans/import/", {"document": _upload(), "action": "preview"})
    with django_assert_max_num_queries(len(inline) + 2):
        assert client.get(f"/plans/import/{job.pk}/").status_code == 200


def test_the_parse_result_round_trips_through_json():
    for source in SOURCES.glob("*.txt"):
        parsed = parse_plan(text=source.read_text(encoding="utf-8"))
        assert parsed_from_json(parsed_to_json(parsed)) == parsed


def test_old_finished_rows_are_purged(world):
    user = world.users["coordinator"]
    old = timezone.now() - dt.timedelta(days=8)
    for state in ("done", "failed", "parsed", "importing"):
        job = PlanImportJob.objects.create(requested_by=user, text="x", state=state)
        PlanImportJob.objects.filter(pk=job.pk).update(created_at=old)
    fresh = PlanImportJob.objects.create(requested_by=user, text="x", state="done")
    assert plan_import_jobs_purge() == 3
    remaining = set(PlanImportJob.objects.values_list("state", "pk"))
    assert remaining == {("importing", fresh.pk - 1), ("done", fresh.pk)}
