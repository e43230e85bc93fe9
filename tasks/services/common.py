"""What the task services share: the conflict error, permission and input checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from ops.page_cache import data_changed
from tasks.models import Event, Status, Task


class Conflict(Exception):
    """Someone else saved first. Carries the object as it is now and who changed it last
    (from the latest event), so the page can say what changed and let the user save again."""

    def __init__(
        self,
        *,
        current: Model,
        changed_by: AbstractBaseUser | None,
        changed_at: dt.datetime | None,
        changed_to: str,
    ) -> None:
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changed_to = changed_to
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.changed_at is None:
            return _("他人已修改了此内容，请核对当前内容后重新保存。")
        who = _("他人")
        if self.changed_by is not None:
            who = self.changed_by.get_full_name() or self.changed_by.get_username()
        when = formats.date_format(timezone.localtime(self.changed_at), "Y-m-d H:i")
        return _("%(who)s 已于 %(when)s 将其改为“%(to)s”，请核对当前内容后重新保存。") % {
            "who": who,
            "when": when,
            "to": self.changed_to,
        }


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


def compare_and_set(model: type[Model], *, pk: int, version: int, **values: Any) -> bool:
    """Save `values` only if the row still has `version`; bump it. False when someone
    else saved in between (the caller raises Conflict)."""
    manager = model._default_manager
    updated = manager.filter(pk=pk, version=version).update(version=F("version") + 1, **values)
    if updated:
        data_changed()  # .update() sends no signal: cached pages must still move on
    return updated == 1


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
