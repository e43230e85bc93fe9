"""导入方案 in the browser (upload → preview → correct → confirm) and the plan pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from agencies.models import Agency, AgencyAlias, NameVariant, Region
from plans.models import Plan
from tests.factories import AgencyFactory
from tests.plans.test_parse_limits import write_docx

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).resolve().parents[2] / "plans" / "sources"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hainan_upload() -> SimpleUploadedFile:
    data = (SOURCES / "hainan-2022.txt").read_bytes()
    return SimpleUploadedFile("方案.txt", data, content_type="text/plain")


@pytest.mark.parametrize(
    ("name", "status"),
    [("coordinator", 200), ("liaison", 403), ("nipa_viewer", 403), ("nobody", 403)],
)
def test_only_coordinators_open_the_import_page(world, name, status):
    assert _client(world.users[name]).get("/plans/import/").status_code == status


def test_upload_previews_without_writing_then_confirm_imports(world):
    client = _client(world.users["coordinator"])
    plans = Plan.objects.count()
    response = client.post("/plans/import/", {"document": _hainan_upload(), "action": "preview"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "推进知识产权管理体制机制改革" in page
    assert "待核实的单位" in page  # unknown agencies are highlighted
    assert Plan.objects.count() == plans
    text = response.context["form"].initial["text"]
    response = client.post("/plans/import/", {"text": text, "action": "confirm"})
    plan = Plan.objects.get(doc_number="琼府〔2022〕39号")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/"
    # A plan imported in the browser is led by the importing coordinator's agency.
    assert plan.lead_agency == world.hainan_office
    assert plan.tasks.count() == 12


def test_the_coordinator_maps_an_unknown_name_to_an_existing_agency(world):
    NameVariant.objects.all().delete()  # no short forms known: the coordinator maps by hand
    hainan = Region.objects.get(name="海南省")
    court = AgencyFactory(name="海南省高级人民法院", region=hainan)
    client = _client(world.users["coordinator"])
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    preview = client.post("/plans/import/", {"text": text, "action": "preview"}).context["preview"]
    index = next(i for i, n in enumerate(preview.unknown_names) if n.written == "省高级法院")
    assert court in preview.unknown_names[index].suggestions
    client.post("/plans/import/", {"text": text, "action": "confirm", f"map-{index}": court.pk})
    assert AgencyAlias.objects.filter(region=hainan, name="省高级法院", agency=court).exists()
    assert not Agency.objects.filter(name="海南省高级法院").exists()
    plan = Plan.objects.get(doc_number="琼府〔2022〕39号")
    assert plan.tasks.filter(responsibilities__agency=court).exists()


def test_bad_input_shows_the_error_and_writes_nothing(world):
    client = _client(world.users["coordinator"])
    empty = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    response = client.post("/plans/import/", {"document": empty, "action": "preview"})
    assert response.status_code in (200, 400)
    assert "请上传方案文件或粘贴方案全文" in response.content.decode()
    binary = SimpleUploadedFile("x.txt", b"\x00\x01\x02\x03" * 10, content_type="text/plain")
    response = client.post("/plans/import/", {"document": binary, "action": "preview"})
    assert response.status_code == 400
    assert not Plan.objects.filter(doc_number="琼府〔2022〕39号").exists()


def test_a_revision_may_only_come_from_the_plans_own_coordinators(world):
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    _client(world.users["coordinator"]).post("/plans/import/", {"text": text, "action": "confirm"})
    revised = text.replace("2.完善知识产权政策制度体系。", "2.健全知识产权政策制度体系。")
    other = _client(world.users["other_coordinator"])
    assert other.post("/plans/import/", {"text": revised, "action": "confirm"}).status_code == 403
    assert Plan.objects.get(doc_number="琼府〔2022〕39号").tasks.get(number=2).title == (
        "完善知识产权政策制度体系"
    )


@pytest.mark.parametrize(
    ("name", "own", "other"),
    [
        ("coordinator", 200, 404),
        ("liaison", 200, 404),
        ("local_viewer", 200, 404),
        ("nipa_viewer", 200, 200),
        ("other_liaison", 404, 200),
        ("nobody", 404, 404),
    ],
)
def test_plan_page_visibility(world, name, own, other):
    client = _client(world.users[name])
    assert client.get(f"/plans/{world.plan_a.pk}/").status_code == own
    assert client.get(f"/plans/{world.plan_b.pk}/").status_code == other


def test_plan_list_shows_only_visible_plans(world):
    page = _client(world.users["liaison"]).get("/plans/").content.decode()
    assert world.plan_a.title in page
    assert world.plan_b.title not in page


def test_the_preview_preselects_an_existing_agency_still_in_review(world):
    Agency.objects.filter(pk=world.hainan_office.pk).update(needs_review=True)
    client = _client(world.users["coordinator"])
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    response = client.post("/plans/import/", {"text": text, "action": "preview"})
    preview = response.context["preview"]
    index = next(i for i, n in enumerate(preview.unknown_names) if n.written == "省知识产权局")
    name = preview.unknown_names[index]
    assert name.agency == world.hainan_office and name.in_review
    page = response.content.decode()
    row = page[page.index(f'name="map-{index}"') :]
    row = row[: row.index("</tr>")]
    assert f'<option value="{world.hainan_office.pk}" selected>海南省知识产权局（待核实）' in row
    assert '<option value="" selected>' not in row
    assert "已有单位，仍待核实" in row
    # Confirming as preselected keeps the one agency: no second 海南省知识产权局 appears.
    client.post(
        "/plans/import/", {"text": text, "action": "confirm", f"map-{index}": name.agency.pk}
    )
    plan = Plan.objects.get(doc_number="琼府〔2022〕39号")
    assert plan.tasks.filter(responsibilities__agency=world.hainan_office).count() == 12
    assert Agency.objects.filter(name__contains="海南省知识产权局").count() == 1


def test_a_short_form_resolves_to_the_existing_agency_in_the_preview(world):
    court = AgencyFactory(name="海南省高级人民法院", region=Region.objects.get(name="海南省"))
    client = _client(world.users["coordinator"])
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    preview = client.post("/plans/import/", {"text": text, "action": "preview"}).context["preview"]
    assert preview.names[("省高级法院", "海南省高级法院")].agency == court
    assert "省高级法院" not in {n.written for n in preview.unknown_names}


def test_collective_units_are_badged_in_the_preview(world):
    client = _client(world.users["coordinator"])
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    response = client.post("/plans/import/", {"text": text, "action": "preview"})
    collective = [n.written for n in response.context["preview"].unknown_names if n.collective]
    assert "各市县" in collective
    assert "集合单位" in response.content.decode()


def _upload_status(client: Client, upload: SimpleUploadedFile) -> tuple[int, str]:
    response = client.post("/plans/import/", {"document": upload, "action": "preview"})
    return response.status_code, response.content.decode()


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1024)
def test_an_upload_over_the_limit_is_refused_with_the_limit_named(world):
    client = _client(world.users["coordinator"])
    status, page = _upload_status(client, _hainan_upload())
    assert status == 400
    assert "文件过大" in page
    assert "IMPORT_MAX_UPLOAD_BYTES" in page
    assert not Plan.objects.filter(doc_number="琼府〔2022〕39号").exists()


def test_pasted_text_over_a_limit_is_refused_with_the_limit_named(world):
    client = _client(world.users["coordinator"])
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    with override_settings(IMPORT_MAX_TASKS=5):
        response = client.post("/plans/import/", {"text": text, "action": "confirm"})
    assert response.status_code == 400
    assert "任务过多（12 项），一个方案最多 5 项" in response.content.decode()
    assert not Plan.objects.filter(doc_number="琼府〔2022〕39号").exists()


def test_a_docx_bomb_and_a_broken_docx_are_a_400_not_a_500(world, tmp_path):
    client = _client(world.users["coordinator"])
    bomb = write_docx(tmp_path / "many.docx", (b"<w:p/>" * 100_000 for _ in range(12)))
    status, page = _upload_status(client, SimpleUploadedFile("many.docx", bomb.read_bytes()))
    assert (status, "IMPORT_MAX_PARAGRAPHS" in page) == (400, True)
    broken = write_docx(tmp_path / "broken.docx", [b"<w:p><w:r><w:t>unclosed"])
    status, page = _upload_status(client, SimpleUploadedFile("broken.docx", broken.read_bytes()))
    assert (status, "无法读取该 .docx 文件" in page) == (400, True)


def test_the_preview_warns_about_a_gap_in_the_numbering(world):
    client = _client(world.users["coordinator"])
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    assert "\n4." in text
    gapped = text.replace("\n4.", "\n5.", 1)
    response = client.post("/plans/import/", {"text": gapped, "action": "preview"})
    assert response.status_code == 200
    assert "编号“5.”" in response.content.decode()
    assert "不连续" in response.content.decode()
