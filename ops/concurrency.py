"""Versioned writes, the one idiom: save only if the row still has the version the user saw
(compare-and-set), else raise Conflict saying who changed it, when, and to what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ops.page_cache import data_changed


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


def compare_and_set(model: type[Model], *, pk: int, version: int, **values: Any) -> bool:
    """Save `values` only if the row still has `version`; bump it. False when someone
    else saved in between (the caller raises Conflict)."""
    manager = model._default_manager
    updated = manager.filter(pk=pk, version=version).update(version=F("version") + 1, **values)
    if updated:
        data_changed()  # .update() sends no signal: cached pages must still move on
    return updated == 1
