"""Script payloads typed into any text field come back escaped on every page that shows them,
and formula payloads come back as text in every download."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from agencies.models import Agency
from dashboards.rollups import rollup_build
from meetings.services import meeting_create
from plans.models import Plan
from reports.models import ProgressReport
from tasks.models import Task
from tasks.services import task_comment

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/","点此")'


@pytest.fixture
def hostile(world):
    """Every free-text field a user or an import can fill, holding both payloads."""
    text = SCRIPT + FORMULA
    Plan.objects.filter(pk=world.plan_a.pk).update(title=FORMULA + "方案" + SCRIPT)
    Task.objects.filter(pk=world.a1.pk).update(title=FORMULA + SCRIPT, body=text)
    Agency.objects.filter(pk=world.hainan_commerce.pk).update(name=FORMULA + "商务厅" + SCRIPT)
    ProgressReport.objects.filter(pk=world.report_a1_commerce.pk).update(
        progress=text, problems=text, next_steps=text, state="accepted"
    )
    task_comment(actor=world.users["coordinator"], task=world.a1, text=text)
    world.meeting = meeting_create(
        actor=world.users["secretary"], plan=world.plan_a, title=SCRIPT, held_on=dt.date(2026, 1, 5)
    )
    rollup_build(as_of=timezone.localdate())
    return world


def _get(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_script_payloads_are_shown_escaped_on_every_page(hostile) -> None:
    w = hostile
    pages = {
        "coordinator": [
            "/",
            f"/tasks/{w.a1.pk}/",
            f"/reports/{w.report_a1_commerce.pk}/",
            f"/plans/{w.plan_a.pk}/",
            f"/dashboards/plans/{w.plan_a.pk}/",
            f"/plans/meetings/{w.meeting.pk}/",
            f"/dashboards/agencies/{w.hainan_commerce.pk}/",
        ],
        "nipa_viewer": ["/dashboards/", f"/dashboards/agencies/{w.nipa_dept.pk}/"],
        "liaison": ["/", "/notifications/"],
    }
    for name, paths in pages.items():
        for path in paths:
            page = _get(w.users[name], path)
            assert "<script>alert" not in page and "<img src=x" not in page, path
    task_page = _get(w.users["coordinator"], f"/tasks/{w.a1.pk}/")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in task_page


def _csv_cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def _xlsx_cells(body: bytes) -> list[object]:
    """Every cell's value; none may be a formula (a text that looks like one is kept as a
    string cell, which a spreadsheet shows and never runs)."""
    book = load_workbook(io.BytesIO(body))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                cells.append(cell.value)
    return cells


def test_every_download_keeps_formula_payloads_as_text(hostile, tmp_path) -> None:
    from django.core.management import call_command

    w = hostile
    downloads = [
        ("nipa_viewer", "/dashboards/?format={fmt}"),
        ("coordinator", f"/dashboards/plans/{w.plan_a.pk}/?table=agencies&format={{fmt}}"),
        ("coordinator", f"/dashboards/plans/{w.plan_a.pk}/?table=sections&format={{fmt}}"),
        ("coordinator", f"/dashboards/agencies/{w.hainan_commerce.pk}/?format={{fmt}}"),
        ("nipa_viewer", f"/dashboards/agencies/{w.nipa_dept.pk}/?format={{fmt}}"),
    ]
    seen_payload = False
    for name, template in downloads:
        client = Client()
        client.force_login(w.users[name])
        for fmt in ("csv", "xlsx"):
            response = client.get(template.format(fmt=fmt))
            assert response.status_code == 200, template
            body = b"".join(response.streaming_content) if response.streaming else response.content
            cells = _csv_cells(body) if fmt == "csv" else _xlsx_cells(body)
            texts = [c for c in cells if isinstance(c, str)]
            if fmt == "csv":  # a CSV cell is evaluated when opened; an XLSX cell has a type
                risky = [c for c in texts if c.startswith(("=", "+", "-", "@"))]
                assert not risky, (template, risky)
            seen_payload |= any("HYPERLINK" in c for c in texts)
    plan = Plan.objects.get(pk=w.plan_a.pk)
    call_command(
        "export_meeting_pack", "--plan", plan.code, "--formats", "xlsx", "--out", str(tmp_path)
    )
    ledgers = list(tmp_path.glob("*.xlsx"))
    assert len(ledgers) == 1
    for path in ledgers:  # every cell a typed value, none a formula
        texts = [c for c in _xlsx_cells(path.read_bytes()) if isinstance(c, str)]
        assert any(c.startswith("=HYPERLINK") for c in texts)  # kept as the user typed it
        seen_payload |= any("HYPERLINK" in c for c in texts)
    assert seen_payload  # the payloads were really in the downloads checked
