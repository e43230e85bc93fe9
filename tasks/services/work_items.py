"""Work items (工作要点): the coordinator creates, edits, sets the status of and closes them
(办结). Each change is an event on the task's timeline naming the work item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from agencies.rules import User
from ops.concurrency import Conflict, compare_and_set
from tasks.events import event_record
from tasks.models import Event, EventKind, Status, Task, WorkItem, WorkItemSource
from tasks.services.common import (
    conflict_from,
    require_coordinator,
    required_text,
    short,
    valid_status,
)


def work_item_create(
    *,
    actor: User,
    task: Task,
    title: str,
    body: str,
    year: int,
    due_on: dt.date,
    agency_ids: Iterable[int],
) -> WorkItem:
    require_coordinator(actor, task)
    return work_item_insert(
        actor=actor,
        task=task,
        title=title,
        body=body,
        year=year,
        due_on=due_on,
        agency_ids=agency_ids,
        source=WorkItemSource.COORDINATOR,
    )


def work_item_insert(
    *,
    actor: User,
    task: Task,
    title: str,
    body: str,
    year: int,
    due_on: dt.date,
    agency_ids: Iterable[int],
    source: str,
) -> WorkItem:
    """Create a work item once the caller has checked who may (a coordinator, or the
    committee's secretary recording a decision or the year's work points)."""
    title = required_text(title, field="title", message=_("请填写工作要点标题。"), max_length=300)
    agencies = _agencies(agency_ids)
    with transaction.atomic():
        item = WorkItem.objects.create(
            task=task,
            title=title,
            body=(body or "").strip(),
            year=year,
            due_on=due_on,
            source=source,
            created_by=actor if actor.is_authenticated else None,
        )
        item.agencies.set(agencies)
        event_record(
            actor=actor,
            kind=EventKind.WORK_ITEM_CREATED,
            plan=task.plan,
            task=task,
            work_item=item,
            to_value=short(title),
            data={"year": year, "due_on": due_on.isoformat(), "agencies": _names(agencies)},
        )
    return item


def work_item_update(
    *,
    actor: User,
    work_item: WorkItem,
    title: str,
    body: str,
    year: int,
    due_on: dt.date,
    agency_ids: Iterable[int],
    expected_version: int,
) -> WorkItem:
    """Edit an open work item. Only what changed is recorded; nothing changed, no event."""
    task = work_item.task
    require_coordinator(actor, task)
    title = required_text(title, field="title", message=_("请填写工作要点标题。"), max_length=300)
    agencies = _agencies(agency_ids)
    with transaction.atomic():
        before = _current(work_item, expected_version)
        if before.status == Status.COMPLETED:
            raise ValidationError(_("已办结的工作要点不能修改。"))
        new = {"title": title, "body": (body or "").strip(), "year": year, "due_on": due_on}
        changes = {k: (getattr(before, k), v) for k, v in new.items() if getattr(before, k) != v}
        old_names = _names(before.agencies.all())
        if old_names != _names(agencies):
            changes["agencies"] = (old_names, _names(agencies))
        if not changes:
            return before
        if not compare_and_set(WorkItem, pk=before.pk, version=expected_version, **new):
            raise _work_item_conflict(work_item)
        before.agencies.set(agencies)
        event_record(
            actor=actor,
            kind=EventKind.WORK_ITEM_CHANGED,
            plan=task.plan,
            task=task,
            work_item=work_item,
            from_value=short(_summary(changes, 0)),
            to_value=short(_summary(changes, 1)),
            data={k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()},
        )
    return _fresh(work_item)


def work_item_set_status(
    *, actor: User, work_item: WorkItem, status: str, reason: str, expected_version: int
) -> WorkItem:
    """Any status but completed, which is 办结 (work_item_close, with its note). Setting a
    closed item back to another status reopens it."""
    task = work_item.task
    require_coordinator(actor, task)
    reason = required_text(reason, field="reason", message=_("请填写变更原因。"))
    valid_status(status)
    if status == Status.COMPLETED:
        raise ValidationError({"status": _("完成请使用“办结”，并填写办结说明。")})
    with transaction.atomic():
        before = _current(work_item, expected_version)
        if before.status == status:
            raise ValidationError({"status": _("状态没有变化。")})
        values: dict[str, Any] = {"status": status, "closed_at": None}
        if not compare_and_set(WorkItem, pk=before.pk, version=expected_version, **values):
            raise _work_item_conflict(work_item)
        event_record(
            actor=actor,
            kind=EventKind.STATUS_CHANGED,
            plan=task.plan,
            task=task,
            work_item=work_item,
            from_value=before.status,
            to_value=status,
            reason=reason,
        )
    return _fresh(work_item)


def work_item_close(
    *, actor: User, work_item: WorkItem, note: str, expected_version: int | None = None
) -> WorkItem:
    """办结: completed, with the time and a note. Without `expected_version` the version read
    here is used, so a concurrent close still cannot happen twice."""
    task = work_item.task
    require_coordinator(actor, task)
    note = required_text(note, field="note", message=_("请填写办结说明。"))
    with transaction.atomic():
        version = work_item.version if expected_version is None else expected_version
        before = _current(work_item, version)
        if before.status == Status.COMPLETED:
            raise ValidationError(_("该工作要点已办结。"))
        values = {"status": Status.COMPLETED, "closed_at": timezone.now(), "close_note": note}
        if not compare_and_set(WorkItem, pk=before.pk, version=version, **values):
            raise _work_item_conflict(work_item)
        event_record(
            actor=actor,
            kind=EventKind.WORK_ITEM_CLOSED,
            plan=task.plan,
            task=task,
            work_item=work_item,
            from_value=before.status,
            to_value=Status.COMPLETED,
            reason=note,
        )
    return _fresh(work_item)


# --- helpers ------------------------------------------------------------------------------


def _current(work_item: WorkItem, expected_version: int) -> WorkItem:
    before = WorkItem.objects.get(pk=work_item.pk)
    if before.version != expected_version:
        raise _work_item_conflict(work_item)
    return before


def _fresh(work_item: WorkItem) -> WorkItem:
    return WorkItem.objects.select_related("task__plan").get(pk=work_item.pk)


def _work_item_conflict(work_item: WorkItem) -> Conflict:
    return conflict_from(_fresh(work_item), Event.objects.filter(work_item=work_item))


def _agencies(agency_ids: Iterable[int]) -> list[Agency]:
    ids = set(agency_ids)
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("name"))
    if not ids:
        raise ValidationError({"agencies": _("请至少选择一个责任单位。")})
    if len(agencies) != len(ids):
        raise ValidationError({"agencies": _("所选单位不存在。")})
    return agencies


def _names(agencies: Iterable[Agency]) -> list[str]:
    return sorted(a.name for a in agencies)


FIELD_LABELS = {
    "title": gettext_lazy("标题"),
    "body": gettext_lazy("内容"),
    "year": gettext_lazy("年度"),
    "due_on": gettext_lazy("完成时限"),
    "agencies": gettext_lazy("责任单位"),
}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _summary(changes: dict[str, tuple[Any, Any]], side: int) -> str:
    """`完成时限 2025-12-31；责任单位 甲、乙`: one side of the changes, for the timeline."""
    parts = []
    for field, pair in changes.items():
        value = pair[side]
        text = "、".join(value) if isinstance(value, list) else str(_plain(value))
        parts.append(f"{FIELD_LABELS[field]} {text}")
    return "；".join(parts)
