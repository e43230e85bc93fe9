"""Inputs that reach the database are checked: a NUL or other control character in any
parameter, form field or JSON string is a 400 naming the field, and nothing is written; an
id beyond the database's bigint range in a query, a path or a body never reaches a query."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver

from config.api_urls import router
from reports.models import Attachment, ProgressReport
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # above 2**63 - 1
BEYOND_BIGINT = "7222083942557992091648"  # the id the outside fuzzer sent
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _edit_url(report: ProgressReport) -> str:
    return f"/reports/write/{report.task_id}/{report.agency_id}/{report.period_id}/"


# --- the two requests the issue reported -------------------------------------------------


def test_a_nul_in_the_agency_search_is_a_400_in_the_api_error_format(world, token_client):
    client = token_client(world.users["liaison"])
    response = client.get("/api/v1/agencies/?search=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "search" in error["message"] and "控制字符" in error["message"]
    assert list(error["fields"]) == ["search"]


def test_a_task_id_beyond_bigint_is_a_400_naming_the_filter(world, token_client):
    client = token_client(world.users["liaison"])
    response = client.get(
        f"/api/v1/responsibilities/?task={BEYOND_BIGINT}", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["task"] and "超出范围" in error["message"]
    # The largest id the database can hold is still a (not found) id: nothing is refused.
    assert client.get(f"/api/v1/responsibilities/?task={2**63 - 1}").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "page_size=-99999999999999999999",
        "plan=00009223372036854775808",
    ],
)
def test_a_page_or_filter_number_beyond_bigint_is_a_400(world, token_client, query):
    response = token_client(world.users["liaison"]).get(f"/api/v1/tasks/?{query}")
    assert response.status_code == 400


def test_a_long_number_typed_in_a_search_box_is_searched_not_refused(world):
    response = _client(world, "liaison").get("/?q=12345678901234567890123")
    assert response.status_code == 200


def test_a_page_number_beyond_bigint_on_a_page_is_a_400_page(world):
    response = _client(world, "liaison").get(
        "/notifications/?page=99999999999999999999", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# --- control characters ----------------------------------------------------------------


@pytest.mark.parametrize("char", ["%00", "%01", "%1B", "%7F", "%C2%85", "%0A", "%09"])
def test_control_characters_in_a_search_box_are_a_400_page(world, char):
    response = _client(world, "liaison").get(f"/?q=abc{char}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "“q”中含有不允许的控制字符" in response.content.decode()


def test_a_control_character_in_a_parameter_name_is_refused_too(world, token_client):
    response = token_client(world.users["liaison"]).get("/api/v1/agencies/?a%00b=1")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["a\\u0000b"]


def test_ordinary_text_and_multiline_reports_pass(world):
    client = _client(world, "liaison")
    assert client.get("/?q=培训 专利").status_code == 200
    report = world.report_a1_commerce
    # Tabs, line and page breaks, as text pasted from Word or a PDF carries them.
    text = "第一段：完成培训。\r\n\t第二段：下一步。\x0c第三段。\x0b第四段。"
    data = {"progress": text, "version": report.version, "action": "save"}
    assert client.post(_edit_url(report), data).status_code == 302
    report.refresh_from_db()
    assert report.progress == text


@pytest.mark.parametrize("char", ["\x00", "\x08", "\x1f", "\x7f", "\x9b"])
def test_a_control_character_in_a_reports_progress_text_writes_nothing(world, char):
    report = world.report_a1_commerce
    before = (report.progress, report.version)
    response = _client(world, "liaison").post(
        _edit_url(report),
        {"progress": f"完成{char}培训", "version": report.version, "action": "save"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "“progress”中含有不允许的控制字符" in response.content.decode()
    report.refresh_from_db()
    assert (report.progress, report.version) == before


def test_a_nul_in_the_login_form_is_refused_before_any_lookup(db, client):
    response = client.post("/accounts/login/", {"username": "admin\x00", "password": "x"})
    assert response.status_code == 400


@pytest.fixture
def period(world):
    return PeriodFactory(
        plan=world.plan_a, label="2026年上半年", opens_on=dt.date(2026, 6, 1),
        due_on=dt.date(2026, 7, 15),
    )  # fmt: skip


def _report_body(world, period, **extra):
    return {
        "task": world.a1.pk,
        "agency": world.hainan_commerce.pk,
        "period": period.pk,
        "progress": "已完成调研。",
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"progress": "已完成\x00调研"}, "progress"),
        ({"problems": "无\x07"}, "problems"),
        ({"milestone": "\ud800"}, "milestone"),
        ({"extra\x00": "x"}, "extra\\u0000"),
        ({"nested": {"list": ["ok", "no\x1b"]}}, "nested.list[1]"),
    ],
)
def test_a_control_character_in_a_json_body_writes_nothing(world, api, period, extra, field):
    body = json.dumps(_report_body(world, period, **extra))  # escaped: "\\u0000", "\\ud800"
    response = api(world.users["liaison"]).post(
        "/api/v1/reports/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not ProgressReport.objects.filter(period=period).exists()


def test_control_characters_never_reach_an_uploaded_files_stored_name(world, api, period):
    liaison = api(world.users["liaison"])
    pk = liaison.post("/api/v1/reports/", _report_body(world, period), format="json").json()["id"]
    response = liaison.post(
        f"/api/v1/reports/{pk}/attachments/upload/",
        {"file": SimpleUploadedFile("佐证\x00\x01.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201
    assert Attachment.objects.get(report_id=pk).original_name == "佐证.pdf"


# --- integers beyond the database's range ----------------------------------------------


@pytest.mark.parametrize("field", ["task", "agency", "period"])
def test_a_huge_id_in_a_json_body_is_a_400_and_writes_nothing(world, api, period, field):
    body = {**_report_body(world, period), field: int(HUGE)}
    response = api(world.users["liaison"]).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert (
        not ProgressReport.objects.filter(task=world.a1, agency=world.hainan_commerce)
        .exclude(pk=world.report_a1_commerce.pk)
        .exists()
    )


def test_a_huge_number_in_a_json_field_is_a_400(world, api, period):
    response = api(world.users["liaison"]).post(
        "/api/v1/reports/", _report_body(world, period, percent=int(HUGE)), format="json"
    )
    assert response.status_code == 400
    assert "percent" in response.json()["error"]["fields"]
    assert not ProgressReport.objects.filter(period=period).exists()


def test_a_huge_version_in_a_form_is_a_conflict_and_writes_nothing(world):
    report = world.report_a1_commerce
    before = report.progress
    response = _client(world, "liaison").post(
        _edit_url(report), {"progress": "新内容", "version": HUGE, "action": "save"}
    )
    assert 400 <= response.status_code < 500
    report.refresh_from_db()
    assert report.progress == before


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _path_id_urls() -> list[str]:
    """Every page and API route with an id in its path, the ids 30 digits long."""
    big = "9" * 30
    urls = set()
    for route in _routes(get_resolver().url_patterns):
        if "<int:" in route:
            url = re.sub(r"<int:\w+>", big, route)
            urls.add("/" + re.sub(r"<str:\w+>", "docx", url))
        elif "(?P<pk>[0-9]+)" in route and "(?P<format>" not in route:
            url = route.replace("^", "").replace("$", "").replace("(?P<pk>[0-9]+)", big)
            urls.add("/" + url)
    return sorted(urls)


PATH_ID_URLS = _path_id_urls()


def test_the_path_sweep_covers_the_pages_and_the_api():
    assert "/tasks/" + "9" * 30 + "/" in PATH_ID_URLS
    assert "/api/v1/reports/" + "9" * 30 + "/" in PATH_ID_URLS
    assert len(PATH_ID_URLS) > 50


@pytest.mark.parametrize("name", ["coordinator", "admin"])
def test_a_huge_id_in_any_path_is_never_a_server_error(world, name):
    client = _client(world, name)
    for url in PATH_ID_URLS:
        for method in (client.get, client.post):
            assert method(url).status_code < 500, url
    assert client.get("/tasks/99999999999999999999999/").status_code == 404
    for prefix, _viewset, _basename in router.registry:
        assert client.get(f"/api/v1/{prefix}/{'9' * 30}/").status_code == 404, prefix


# --- every filter of every API list ----------------------------------------------------


def _list_parameters() -> list[tuple[str, str]]:
    out = []
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        names = [*(filterset.base_filters if filterset else ()), "page", "page_size"]
        out += [(prefix, name) for name in names]
    return out


@pytest.mark.parametrize(("endpoint", "parameter"), _list_parameters())
def test_no_filter_value_is_a_server_error(world, api, endpoint, parameter):
    client = api(world.users["coordinator"])
    for value in (HUGE, "-" + HUGE, "9" * 5000, "0"):
        assert client.get(f"/api/v1/{endpoint}/?{parameter}={value}").status_code in (200, 400, 404)
    nul = client.get(f"/api/v1/{endpoint}/?{parameter}=%00")
    assert nul.status_code == 400
    assert list(nul.json()["error"]["fields"]) == [parameter]
