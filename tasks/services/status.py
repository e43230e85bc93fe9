"""A task's status (set by the lead agency's coordinator) and comments (anyone who can see)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from ops.concurrency import Conflict, compare_and_set
from tasks.events import event_record
from tasks.models import Event, EventKind, Task
from tasks.services.common import (
    conflict_from,
    require_coordinator,
    required_text,
    valid_status,
)

COMMENT_MAX = 2000


def task_set_status(
    *, actor: User, task: Task, status: str, reason: str, expected_version: int
) -> Task:
    """Set the status with a reason. `expected_version` is the version the user read: if the
    task changed since, nothing is written and Conflict says who changed it to what."""
    require_coordinator(actor, task)
    reason = required_text(reason, field="reason", message=_("请填写变更原因。"))
    valid_status(status)
    with transaction.atomic():
        before = Task.objects.get(pk=task.pk)
        if before.version != expected_version:
            raise _task_conflict(task)
        if before.status == status:
            raise ValidationError({"status": _("状态没有变化。")})
        now = timezone.now()
        if not compare_and_set(
            Task, pk=task.pk, version=expected_version, status=status, status_changed_at=now
        ):
            raise _task_conflict(task)
        event_record(
            actor=actor,
            kind=EventKind.STATUS_CHANGED,
            plan=task.plan,
            task=task,
            from_value=before.status,
            to_value=status,
            reason=reason,
        )
    task.status, task.status_changed_at, task.version = status, now, expected_version + 1
    return task


def _task_conflict(task: Task) -> Conflict:
    current = Task.objects.select_related("plan").get(pk=task.pk)
    return conflict_from(current, Event.objects.filter(task=task, kind=EventKind.STATUS_CHANGED))


def task_comment(*, actor: User, task: Task, text: str) -> Event:
    """A comment on the timeline: NIPA viewers and anyone else who can see the task."""
    if not rules.can_comment(actor, task):
        raise PermissionDenied(_("您无权评论此任务。"))
    text = required_text(text, field="text", message=_("请填写评论内容。"), max_length=COMMENT_MAX)
    with transaction.atomic():
        return event_record(
            actor=actor, kind=EventKind.COMMENTED, plan=task.plan, task=task, reason=text
        )
