"""Task services: who may act, what is refused, and the event each change leaves behind."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from agencies.models import Role
from tasks import services
from tasks.models import Event, EventKind, ExtensionState, Status, Task, WorkItem
from tasks.services import Conflict
from tests.factories import (
    ExtensionRequestFactory,
    MembershipFactory,
    UserFactory,
    WorkItemFactory,
)

pytestmark = pytest.mark.django_db

NOT_COORDINATORS = [
    "secretary",
    "admin",
    "liaison",
    "local_viewer",
    "nipa_viewer",
    "other_coordinator",
    "other_liaison",
    "nobody",
]


def _events(kind: str) -> list[Event]:
    return list(Event.objects.filter(kind=kind).order_by("pk"))


# --- task status --------------------------------------------------------------------------


def test_coordinator_sets_status_with_reason_and_event(world):
    coordinator = world.users["coordinator"]
    task = services.task_set_status(
        actor=coordinator,
        task=world.a1,
        status=Status.AT_RISK,
        reason="配套资金未到位",
        expected_version=1,
    )
    stored = Task.objects.get(pk=world.a1.pk)
    assert (stored.status, stored.version) == (Status.AT_RISK, 2)
    assert stored.status_changed_at is not None
    assert task.version == 2
    [event] = _events(EventKind.STATUS_CHANGED)
    assert event.actor == coordinator
    assert (event.task, event.plan) == (world.a1, world.plan_a)
    assert (event.from_value, event.to_value) == (Status.NOT_STARTED, Status.AT_RISK)
    assert event.reason == "配套资金未到位"
    assert (event.from_label, event.to_label) == ("未启动", "存在风险")


@pytest.mark.parametrize("role", NOT_COORDINATORS)
def test_only_the_lead_agency_coordinator_sets_status(world, role):
    with pytest.raises(PermissionDenied):
        services.task_set_status(
            actor=world.users[role],
            task=world.a1,
            status=Status.ON_TRACK,
            reason="推进",
            expected_version=1,
        )
    assert Task.objects.get(pk=world.a1.pk).status == Status.NOT_STARTED
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [
        (Status.ON_TRACK, "   ", "reason"),
        ("finished", "原因", "status"),
        (Status.NOT_STARTED, "没有变化", "status"),
    ],
)
def test_bad_status_input_is_refused_and_leaves_no_trace(world, status, reason, field):
    with pytest.raises(ValidationError) as info:
        services.task_set_status(
            actor=world.users["coordinator"],
            task=world.a1,
            status=status,
            reason=reason,
            expected_version=1,
        )
    assert field in info.value.message_dict
    assert Task.objects.get(pk=world.a1.pk).version == 1
    assert not Event.objects.exists()


def test_two_saves_from_the_same_version_the_second_gets_a_conflict(world):
    first = world.users["coordinator"]
    second = UserFactory(username="coordinator2", first_name="李")
    MembershipFactory(user=second, agency=world.hainan_office, role=Role.COORDINATOR)
    # Both opened the page at version 1.
    page_one = Task.objects.get(pk=world.a1.pk)
    page_two = Task.objects.get(pk=world.a1.pk)
    services.task_set_status(
        actor=first, task=page_one, status=Status.BEHIND, reason="进度滞后", expected_version=1
    )
    with pytest.raises(Conflict) as info:
        services.task_set_status(
            actor=second,
            task=page_two,
            status=Status.ON_TRACK,
            reason="正常",
            expected_version=1,
        )
    conflict = info.value
    assert conflict.current.status == Status.BEHIND
    assert conflict.current.version == 2
    assert conflict.changed_by == first
    assert conflict.changed_to == "滞后"
    assert "coordinator" in conflict.message and "滞后" in conflict.message
    stored = Task.objects.get(pk=world.a1.pk)
    assert (stored.status, stored.version) == (Status.BEHIND, 2)
    assert len(_events(EventKind.STATUS_CHANGED)) == 1
    # Reviewed, saved again from the current version: it goes through.
    services.task_set_status(
        actor=second, task=page_two, status=Status.ON_TRACK, reason="已追上", expected_version=2
    )
    assert Task.objects.get(pk=world.a1.pk).status == Status.ON_TRACK


# --- comments -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["nipa_viewer", "liaison", "local_viewer", "coordinator"])
def test_anyone_who_sees_the_task_may_comment(world, role):
    user = world.users[role]
    event = services.task_comment(actor=user, task=world.a1, text="建议加快进度")
    assert (event.kind, event.actor, event.task, event.reason) == (
        EventKind.COMMENTED,
        user,
        world.a1,
        "建议加快进度",
    )


@pytest.mark.parametrize("role", ["other_liaison", "other_coordinator", "nobody"])
def test_outsiders_may_not_comment(world, role):
    with pytest.raises(PermissionDenied):
        services.task_comment(actor=world.users[role], task=world.a1, text="路过")
    assert not Event.objects.exists()


def test_empty_comment_is_refused(world):
    with pytest.raises(ValidationError):
        services.task_comment(actor=world.users["nipa_viewer"], task=world.a1, text="  ")


# --- work items ---------------------------------------------------------------------------


def _create(world, **overrides):
    args = {
        "actor": world.users["coordinator"],
        "task": world.a1,
        "title": "2025年建设知识产权保护中心",
        "body": "完成建设并投入运行。",
        "year": 2025,
        "due_on": dt.date(2025, 12, 31),
        "agency_ids": [world.hainan_office.pk, world.hainan_commerce.pk],
    }
    return services.work_item_create(**{**args, **overrides})


def test_coordinator_creates_a_work_item(world):
    item = _create(world)
    assert set(item.agencies.all()) == {world.hainan_office, world.hainan_commerce}
    assert item.created_by == world.users["coordinator"]
    [event] = _events(EventKind.WORK_ITEM_CREATED)
    assert (event.actor, event.task, event.work_item) == (
        world.users["coordinator"],
        world.a1,
        item,
    )
    assert event.data["due_on"] == "2025-12-31"


@pytest.mark.parametrize("role", ["liaison", "nipa_viewer", "secretary", "other_coordinator"])
def test_only_the_coordinator_creates_work_items(world, role):
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.users[role])
    assert not WorkItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"agency_ids": []}, "agencies"),
        ({"agency_ids": [0]}, "agencies"),
    ],
)
def test_work_item_input_is_checked(world, overrides, field):
    with pytest.raises(ValidationError) as info:
        _create(world, **overrides)
    assert field in info.value.message_dict
    assert not WorkItem.objects.exists()


def test_update_records_what_changed(world):
    item = _create(world)
    services.work_item_update(
        actor=world.users["coordinator"],
        work_item=item,
        title=item.title,
        body=item.body,
        year=2025,
        due_on=dt.date(2026, 3, 31),
        agency_ids=[world.hainan_office.pk],
        expected_version=1,
    )
    item.refresh_from_db()
    assert (item.due_on, item.version) == (dt.date(2026, 3, 31), 2)
    assert list(item.agencies.all()) == [world.hainan_office]
    [event] = _events(EventKind.WORK_ITEM_CHANGED)
    assert event.actor == world.users["coordinator"]
    assert "完成时限 2025-12-31" in event.from_value
    assert "完成时限 2026-03-31" in event.to_value
    assert event.data["agencies"] == [["海南省商务厅", "海南省知识产权局"], ["海南省知识产权局"]]


def test_update_without_changes_records_nothing(world):
    item = _create(world)
    services.work_item_update(
        actor=world.users["coordinator"],
        work_item=item,
        title=item.title,
        body=item.body,
        year=item.year,
        due_on=item.due_on,
        agency_ids=[world.hainan_commerce.pk, world.hainan_office.pk],
        expected_version=1,
    )
    assert not _events(EventKind.WORK_ITEM_CHANGED)
    assert WorkItem.objects.get(pk=item.pk).version == 1


def test_stale_update_is_a_conflict_and_overwrites_nothing(world):
    item = _create(world)
    coordinator = world.users["coordinator"]
    services.work_item_update(
        actor=coordinator,
        work_item=item,
        title="第一个人的标题",
        body="",
        year=2025,
        due_on=item.due_on,
        agency_ids=[world.hainan_office.pk],
        expected_version=1,
    )
    with pytest.raises(Conflict) as info:
        services.work_item_update(
            actor=coordinator,
            work_item=item,
            title="第二个人的标题",
            body="",
            year=2025,
            due_on=item.due_on,
            agency_ids=[world.hainan_office.pk],
            expected_version=1,
        )
    assert info.value.current.title == "第一个人的标题"
    assert info.value.changed_by == coordinator
    assert WorkItem.objects.get(pk=item.pk).title == "第一个人的标题"


def test_close_marks_completed_with_note(world):
    item = _create(world)
    closed = services.work_item_close(
        actor=world.users["coordinator"], work_item=item, note="中心已挂牌运行"
    )
    assert closed.status == Status.COMPLETED
    assert closed.closed_at is not None
    assert closed.close_note == "中心已挂牌运行"
    [event] = _events(EventKind.WORK_ITEM_CLOSED)
    assert (event.actor, event.to_value, event.reason) == (
        world.users["coordinator"],
        Status.COMPLETED,
        "中心已挂牌运行",
    )
    with pytest.raises(ValidationError):
        services.work_item_close(actor=world.users["coordinator"], work_item=closed, note="再次")
    with pytest.raises(ValidationError):
        services.work_item_update(
            actor=world.users["coordinator"],
            work_item=closed,
            title="改",
            body="",
            year=2025,
            due_on=closed.due_on,
            agency_ids=[world.hainan_office.pk],
            expected_version=closed.version,
        )


def test_close_needs_a_note_and_a_coordinator(world):
    item = _create(world)
    with pytest.raises(ValidationError):
        services.work_item_close(actor=world.users["coordinator"], work_item=item, note="")
    with pytest.raises(PermissionDenied):
        services.work_item_close(actor=world.users["liaison"], work_item=item, note="完成")
    assert WorkItem.objects.get(pk=item.pk).status == Status.NOT_STARTED


def test_work_item_status_and_reopening(world):
    coordinator = world.users["coordinator"]
    item = _create(world)
    item = services.work_item_set_status(
        actor=coordinator,
        work_item=item,
        status=Status.AT_RISK,
        reason="选址未定",
        expected_version=1,
    )
    assert item.status == Status.AT_RISK
    [event] = _events(EventKind.STATUS_CHANGED)
    assert (event.work_item, event.task, event.actor) == (item, world.a1, coordinator)
    with pytest.raises(ValidationError) as info:
        services.work_item_set_status(
            actor=coordinator,
            work_item=item,
            status=Status.COMPLETED,
            reason="完成",
            expected_version=item.version,
        )
    assert "status" in info.value.message_dict
    item = services.work_item_close(actor=coordinator, work_item=item, note="完成")
    item = services.work_item_set_status(
        actor=coordinator,
        work_item=item,
        status=Status.ON_TRACK,
        reason="发现遗留问题",
        expected_version=item.version,
    )
    assert (item.status, item.closed_at) == (Status.ON_TRACK, None)


# --- extension requests -------------------------------------------------------------------


def _item(world, agencies=None, **kwargs):
    return WorkItemFactory(task=world.a1, agencies=agencies or [world.hainan_commerce], **kwargs)


def test_liaison_requests_an_extension(world):
    item = _item(world)
    liaison = world.users["liaison"]
    request = services.extension_request(
        actor=liaison,
        work_item=item,
        agency=world.hainan_commerce,
        new_due_on=dt.date(2026, 6, 30),
        reason="项目审批延后",
    )
    assert (request.state, request.requested_by) == (ExtensionState.PENDING, liaison)
    [event] = _events(EventKind.EXTENSION_REQUESTED)
    assert (event.actor, event.work_item) == (liaison, item)
    assert (event.from_value, event.to_value) == ("2025-12-31", "2026-06-30")
    assert event.reason == "项目审批延后"


def test_liaison_may_ask_for_an_agency_carrying_the_task(world):
    # Commerce is not named on the item, but is a co agency of task A1.
    item = _item(world, agencies=[world.hainan_office])
    services.extension_request(
        actor=world.users["liaison"],
        work_item=item,
        agency=world.hainan_commerce,
        new_due_on=dt.date(2026, 6, 30),
        reason="延期",
    )
    assert item.extension_requests.count() == 1


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        ("local_viewer", "hainan_commerce"),  # a viewer, not a liaison
        ("coordinator", "hainan_office"),  # decides, does not ask
        ("liaison", "hainan_office"),  # not the liaison's agency
        ("other_liaison", "hunan_dept"),  # not on the item nor the task
    ],
)
def test_extension_request_refused_outside_the_liaisons_agency(world, role, agency):
    item = _item(world)
    with pytest.raises(PermissionDenied):
        services.extension_request(
            actor=world.users[role],
            work_item=item,
            agency=getattr(world, agency),
            new_due_on=dt.date(2026, 6, 30),
            reason="延期",
        )
    assert not item.extension_requests.exists()


def test_extension_request_input_is_checked(world):
    item = _item(world)
    ask = {"actor": world.users["liaison"], "work_item": item, "agency": world.hainan_commerce}
    with pytest.raises(ValidationError):
        services.extension_request(**ask, new_due_on=dt.date(2025, 12, 31), reason="不晚于原期限")
    with pytest.raises(ValidationError):
        services.extension_request(**ask, new_due_on=dt.date(2026, 6, 30), reason="")
    services.extension_request(**ask, new_due_on=dt.date(2026, 6, 30), reason="第一次")
    with pytest.raises(ValidationError, match="待审批"):
        services.extension_request(**ask, new_due_on=dt.date(2026, 9, 30), reason="第二次")
    assert item.extension_requests.count() == 1
    assert len(_events(EventKind.EXTENSION_REQUESTED)) == 1


def test_granting_moves_the_due_date(world):
    item = _item(world)
    request = ExtensionRequestFactory(
        work_item=item, agency=world.hainan_commerce, requested_due_on=dt.date(2026, 3, 31)
    )
    coordinator = world.users["coordinator"]
    decided = services.extension_decide(actor=coordinator, request=request, grant=True, note="")
    assert (decided.state, decided.decided_by) == (ExtensionState.GRANTED, coordinator)
    item.refresh_from_db()
    assert (item.due_on, item.version) == (dt.date(2026, 3, 31), 2)
    [event] = _events(EventKind.EXTENSION_DECIDED)
    assert (event.actor, event.from_value, event.to_value) == (
        coordinator,
        ExtensionState.PENDING,
        ExtensionState.GRANTED,
    )
    assert event.data["due_on_after"] == "2026-03-31"
    with pytest.raises(ValidationError, match="已处理"):
        services.extension_decide(actor=coordinator, request=request, grant=False, note="反悔")


def test_refusing_needs_a_note_and_keeps_the_date(world):
    item = _item(world)
    request = ExtensionRequestFactory(work_item=item, agency=world.hainan_commerce)
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError) as info:
        services.extension_decide(actor=coordinator, request=request, grant=False, note="")
    assert "note" in info.value.message_dict
    services.extension_decide(actor=coordinator, request=request, grant=False, note="理由不充分")
    item.refresh_from_db()
    assert item.due_on == dt.date(2025, 12, 31)
    request.refresh_from_db()
    assert (request.state, request.decision_note) == (ExtensionState.REFUSED, "理由不充分")


@pytest.mark.parametrize("role", ["liaison", "secretary", "nipa_viewer", "other_coordinator"])
def test_only_the_coordinator_decides(world, role):
    request = ExtensionRequestFactory(work_item=_item(world), agency=world.hainan_commerce)
    with pytest.raises(PermissionDenied):
        services.extension_decide(actor=world.users[role], request=request, grant=True, note="")
    request.refresh_from_db()
    assert request.state == ExtensionState.PENDING


# serialized_rollback: the flush after this test must not lose the reference data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_saves_one_wins_the_other_conflicts(world):
    """Two requests at once, each in its own connection: whatever the interleaving, exactly
    one save goes through and the other is told, never silently overwritten."""
    second = UserFactory(username="coordinator2")
    MembershipFactory(user=second, agency=world.hainan_office, role=Role.COORDINATOR)
    users = [world.users["coordinator"], second]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user, status: str) -> None:
        try:
            task = Task.objects.select_related("plan").get(pk=world.a1.pk)
            barrier.wait()
            services.task_set_status(
                actor=user, task=task, status=status, reason="同时保存", expected_version=1
            )
            outcomes[status] = "saved"
        except Conflict:
            outcomes[status] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(user, status))
        for user, status in zip(users, [Status.BEHIND, Status.ON_TRACK], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(status for status, outcome in outcomes.items() if outcome == "saved")
    stored = Task.objects.get(pk=world.a1.pk)
    assert (stored.status, stored.version) == (winner, 2)
    assert [e.to_value for e in _events(EventKind.STATUS_CHANGED)] == [winner]
