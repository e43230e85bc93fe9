"""全国总览: what each user sees, from the rollups, in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from dashboards.models import Rollup
from dashboards.rollups import rollup_build
from tasks.models import Status, Task
from tests.factories import PlanFactory, RegionFactory, TaskFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rolled(world):
    Task.objects.filter(pk=world.a1.pk).update(status=Status.BEHIND)
    Task.objects.filter(pk=world.b1.pk).update(status=Status.COMPLETED)
    rollup_build(as_of=timezone.localdate())
    return world


def test_a_provincial_coordinator_sees_their_plan_and_its_red_items_only(rolled) -> None:
    page = _client(rolled.users["coordinator"]).get("/dashboards/").content.decode()
    assert rolled.plan_a.title in page and rolled.plan_b.title not in page
    assert rolled.a1.title in page  # 滞后: red
    assert rolled.b1.title not in page


def test_a_nipa_viewer_sees_every_province(rolled) -> None:
    page = _client(rolled.users["nipa_viewer"]).get("/dashboards/").content.decode()
    assert rolled.plan_a.title in page and rolled.plan_b.title in page


def test_a_user_of_no_agency_sees_nothing(rolled) -> None:
    page = _client(rolled.users["nobody"]).get("/dashboards/").content.decode()
    assert rolled.plan_a.title not in page and rolled.a1.title not in page


def test_the_table_downloads_as_csv_and_xlsx(rolled) -> None:
    client = _client(rolled.users["nipa_viewer"])
    response = client.get("/dashboards/?format=csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff地区,方案,任务数")  # a BOM: Excel opens it as UTF-8
    assert rolled.plan_a.title in text and response["Content-Type"].startswith("text/csv")
    book = load_workbook(io.BytesIO(client.get("/dashboards/?format=xlsx").content))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "完成占比(%)" in values and rolled.plan_b.title in values


def test_the_page_costs_the_same_queries_with_more_plans(
    rolled, django_assert_max_num_queries
) -> None:
    client = _client(rolled.users["nipa_viewer"])
    with django_assert_max_num_queries(11):
        client.get("/dashboards/")
    for n in range(6):
        plan = PlanFactory(region=RegionFactory(name=f"省份{n}"))
        TaskFactory(plan=plan, status=Status.BEHIND, due_on=dt.date(2025, 1, 1))
    rollup_build(as_of=timezone.localdate())
    with django_assert_max_num_queries(11):
        page = client.get("/dashboards/").content.decode()
    assert "省份5" in page


def test_the_region_filter_lives_in_the_url(rolled) -> None:
    client = _client(rolled.users["nipa_viewer"])
    page = client.get(f"/dashboards/?region={rolled.plan_b.region_id}").content.decode()
    assert rolled.plan_b.title in page and rolled.plan_a.title not in page
    assert f"region={rolled.plan_b.region_id}&amp;format=csv" in page  # the download keeps it


# --- the plan dashboard ---


@pytest.mark.parametrize(
    ("name", "status"),
    [("coordinator", 200), ("local_viewer", 200), ("other_coordinator", 404)],
)
def test_the_plan_dashboard_is_for_those_who_see_the_plan(rolled, name: str, status: int) -> None:
    response = _client(rolled.users[name]).get(f"/dashboards/plans/{rolled.plan_a.pk}/")
    assert response.status_code == status


def test_the_plan_dashboard_ranks_agencies_by_timely_reporting(rolled) -> None:
    ProgressReport = rolled.report_a1_office.__class__
    ProgressReport.objects.filter(pk=rolled.report_a1_office.pk).update(state="accepted")
    rollup_build(as_of=timezone.localdate())
    client = _client(rolled.users["coordinator"])
    text = client.get(
        f"/dashboards/plans/{rolled.plan_a.pk}/?table=agencies&format=csv"
    ).content.decode()
    lines = text.splitlines()
    assert lines[0].lstrip("\ufeff").startswith("名次,单位,应报,已报,按时")
    assert lines[1].startswith("1,海南省知识产权局,2,1,1")  # one of two on time: first
    assert lines[2].startswith("2,海南省商务厅,1,0,0")
    assert (
        client.get(f"/dashboards/plans/{rolled.plan_a.pk}/?table=x&format=csv").status_code == 404
    )


def test_the_plan_dashboard_shows_indicators_and_typical_cases(rolled) -> None:
    from decimal import Decimal

    from plans.models import Indicator, IndicatorValue

    indicator = Indicator.objects.create(
        plan=rolled.plan_a,
        name="每万人口高价值发明专利拥有量",
        unit="件",
        target=Decimal("10"),
        target_year=2025,
    )
    IndicatorValue.objects.create(indicator=indicator, year=2024, value=Decimal("8"))
    report = rolled.report_a2_office
    report.__class__.objects.filter(pk=report.pk).update(state="accepted", is_typical_case=True)
    rollup_build(as_of=timezone.localdate())
    page = (
        _client(rolled.users["nipa_viewer"])
        .get(f"/dashboards/plans/{rolled.plan_a.pk}/")
        .content.decode()
    )
    assert "每万人口高价值发明专利拥有量" in page and "80.0" in page  # 8 of 10
    assert f"/reports/{report.pk}/" in page


def test_the_plan_dashboard_costs_the_same_queries_with_more_tasks(
    rolled, django_assert_max_num_queries
) -> None:
    client = _client(rolled.users["coordinator"])
    url = f"/dashboards/plans/{rolled.plan_a.pk}/"
    with django_assert_max_num_queries(12):
        client.get(url)
    for _ in range(15):
        TaskFactory(plan=rolled.plan_a, status=Status.AT_RISK)
    rollup_build(as_of=timezone.localdate())
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


# --- an agency's duties ---


def test_my_agency_opens_the_users_own_agency(rolled) -> None:
    response = _client(rolled.users["liaison"]).get("/dashboards/agencies/mine/")
    assert response["Location"] == f"/dashboards/agencies/{rolled.hainan_commerce.pk}/"
    assert _client(rolled.users["nobody"]).get("/dashboards/agencies/mine/").status_code == 404


@pytest.mark.parametrize(
    ("name", "status"), [("liaison", 200), ("local_viewer", 200), ("other_liaison", 404)]
)
def test_an_agencys_duties_are_for_its_people_and_its_partners(
    rolled, name: str, status: int
) -> None:
    url = f"/dashboards/agencies/{rolled.hainan_commerce.pk}/"
    response = _client(rolled.users[name]).get(url)
    assert response.status_code == status
    if status == 200:
        assert rolled.a1.title in response.content.decode()


def test_a_nipa_department_sees_its_duties_in_every_province(rolled) -> None:
    from tests.factories import ResponsibilityFactory

    ResponsibilityFactory(task=rolled.b1, agency=rolled.nipa_dept, order=5)
    client = _client(rolled.users["nipa_viewer"])
    page = client.get(f"/dashboards/agencies/{rolled.nipa_dept.pk}/").content.decode()
    assert "我司职责" in page and rolled.a1.title in page and rolled.b1.title in page
    only_b = client.get(
        f"/dashboards/agencies/{rolled.nipa_dept.pk}/?plan={rolled.plan_b.pk}"
    ).content.decode()
    assert rolled.b1.title in only_b and rolled.a1.title not in only_b


def test_the_duties_show_the_latest_report_and_filter_by_status(rolled) -> None:
    client = _client(rolled.users["liaison"])
    url = f"/dashboards/agencies/{rolled.hainan_commerce.pk}/"
    page = client.get(url).content.decode()
    assert f"/reports/{rolled.report_a1_commerce.pk}/" in page
    assert rolled.a1.title not in client.get(url + "?status=completed").content.decode()
    text = client.get(url + "?status=behind&format=csv").content.decode()
    assert rolled.a1.title in text and "红" in text


def test_the_duties_page_costs_the_same_queries_with_more_tasks(
    rolled, django_assert_max_num_queries
) -> None:
    from tests.factories import ResponsibilityFactory

    client = _client(rolled.users["liaison"])
    url = f"/dashboards/agencies/{rolled.hainan_commerce.pk}/"
    with django_assert_max_num_queries(11):
        client.get(url)
    for _ in range(15):
        task = TaskFactory(plan=rolled.plan_a)
        ResponsibilityFactory(task=task, agency=rolled.hainan_commerce)
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


def _chart_data(page: str) -> dict:
    import json
    import re

    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def test_the_trend_follows_the_nightly_rollups(rolled) -> None:
    today = timezone.localdate()
    Task.objects.filter(pk=rolled.a2.pk).update(status=Status.ON_TRACK)
    rollup_build(as_of=today - dt.timedelta(days=1))  # a2 on track, a1 behind: 50%
    Task.objects.filter(pk=rolled.a2.pk).update(status=Status.NOT_STARTED)
    rollup_build(as_of=today)  # nothing moving: 0%
    page = _client(rolled.users["coordinator"]).get("/dashboards/").content.decode()
    trend = _chart_data(page)["trend"]
    assert trend["categories"] == [(today - dt.timedelta(days=1)).isoformat(), today.isoformat()]
    assert trend["series"] == [{"name": rolled.plan_a.region.name, "data": [50.0, 0.0]}]


def test_many_duties_come_a_page_at_a_time_and_the_download_has_them_all(rolled, settings) -> None:
    from dashboards import views as dashboard_views
    from tests.factories import ResponsibilityFactory

    for number in range(3):
        task = TaskFactory(plan=rolled.plan_a, title=f"批量任务{number}")
        ResponsibilityFactory(task=task, agency=rolled.hainan_commerce)
    client = _client(rolled.users["liaison"])
    url = f"/dashboards/agencies/{rolled.hainan_commerce.pk}/"
    size, dashboard_views.DUTIES_PAGE_SIZE = dashboard_views.DUTIES_PAGE_SIZE, 2
    try:
        first = client.get(url).content.decode()
        last = client.get(url + "?page=99").content.decode()  # past the end: the last page
        everything = client.get(url + "?format=csv").content.decode()
    finally:
        dashboard_views.DUTIES_PAGE_SIZE = size
    assert "下一页" in first and "上一页" not in first
    assert "上一页" in last and "下一页" not in last
    assert all(f"批量任务{n}" in everything for n in range(3))
    assert first.count('<th scope="row"><a href="/tasks/') == 2  # one page: two duties


def test_the_overview_cuts_its_red_list_keeping_the_most_overdue(rolled) -> None:
    from dashboards.selectors import RED_TASKS_SHOWN

    today = timezone.localdate()
    Task.objects.filter(pk=rolled.a1.pk).update(
        status=Status.BEHIND, due_on=today - dt.timedelta(days=3)
    )
    Task.objects.filter(pk=rolled.a2.pk).update(
        status=Status.BEHIND, due_on=today - dt.timedelta(days=30)
    )
    for _ in range(RED_TASKS_SHOWN - 1):  # with a2, a full list more overdue than a1
        TaskFactory(plan=rolled.plan_a, status=Status.BEHIND, due_on=today - dt.timedelta(days=10))
    page = _client(rolled.users["coordinator"]).get("/dashboards/").content.decode()
    red = page.split('id="red-heading"', 1)[1]
    assert f"/tasks/{rolled.a2.pk}/" in red and f"/tasks/{rolled.a1.pk}/" not in red
    assert f"仅列出最紧迫的 {RED_TASKS_SHOWN} 项" in red


def test_the_trend_draws_a_line_per_province_its_cities_counted_in(rolled) -> None:
    from agencies.models import Level
    from tests.factories import RegionFactory

    today = timezone.localdate()
    province = rolled.plan_a.region
    city = RegionFactory(name="海口市", level=Level.MUNICIPAL, parent=province)
    city_plan = PlanFactory(region=city)
    TaskFactory(plan=city_plan, status=Status.ON_TRACK)
    TaskFactory(plan=city_plan, status=Status.ON_TRACK)
    rollup_build(as_of=today)
    page = _client(rolled.users["nipa_viewer"]).get("/dashboards/").content.decode()
    lines = {s["name"]: s["data"] for s in _chart_data(page)["trend"]["series"]}
    assert "海口市" not in lines  # counted in its province's line
    hainan = Rollup.objects.get(batch="nightly", scope="plan", plan=rolled.plan_a, as_of=today)
    moving = hainan.status_on_track + hainan.status_ongoing + hainan.status_completed + 2
    assert lines[province.name] == [round(100 * moving / (hainan.tasks_total + 2), 1)]


def test_a_plan_whose_last_night_is_older_still_shows_its_newest_row(rolled) -> None:
    today = timezone.localdate()
    rollup_build(as_of=today - dt.timedelta(days=1))
    Rollup.objects.filter(plan=rolled.plan_b, as_of=today).delete()  # b's job failed today
    page = _client(rolled.users["nipa_viewer"]).get("/dashboards/").content.decode()
    assert rolled.plan_a.title in page and rolled.plan_b.title in page


def test_rows_built_in_python_escape_and_cut_as_the_template_loops_did(rolled) -> None:
    """The red items, the duties and the typical cases are written in Python (issue 22): each
    value escaped as `{{ value }}`, the achievements cut as `|truncatechars:200`."""
    from django.template import Context, Template

    from tasks.models import Responsibility

    def shown(source: str, value: str) -> str:
        return Template(source).render(Context({"v": value}))

    title = '<script>alert("红")</script> & 任务'
    Task.objects.filter(pk=rolled.a1.pk).update(title=title)  # behind: red
    achievements = "<b>成效</b>" + "长" * 300
    report = rolled.report_a2_office
    report.__class__.objects.filter(pk=report.pk).update(
        state="accepted", is_typical_case=True, achievements=achievements
    )
    rollup_build(as_of=timezone.localdate())
    client = _client(rolled.users["nipa_viewer"])
    name = shown("{{ v }}", f"{rolled.a1.label}{title}")
    overview = client.get("/dashboards/").content.decode()
    assert name in overview and "<script>" not in overview.split("<main")[-1]
    agency = Responsibility.objects.filter(task=rolled.a1).first().agency_id
    duties = client.get(f"/dashboards/agencies/{agency}/").content.decode()
    assert name in duties and "<script>alert" not in duties
    plan = client.get(f"/dashboards/plans/{rolled.plan_a.pk}/").content.decode()
    cut = shown("{{ v|truncatechars:200 }}", achievements)
    assert f"<p>{cut}</p>" in plan and "<b>成效" not in plan and "长" * 250 not in plan
