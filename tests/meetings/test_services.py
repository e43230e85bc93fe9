"""The secretary's meeting work: decisions become work items, work points are adopted whole
or not at all, only the secretariat may do either."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import Decision
from meetings.services import decision_record, meeting_create, meeting_freeze, work_points_adopt
from tasks.models import Event, EventKind, WorkItem, WorkItemSource

D = dt.date(2026, 6, 30)


@pytest.fixture
def meeting(world):
    return meeting_create(
        actor=world.users["secretary"],
        plan=world.plan_a,
        title="2026年度工作会议",
        held_on=dt.date(2026, 1, 15),
        agenda="听取汇报",
        attendee_ids=[world.hainan_office.pk],
    )


def test_a_meeting_gets_the_plans_committee(world, meeting) -> None:
    assert meeting.committee.plan == world.plan_a
    other = meeting_create(
        actor=world.users["secretary"], plan=world.plan_a, title="临时会议", held_on=D
    )
    assert other.committee == meeting.committee


@pytest.mark.parametrize("name", ["coordinator", "local_viewer", "other_coordinator"])
def test_only_the_secretariat_creates_meetings(world, name: str) -> None:
    with pytest.raises(PermissionDenied):
        meeting_create(actor=world.users[name], plan=world.plan_a, title="会议", held_on=D)


def test_a_decision_becomes_a_tracked_work_item(world, meeting) -> None:
    decision = decision_record(
        actor=world.users["secretary"],
        meeting=meeting,
        text="年内建成知识产权保护中心",
        task=world.a1,
        agency_ids=[world.hainan_office.pk, world.hainan_commerce.pk],
        due_on=D,
    )
    item = decision.work_item
    assert item.source == WorkItemSource.DECISION and item.task == world.a1 and item.due_on == D
    assert set(item.agencies.values_list("name", flat=True)) == {"海南省知识产权局", "海南省商务厅"}
    assert Event.objects.filter(kind=EventKind.WORK_ITEM_CREATED, work_item=item).exists()
    second = decision_record(
        actor=world.users["secretary"],
        meeting=meeting,
        text="第二项",
        task=world.a2,
        agency_ids=[world.hainan_office.pk],
        due_on=D,
    )
    assert (decision.order, second.order) == (1, 2)


def test_a_decision_on_another_plans_task_or_without_agencies_leaves_nothing(
    world, meeting
) -> None:
    for task, agencies in ((world.b1, [world.hunan_office.pk]), (world.a1, [])):
        with pytest.raises(ValidationError):
            decision_record(
                actor=world.users["secretary"],
                meeting=meeting,
                text="事项",
                task=task,
                agency_ids=agencies,
                due_on=D,
            )
    assert not Decision.objects.exists() and not WorkItem.objects.exists()


def test_work_points_pasted_as_lines_or_from_a_spreadsheet(world, meeting) -> None:
    text = (
        f"{world.a1.number}|制定年度保护工作方案|2026-03-31|海南省知识产权局\n"
        f"{world.a2.number}\t开展专利转化专项行动\t2026/09/30\t海南省知识产权局、海南省商务厅\n"
    )
    items = work_points_adopt(actor=world.users["secretary"], meeting=meeting, text=text)
    assert [i.title for i in items] == ["制定年度保护工作方案", "开展专利转化专项行动"]
    assert all(i.source == WorkItemSource.WORK_POINTS for i in items)
    assert items[1].due_on == dt.date(2026, 9, 30) and items[1].agencies.count() == 2


def test_one_bad_line_adopts_nothing_and_says_which(world, meeting) -> None:
    text = (
        f"{world.a1.number}|制定年度保护工作方案|2026-03-31|海南省知识产权局\n"
        "99|不存在的任务|2026-13-01|不存在的单位\n"
    )
    with pytest.raises(ValidationError) as caught:
        work_points_adopt(actor=world.users["secretary"], meeting=meeting, text=text)
    message = " ".join(caught.value.messages)
    assert "第2行" in message and "99" in message and "2026-13-01" in message
    assert "不存在的单位" in message and "第1行" not in message
    assert not WorkItem.objects.exists()


def test_freezing_twice_is_refused(world, meeting) -> None:
    meeting_freeze(actor=world.users["secretary"], meeting=meeting)
    with pytest.raises(ValidationError):
        meeting_freeze(actor=world.users["secretary"], meeting=meeting)
    with pytest.raises(PermissionDenied):
        meeting_freeze(actor=world.users["coordinator"], meeting=meeting)
