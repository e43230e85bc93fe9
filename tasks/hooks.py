"""Rules of the apps above tasks that the task pages show. The composition root names them in
settings (as Django names its backends), so the tasks app imports nothing above it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import Expression
from django.utils.module_loading import import_string


@cache
def _rule(setting: str) -> Callable[..., Any]:
    return import_string(getattr(settings, setting))


def next_report_due(agency_ids: list[int]) -> Expression:
    """An expression on a Task row: the earliest due date of its plan's periods for which one
    of `agency_ids` still owes a report (settings.TASKS_NEXT_REPORT_DUE)."""
    return _rule("TASKS_NEXT_REPORT_DUE")(agency_ids)
