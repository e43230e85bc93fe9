"""责任分工表: the plan's tasks with both sides' lead and co agencies, deadline, status and
light, as XLSX, DOCX and JSON; for whoever may see the plan, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from devdata.demo.load import DEMO_PLANS, SOURCES
from plans.importer.parse import parse_plan
from tasks.duty_table import duty_table_gather, duty_table_render
from tasks.duty_table.layout import short_name
from tasks.models import Responsibility, ResponsibilityRole, Status
from tasks.services.plan_import import plan_import

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIRST_TASK_ROW = 5  # title, document number, two header rows


def _demo_plan(source: str):
    """One demo plan, imported as devdata.demo.load.demo_plans_import imports it."""
    text = (SOURCES / source).read_text(encoding="utf-8")
    return plan_import(parsed=parse_plan(text=text), text=text, actor=None).plan


def _sheet(data):
    return load_workbook(io.BytesIO(duty_table_render(data=data, fmt="xlsx"))).active


def _side_columns(sheet) -> dict[str, int]:
    """Column index (1-based) of each side's lead and co column, from the two header rows."""
    columns, group = {}, ""
    for j in range(1, sheet.max_column + 1):
        group = sheet.cell(row=3, column=j).value or group
        sub = sheet.cell(row=4, column=j).value
        if sub in ("牵头单位", "配合单位"):
            side = "nipa" if group == "国家知识产权局" else "local"
            columns[f"{side}_{'lead' if sub == '牵头单位' else 'co'}"] = j
    return columns


@pytest.mark.parametrize("spec", DEMO_PLANS, ids=[s.prefix for s in DEMO_PLANS])
def test_the_xlsx_of_each_demo_plan_has_a_row_per_task_with_both_sides_agencies(spec) -> None:
    plan = _demo_plan(spec.source)
    sheet = _sheet(duty_table_gather(plan=plan))
    merged = {str(r) for r in sheet.merged_cells.ranges}
    last = sheet.cell(row=3, column=sheet.max_column).column_letter
    sections, task_rows = [], []
    for r in range(FIRST_TASK_ROW, sheet.max_row + 1):
        (sections if f"A{r}:{last}{r}" in merged else task_rows).append(r)
    tasks = list(plan.tasks.order_by("number"))
    assert len(task_rows) == len(tasks)
    assert sections, "a merged row per section"
    titles = {sheet.cell(row=r, column=2).value: r for r in task_rows}
    columns = _side_columns(sheet)
    named = Responsibility.objects.filter(task__plan=plan, via_collective__isnull=True)
    for resp in named.select_related("agency", "task"):
        side = "nipa" if resp.side == "nipa" else "local"
        role = "co" if resp.role == ResponsibilityRole.CO else "lead"
        cell = sheet.cell(row=titles[resp.task.title], column=columns[f"{side}_{role}"]).value
        assert short_name(resp.agency.name, side=side) in cell
    sides = set(named.values_list("side", flat=True))
    assert {k.split("_")[0] for k in columns} == sides  # both where the plan names both
    if spec.prefix in ("hainan", "hunan"):
        assert sides == {"nipa", "local"}
    assert sheet.freeze_panes == f"A{FIRST_TASK_ROW}"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$4"
    assert "&P" in sheet.oddFooter.center.text
    assert sheet.cell(row=1, column=1).value == f"{plan.title} 责任分工表"


@pytest.mark.parametrize("spec", DEMO_PLANS, ids=[s.prefix for s in DEMO_PLANS])
def test_the_docx_names_every_task_under_a_repeated_header(spec) -> None:
    plan = _demo_plan(spec.source)
    doc = Document(io.BytesIO(duty_table_render(data=duty_table_gather(plan=plan), fmt="docx")))
    assert doc.paragraphs[0].text == f"{plan.title} 责任分工表"
    assert doc.sections[0].page_width > doc.sections[0].page_height  # landscape
    table = doc.tables[0]
    text = "\n".join(cell.text for row in table.rows for cell in row.cells)
    for task in plan.tasks.all():
        assert task.title in text
    rows = table._tbl.findall(qn("w:tr"))
    assert all(r.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None for r in rows[:2])
    assert all(r.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for r in rows)


def test_the_content_is_read_in_two_queries_whatever_the_plan(
    world, django_assert_num_queries
) -> None:
    hainan = _demo_plan("hainan-2022.txt")
    for plan in (world.plan_a, hainan):
        with django_assert_num_queries(2):
            duty_table_gather(plan=plan)


