"""What a meeting pack says, as gathered once for every format: agencies by side and
summarised, the red tasks with their 督办 notices, the year's work points, the full 责任分工,
the cover and the one 总体进展 sentence, and notes of what is missing instead of failures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.rollups import plan_rollup_rows
from meetings.models import Committee, Decision, Meeting
from meetings.packs import labels
from meetings.packs.content import pack_content_gather
from reports.models import ReportState
from supervision.models import Level as NoticeLevel
from supervision.models import NoticeRecipient, SupervisionNotice
from supervision.services import notice_issue
from tasks.models import ResponsibilityRole, Status, Task
from tests.factories import (
    AgencyFactory,
    NipaAgencyFactory,
    PlanFactory,
    RegionFactory,
    ResponsibilityFactory,
    TaskFactory,
    UserFactory,
    WorkItemFactory,
)

TODAY = timezone.localdate()


def _gather(plan, meeting=None, as_of: dt.date = TODAY) -> dict:
    rows = plan_rollup_rows(plan=plan, as_of=as_of)
    data = pack_content_gather(plan=plan, as_of=as_of, rows=rows, meeting=meeting)
    # What a frozen meeting stores: it must survive JSON as it is.
    return json.loads(json.dumps(data))


def _tasks(data: dict) -> dict[int, dict]:
    return {t["number"]: t for s in data["sections"] for t in s["tasks"]}


@pytest.fixture
def meeting(world) -> Meeting:
    committee = Committee.objects.create(plan=world.plan_a, name="海南省知识产权强省建设委员会")
    return Meeting.objects.create(
        committee=committee,
        title="2025年度工作会议",
        held_on=TODAY,
        place="海口",
        agenda="听取年度工作汇报\n审议年度工作要点",
    )


def test_each_task_names_its_agencies_by_side_nipa_first(world, meeting) -> None:
    data = _gather(world.plan_a, meeting)
    a1 = _tasks(data)[1]
    assert a1["sides"] == [
        {"side": "国家知识产权局", "national": True, "lead": [], "co": ["运用促进司"]},
        {"side": "海南省", "national": False, "lead": ["省知识产权局"], "co": ["省商务厅"]},
    ]
    assert a1["lead_summary"] == "海南省：省知识产权局"
    assert a1["co_summary"] == "国家知识产权局：运用促进司；海南省：省商务厅"
    # The flat lists of full names stay as they were, for the XLSX and older readers.
    assert a1["lead"] == ["海南省知识产权局"]
    assert a1["co"] == ["国家知识产权局运用促进司", "海南省商务厅"]
    assert data["annex"][0] == {
        "number": 1,
        "label": "1.",
        "title": world.a1.title,
        "non_exhaustive": False,
        "sides": a1["sides"],
    }
    assert [a["number"] for a in data["annex"]] == [1, 2]


def test_red_tasks_come_with_their_supervision_notices(world, meeting) -> None:
    Task.objects.filter(pk=world.a1.pk).update(status=Status.BEHIND, due_on=dt.date(2025, 12, 31))
    item = WorkItemFactory(task=world.a1, year=TODAY.year, agencies=[world.hainan_commerce])
    coordinator = world.users["coordinator"]
    on_task = notice_issue(
        actor=coordinator,
        target=world.a1,
        agency_ids=[world.hainan_office.pk, world.hainan_commerce.pk],
        subject="加快推进",
        reason="任务滞后",
        deadline=TODAY + dt.timedelta(days=10),
        level=NoticeLevel.KEY,
    )
    notice_issue(
        actor=coordinator,
        target=item,
        agency_ids=[world.hainan_commerce.pk],
        subject="按期完成",
        reason="工作要点滞后",
        deadline=TODAY + dt.timedelta(days=5),
        level=NoticeLevel.GENERAL,
    )
    data = _gather(world.plan_a, meeting)
    [red] = data["red_items"]
    assert red["task"] == f"1.{world.a1.title}" and red["number"] == 1
    assert red["status"] == "behind" and red["due_on"] == "2025-12-31"
    assert red["lead_summary"] == "海南省：省知识产权局"
    assert [n["number"] for n in red["notices"]] == [
        f"督办单 〔{TODAY.year}〕1号",
        f"督办单 〔{TODAY.year}〕2号",
    ]
    first = red["notices"][0]
    assert first["level"] == "重点" and first["state"] == "已交办" and not first["overdue"]
    assert first["issued_on"] == timezone.localdate(on_task.issued_at).isoformat()
    assert first["due_on"] == (TODAY + dt.timedelta(days=10)).isoformat()
    # A green task is not a red item, whatever notices it has.
    assert all(item["number"] != 2 for item in data["red_items"])


def test_the_years_work_points_are_listed_with_their_agencies(world, meeting) -> None:
    WorkItemFactory(
        task=world.a2,
        title="建设保护中心",
        year=TODAY.year,
        due_on=dt.date(TODAY.year, 12, 31),
        agencies=[world.hainan_office, world.hainan_commerce],
    )
    WorkItemFactory(task=world.a1, title="去年的要点", year=TODAY.year - 1)
    data = _gather(world.plan_a, meeting)
    [point] = data["work_points"]
    assert point["task"] == f"2.{world.a2.title}" and point["title"] == "建设保护中心"
    assert point["due_on"] == f"{TODAY.year}-12-31" and point["status"] == "not_started"
    assert point["agencies"] == ["海南省商务厅", "海南省知识产权局"]
    assert "本年度尚未录入工作要点" not in data["missing"]


def test_the_cover_and_the_overall_sentence(world, meeting) -> None:
    Task.objects.filter(pk=world.a1.pk).update(status=Status.BEHIND)
    Task.objects.filter(pk=world.a2.pk).update(status=Status.COMPLETED)
    data = _gather(world.plan_a, meeting)
    assert data["cover"] == {
        "title": "2025年度工作会议",
        "plan_title": world.plan_a.title,
        "doc_number": world.plan_a.doc_number,
        "held_on": TODAY.isoformat(),
        "place": "海口",
        "as_of": TODAY.isoformat(),
    }
    date = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    assert data["overall_sentence"] == (
        f"截至{date}，本方案共有重点任务2项，其中已完成1项、滞后1项；亮红灯1项、黄灯0项、绿灯1项。"
    )
    # A pack frozen before the sentence was stored gets the same words.
    old = {k: v for k, v in data.items() if k != "overall_sentence"}
    assert labels.overall_sentence(old) == data["overall_sentence"]
    without_meeting = _gather(world.plan_a)
    assert without_meeting["cover"]["title"] == f"{world.plan_a.title}推进情况汇报"
    assert without_meeting["cover"]["held_on"] is None


def _side(name: str, count: int, *, national: bool) -> dict:
    return {
        "side": name,
        "national": national,
        "lead": [],
        "co": [f"单位{i}" for i in range(count)],
    }


def test_co_summary_names_up_to_three_and_counts_beyond() -> None:
    nipa, local = _side("国家知识产权局", 5, national=True), _side("海南省", 7, national=False)
    assert labels.co_summary([nipa, local]) == (
        "国家知识产权局：单位0、单位1等5个司局；海南省：单位0、单位1等7家单位"
    )
    nipa, local = _side("国家知识产权局", 3, national=True), _side("海南省", 2, national=False)
    assert labels.co_summary([nipa, local]) == (
        "国家知识产权局：单位0、单位1、单位2；海南省：单位0、单位1"
    )
    # 4 is beyond three: two names and the count.
    assert (
        labels.co_summary([_side("海南省", 4, national=False)]) == "海南省：单位0、单位1等4家单位"
    )
    # A list the plan ends in 等 says so when every name is shown.
    assert labels.co_summary([_side("海南省", 2, national=False)], non_exhaustive=True) == (
        "海南省：单位0、单位1等"
    )
    assert labels.co_summary([]) == ""
    # Old data has no "national" flag: NIPA's side is known by its name.
    old = {"side": "国家知识产权局", "lead": [], "co": ["甲", "乙", "丙", "丁"]}
    assert labels.co_summary([old]) == "国家知识产权局：甲、乙等4个司局"
    assert labels.lead_summary([{"side": "海南省", "lead": ["省知识产权局"], "co": []}]) == (
        "海南省：省知识产权局"
    )


def test_a_task_of_a_pack_frozen_before_sides_is_still_summarised() -> None:
    task = {"lead": ["海南省知识产权局"], "co": ["甲", "乙", "丙", "丁"], "non_exhaustive": False}
    assert labels.task_co_summary(task) == "甲、乙等4家单位"
    assert labels.task_lead_summary(task) == "海南省知识产权局"


def test_bad_input_still_gathers_and_says_what_is_missing(world, meeting) -> None:
    """No accepted report, a task without agencies, a 300-character title, a name outside
    GB2312, a meeting whose previous one decided nothing: all gathered, with notes."""
    plan = world.plan_a
    Meeting.objects.create(
        committee=meeting.committee, title="上次会议", held_on=dt.date(2024, 1, 5)
    )
    meeting.agenda = ""
    meeting.save()
    long_title = "长" * 300
    bare = TaskFactory(plan=plan, number=3, label="3.", title=long_title)
    rare = AgencyFactory(name="海南省𠀾䶮研究中心", region=world.hainan_office.region)
    ResponsibilityFactory(task=world.a2, agency=rare, role=ResponsibilityRole.CO, order=1)
    data = _gather(plan, meeting)
    assert data["missing"] == [
        "会议议程未填写",
        "本年度尚无已采纳的进展报告",
        "任务3.未明确责任单位",
        "上次会议无议定事项",
        "本年度尚未录入工作要点",
        "本年度尚无典型案例",
        "本方案未设置指标或尚无指标数据",
    ]
    assert data["missing_parts"]["decisions"] == ["上次会议无议定事项"]
    tasks = _tasks(data)
    assert tasks[3]["title"] == long_title and tasks[3]["sides"] == []
    assert tasks[3]["co_summary"] == "" and tasks[3]["lead_summary"] == ""
    assert tasks[2]["co_summary"] == "海南省：省𠀾䶮研究中心"
    assert data["annex"][2]["title"] == bare.title and data["annex"][2]["sides"] == []


def test_accepted_reports_this_year_leave_no_note(world, meeting) -> None:
    report = world.report_a1_office
    period = report.period
    period.__class__.objects.filter(pk=period.pk).update(ends_on=dt.date(TODAY.year, 6, 30))
    report.__class__.objects.filter(pk=report.pk).update(state=ReportState.ACCEPTED)
    data = _gather(world.plan_a, meeting)
    assert "本年度尚无已采纳的进展报告" not in data["missing"]
    assert "会议议程未填写" not in data["missing"]


@pytest.mark.django_db
def test_a_plan_without_tasks_or_reports_gathers() -> None:
    plan = PlanFactory(region=RegionFactory(name="测试省"))
    data = _gather(plan)
    assert data["sections"] == [] and data["annex"] == [] and data["red_items"] == []
    assert data["overall_sentence"].endswith("本方案尚无重点任务。")
    assert "本年度尚无已采纳的进展报告" in data["missing"]


def _plan_of(tasks: int) -> Meeting:
    """A plan of `tasks` red tasks, each with 13 agencies on two sides, a work point, a 督办
    notice with two recipients and a decision of the previous meeting; its current meeting."""
    national = RegionFactory(name="全国")
    region = RegionFactory(name="测试省")
    office = AgencyFactory(name="测试省知识产权局", region=region)
    plan = PlanFactory(region=region, lead_agency=office)
    depts = [NipaAgencyFactory(name=f"国家知识产权局测试司{i}", region=national) for i in range(5)]
    locals_ = [AgencyFactory(name=f"测试省单位{i}", region=region) for i in range(7)]
    committee = Committee.objects.create(plan=plan, name=f"{plan.title}委员会")
    previous = Meeting.objects.create(
        committee=committee, title="上次", held_on=dt.date(2024, 1, 1)
    )
    user = UserFactory()
    for n in range(1, tasks + 1):
        task = TaskFactory(plan=plan, number=n, status=Status.BEHIND)
        ResponsibilityFactory(task=task, agency=office, role=ResponsibilityRole.LEAD, order=0)
        for order, agency in enumerate(depts + locals_, start=1):
            ResponsibilityFactory(task=task, agency=agency, role=ResponsibilityRole.CO, order=order)
        item = WorkItemFactory(task=task, year=TODAY.year, agencies=[office, locals_[0]])
        Decision.objects.create(meeting=previous, order=n, text=f"议定{n}", work_item=item)
        notice = SupervisionNotice.objects.create(
            plan=plan, issuing_agency=office, year=TODAY.year, number=tasks * 100 + n, task=task,
            subject="督办", reason="滞后", deadline=TODAY, level=NoticeLevel.GENERAL,
            issued_by=user,
        )  # fmt: skip
        for order, agency in enumerate([office, locals_[0]]):
            NoticeRecipient.objects.create(notice=notice, agency=agency, order=order)
    return Meeting.objects.create(committee=committee, title="本次", held_on=TODAY, agenda="议程")


def _queries(meeting: Meeting) -> int:
    rows = plan_rollup_rows(plan=meeting.committee.plan, as_of=TODAY)
    with CaptureQueriesContext(connection) as ctx:
        pack_content_gather(plan=meeting.committee.plan, as_of=TODAY, rows=rows, meeting=meeting)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_gathering_costs_the_same_queries_for_a_small_and_a_large_plan(
    django_assert_max_num_queries,
) -> None:
    small, large = _plan_of(2), _plan_of(12)
    assert _queries(large) == _queries(small)
    plan = large.committee.plan
    rows = plan_rollup_rows(plan=plan, as_of=TODAY)
    with django_assert_max_num_queries(17):  # 15 today
        data = pack_content_gather(plan=plan, as_of=TODAY, rows=rows, meeting=large)
    assert len(data["red_items"]) == 12 and len(data["work_points"]) == 12
    assert len(data["previous_decisions"]) == 12
    assert data["red_items"][0]["notices"][0]["state"] == "已交办"
    assert data["previous_decisions"][0]["agencies"] == ["测试省单位0", "测试省知识产权局"]
    assert _tasks(data)[1]["co_summary"] == (
        "国家知识产权局：测试司0、测试司1等5个司局；测试省：省单位0、省单位1等7家单位"
    )
