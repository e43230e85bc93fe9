from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from tasks.models import Event, EventKind, Task
from tests.factories import (
    ExtensionRequestFactory,
    ResponsibilityFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _event(task: Task) -> Event:
    return Event.objects.create(
        actor=UserFactory(),
        kind=EventKind.STATUS_CHANGED,
        plan=task.plan,
        task=task,
        from_value="not_started",
        to_value="on_track",
        reason="启动实施",
    )


def test_events_cannot_be_changed_through_the_orm():
    event = _event(TaskFactory())
    event.reason = "改写历史"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()


def test_events_cannot_be_changed_even_with_raw_sql():
    event = _event(TaskFactory())
    for sql in (
        "UPDATE tasks_event SET reason = 'x' WHERE id = %s",
        "DELETE FROM tasks_event WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert Event.objects.get(pk=event.pk).reason == "启动实施"


def test_unknown_status_is_refused_by_the_database():
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(status="finished")


def test_task_numbers_are_unique_within_a_plan():
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskFactory(plan=task.plan, number=task.number)
    TaskFactory(number=task.number)  # another plan may reuse the number


def test_an_agency_is_named_once_per_task():
    resp = ResponsibilityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponsibilityFactory(task=resp.task, agency=resp.agency, role="co")


def test_unknown_role_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponsibilityFactory(role="boss")


# --- tasks workflow ---


def test_one_pending_extension_per_work_item():
    first = ExtensionRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequestFactory(work_item=first.work_item)
    first.state = "refused"
    first.save()
    ExtensionRequestFactory(work_item=first.work_item)  # decided: a new one may be asked


def test_unknown_extension_state_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequestFactory(state="maybe")


def test_event_values_show_their_labels():
    event = Event(kind=EventKind.STATUS_CHANGED, from_value="behind", to_value="2026-03-31")
    assert (event.from_label, event.to_label) == ("滞后", "2026-03-31")