def test_lights_deadlines_and_the_latest_accepted_report(world) -> None:
    today = dt.date(2026, 6, 1)
    world.a1.status, world.a1.due_on = Status.ON_TRACK, dt.date(2026, 3, 31)
    world.a1.save()
    report = world.report_a1_office
    report.state, report.reviewed_at = "accepted", dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC)
    report.save()
    data = duty_table_gather(plan=world.plan_a, today=today)
    rows = {t["number"]: t for s in data["sections"] for t in s["tasks"]}
    assert rows[1]["light"] == "red"  # overdue and not completed: tasks.lights.light_for
    assert rows[1]["due"] == "2026-03-31" and rows[1]["last_accepted_on"] == "2026-04-02"
    assert rows[1]["nipa_co"] == [world.nipa_dept.name]
    assert rows[1]["local_lead"] == [world.hainan_office.name]
    assert rows[1]["local_co"] == [world.hainan_commerce.name]
    assert rows[2]["due_on"] is None and str(world.plan_a.period_end) in rows[2]["due"]


def test_a_title_that_looks_like_a_formula_stays_text(world) -> None:
    world.a1.title = "=HYPERLINK(1)"
    world.a1.save()
    sheet = _sheet(duty_table_gather(plan=world.plan_a))
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)


# --- who may download it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"), [("liaison", 200), ("local_viewer", 200), ("other_liaison", 404)]
)
@pytest.mark.parametrize(("fmt", "content_type"), [("xlsx", XLSX), ("docx", DOCX)])
def test_the_page_download_follows_the_plan_visibility(
    world, client, user, status, fmt, content_type
) -> None:
    client.force_login(world.users[user])
    url = reverse("plans:plan_duty_table", args=[world.plan_a.pk, fmt])
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("user", "status"), [("liaison", 200), ("local_viewer", 200), ("other_liaison", 404)]
)
def test_the_api_follows_the_plan_visibility(world, api, user, status) -> None:
    response = api(world.users[user]).get(f"/api/v1/tasks/duty-table/?plan={world.plan_a.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["plan"]["id"] == world.plan_a.pk
        task = body["sections"][0]["tasks"][0]
        keys = {"label", "title", "nipa_lead", "nipa_co", "local_lead", "local_co"}
        assert keys | {"due", "status", "light"} <= set(task)


@pytest.mark.parametrize(("fmt", "content_type"), [("xlsx", XLSX), ("docx", DOCX)])
def test_the_api_gives_the_files(world, api, fmt, content_type) -> None:
    client = api(world.users["local_viewer"])
    response = client.get(f"/api/v1/tasks/duty-table/?plan={world.plan_a.pk}&format={fmt}")
    assert response.status_code == 200 and response["Content-Type"] == content_type


def test_the_plan_page_links_both_files(world, client) -> None:
    client.force_login(world.users["local_viewer"])
    page = client.get(reverse("plans:plan_detail", args=[world.plan_a.pk])).content.decode()
    for fmt in ("xlsx", "docx"):
        assert reverse("plans:plan_duty_table", args=[world.plan_a.pk, fmt]) in page


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [("plan=999999", 404, None), ("", 400, "plan"), ("plan=abc", 400, "plan")],
)
def test_the_api_refuses_an_unknown_or_missing_plan(world, api, query, status, field) -> None:
    response = api(world.users["nipa_viewer"]).get(f"/api/v1/tasks/duty-table/?{query}")
    assert response.status_code == status
    if field:
        assert field in response.json()["error"]["fields"]


def test_the_api_refuses_an_unknown_format(world, api) -> None:
    client = api(world.users["liaison"])
    response = client.get(f"/api/v1/tasks/duty-table/?plan={world.plan_a.pk}&format=pdf")
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]


def test_the_page_has_no_other_format(world, client) -> None:
    client.force_login(world.users["liaison"])
    assert client.get(f"/plans/{world.plan_a.pk}/duty-table.pdf").status_code == 404


# --- the command ------------------------------------------------------------------------------


def test_the_command_writes_the_files_by_document_number(tmp_path) -> None:
    plan = _demo_plan("hainan-2022.txt")
    out = StringIO()
    call_command("export_duty_table", "--plan", plan.doc_number, "--out", str(tmp_path), stdout=out)
    paths = out.getvalue().split()
    assert [p.rsplit(".", 1)[-1] for p in paths] == ["xlsx", "docx"]
    sheet = load_workbook(paths[0]).active
    assert sheet.cell(row=1, column=1).value == f"{plan.title} 责任分工表"
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--plan", "no-such-plan"], "找不到方案"), (["--plan", "x", "--formats", "pdf"], "格式")],
)
def test_the_command_refuses_bad_input_clearly(world, tmp_path, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("export_duty_table", *args, "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
