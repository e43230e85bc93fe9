"""What the task services share: the conflict from the timeline, permission and input checks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from ops.concurrency import Conflict
from tasks.models import Event, Status, Task


def conflict_from(current: Model, events: Any) -> Conflict:
    """A Conflict naming the latest of `events` (a queryset of Event) as the change."""
    latest: Event | None = events.select_related("actor").order_by("-created_at", "-pk").first()
    if latest is None:
        return Conflict(current=current, changed_by=None, changed_at=None, changed_to="")
    return Conflict(
        current=current,
        changed_by=latest.actor,
        changed_at=latest.created_at,
        changed_to=latest.to_label,
    )


def require_coordinator(actor: User, task: Task) -> None:
    if not rules.can_edit_task(actor, task):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以执行此操作。"))


def required_text(value: str, *, field: str, message: str, max_length: int = 0) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    if max_length and len(text) > max_length:
        raise ValidationError({field: _("内容过长，最多 %(n)d 个字。") % {"n": max_length}})
    return text


def valid_status(status: str) -> str:
    if status not in Status.values:
        raise ValidationError({"status": _("请选择有效的状态。")})
    return status


def short(text: str, limit: int = 200) -> str:
    """Event values are short columns: long texts are cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
