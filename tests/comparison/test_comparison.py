"""Cross-province comparison, similar tasks and the typical-case library (issue 23, part 2)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from comparison import selectors
from reports.models import ReportState
from tests.factories import ReportFactory, TaskFactory

pytestmark = pytest.mark.django_db

BRAND_A = (
    "全方位推动区域商标品牌建设",
    "实施商标品牌战略，布局建设商标品牌指导站，大力培育具有国际影响力的知名商标品牌。",
)
BRAND_B = (
    "推动革命老区民族地区开放振兴",
    "发挥商标品牌富农、地理标志兴农的功能作用，大力实施商标品牌战略，深入推进商标品牌指导站建设。",
)
CENTRE = ("建设知识产权保护中心", "建设中国（海南）知识产权保护中心，开展快速预审、快速确权。")


def _texts(world) -> None:
    for task, (title, body) in ((world.a1, BRAND_A), (world.a2, CENTRE), (world.b1, BRAND_B)):
        task.title, task.body = title, body
        task.save()


def _accept(report, *, typical: bool = False, text: str = "") -> None:
    report.state = ReportState.ACCEPTED
    report.is_typical_case = typical
    report.achievements = text or report.achievements
    report.save()


def test_demo_plans_brand_topic_spans_two_plans(world):
    from devdata.demo.load import demo_plans_import

    plans = demo_plans_import()
    groups = selectors.topic_tasks(user=world.users["nipa_viewer"], topic="商标品牌")
    demo = {p.pk for p in plans}
    assert len({g.plan_id for g in groups} & demo) >= 2
    topics = selectors.topics_for(user=world.users["nipa_viewer"])
    assert "商标品牌" in topics


def test_topic_page_lists_both_provinces_for_nipa(world):
    _texts(world)
    _accept(world.report_b1_dept, typical=True, text="桑植白茶品牌价值提升")
    client = Client()
    client.force_login(world.users["nipa_viewer"])
    page = client.get(reverse("comparison:compare"), {"topic": "商标品牌"}).content.decode()
    assert BRAND_A[0] in page and BRAND_B[0] in page
    assert CENTRE[0] not in page
    assert "桑植白茶品牌价值提升" in page  # the latest accepted report's excerpt
    groups = selectors.topic_tasks(user=world.users["nipa_viewer"], topic="商标品牌")
    rows = {r.task_id: r for g in groups for r in g.rows}
    assert rows[world.b1.pk].case_ids == [world.report_b1_dept.pk]


def test_visibility_three_users(world):
    _texts(world)
    users = world.users
    seen = {
        name: {
            r.task_id
            for g in selectors.topic_tasks(user=users[name], topic="商标品牌")
            for r in g.rows
        }
        for name in ("coordinator", "local_viewer", "other_liaison", "nipa_viewer")
    }
    assert seen["coordinator"] == seen["local_viewer"] == {world.a1.pk}
    assert seen["other_liaison"] == {world.b1.pk}
    assert seen["nipa_viewer"] == {world.a1.pk, world.b1.pk}
    # One plan visible: the page says comparison needs two.
    client = Client()
    client.force_login(users["coordinator"])
    page = client.get(reverse("comparison:compare"), {"topic": "商标品牌"}).content.decode()
    assert "至少两个方案" in page and BRAND_A[0] not in page


def test_similar_tasks_exclude_own_plan(world):
    _texts(world)
    nipa = world.users["nipa_viewer"]
    rows = selectors.similar_tasks(user=nipa, task=world.a1)
    assert [r.task_id for r in rows] == [world.b1.pk]
    assert all(r.plan_id != world.plan_a.pk for r in rows)
    client = Client()
    client.force_login(nipa)
    fragment = client.get(reverse("comparison:similar", args=[world.a1.pk])).content.decode()
    assert "其他省份的类似任务" in fragment and BRAND_B[0] in fragment
    # A task the user may not see: 404; a user who sees one plan only gets no other plan.
    client.force_login(world.users["other_liaison"])
    assert client.get(reverse("comparison:similar", args=[world.a1.pk])).status_code == 404
    assert selectors.similar_tasks(user=world.users["liaison"], task=world.a1) == []


@pytest.mark.parametrize(
    ("topic", "message"),
    [("！！？。", "请输入主题"), ("商" * 51, "主题过长"), ("量子引力波", "没有找到")],
)
def test_bad_topics(world, topic, message):
    _texts(world)
    client = Client()
    client.force_login(world.users["nipa_viewer"])
    response = client.get(reverse("comparison:compare"), {"topic": topic})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_api_compare(world, api):
    _texts(world)
    client = api(world.users["nipa_viewer"])
    body = client.get("/api/v1/compare/", {"topic": "商标品牌"}).json()
    assert {r["task_id"] for r in body["results"]} == {world.a1.pk, world.b1.pk}
    assert client.get("/api/v1/compare/", {"topic": "。。"}).status_code == 400
    mine = api(world.users["other_liaison"]).get("/api/v1/compare/", {"topic": "商标品牌"}).json()
    assert {r["task_id"] for r in mine["results"]} == {world.b1.pk}


def _cases(world) -> None:
    _accept(world.report_a1_office, typical=True, text="海南商标品牌指导站覆盖全省")
    _accept(world.report_b1_dept, typical=True, text="湖南地理标志助力乡村振兴")
    _accept(world.report_a2_office, text="不是典型案例")


def test_case_library_visibility_and_filters(world):
    _cases(world)
    client = Client()
    client.force_login(world.users["nipa_viewer"])
    url = reverse("comparison:cases")
    page = client.get(url).content.decode()
    assert "海南商标品牌指导站" in page and "湖南地理标志" in page and "不是典型案例" not in page
    page = client.get(url, {"region": world.plan_b.region_id}).content.decode()
    assert "湖南地理标志" in page and "海南商标品牌指导站" not in page
    page = client.get(url, {"q": "地理标志"}).content.decode()
    assert "湖南地理标志" in page and "海南商标品牌指导站" not in page
    page = client.get(url, {"plan": "abc", "year": "1800"}).content.decode()
    assert "海南商标品牌指导站" in page  # bad filters: shown with their error, ignored
    for name, expected in (
        ("coordinator", {world.report_a1_office.pk}),
        ("local_viewer", {world.report_a1_office.pk}),
        ("other_liaison", {world.report_b1_dept.pk}),
    ):
        found = set(selectors.typical_cases(user=world.users[name]).values_list("pk", flat=True))
        assert found == expected, name


def test_case_exports(world):
    _cases(world)
    client = Client()
    client.force_login(world.users["nipa_viewer"])
    url = reverse("comparison:cases")
    xlsx = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.freeze_panes == "A2"
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert "海南商标品牌指导站覆盖全省" in cells and "湖南地理标志助力乡村振兴" in cells
    docx = client.get(url, {"format": "docx", "region": world.plan_a.region_id})
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "典型案例汇编" in text and "海南商标品牌指导站覆盖全省" in text
    assert "湖南地理标志" not in text
    # Another province's user exports only what they may read.
    client.force_login(world.users["other_liaison"])
    sheet = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert "湖南地理标志助力乡村振兴" in cells and "海南商标品牌指导站覆盖全省" not in cells


def test_api_cases(world, api):
    _cases(world)
    client = api(world.users["nipa_viewer"])
    body = client.get("/api/v1/compare/cases/").json()
    assert {r["id"] for r in body["results"]} == {
        world.report_a1_office.pk,
        world.report_b1_dept.pk,
    }
    assert client.get("/api/v1/compare/cases/", {"year": "abc"}).status_code == 400
    one = client.get("/api/v1/compare/cases/", {"plan": world.plan_b.pk}).json()
    assert [r["id"] for r in one["results"]] == [world.report_b1_dept.pk]


def test_query_count_constant(world, django_assert_max_num_queries):
    _texts(world)
    for n in range(10):
        task = TaskFactory(plan=world.plan_b, title=f"商标品牌工作{n}", body=BRAND_B[1])
        ReportFactory(task=task, agency=world.hunan_dept, state=ReportState.ACCEPTED)
    with django_assert_max_num_queries(8):
        selectors.topic_tasks(user=world.users["nipa_viewer"], topic="商标品牌")
