"""The red/amber/green light (红黄绿灯) of a task or work item, derived from status and dates."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from django.db.models import Q
from django.template.loader import render_to_string

from tasks.models import Status

Light = Literal["red", "amber", "green"]

# A not-started item this close to its due date is a warning.
# The light's colour where a document prints it (DOCX runs, XLSX cells).
LIGHT_COLOURS = {"red": "C0463E", "amber": "B7791F", "green": "3F8F4D"}
DUE_SOON_DAYS = 30


# Overdue (逾期), defined once: the due date (完成时限) has passed and the work is neither
# completed nor ongoing (持续推进 never finishes). Every page, API filter, rollup and export
# asks `is_overdue` for one row or `overdue_q` for a queryset.
_NOT_OVERDUE = (Status.COMPLETED, Status.ONGOING)


def is_overdue(*, status: str, due_on: dt.date | None, today: dt.date) -> bool:
    return due_on is not None and due_on < today and status not in _NOT_OVERDUE


def overdue_q(today: dt.date) -> Q:
    return Q(due_on__lt=today) & ~Q(status__in=_NOT_OVERDUE)


def red_q(today: dt.date) -> Q:
    """The rows `light_for` lights red, as a filter: behind, or overdue."""
    return Q(status=Status.BEHIND) | overdue_q(today)


def light_for(
    *,
    status: str,
    due_on: dt.date | None,
    today: dt.date,
    next_report_due: dt.date | None = None,
) -> Light:
    """The light, by the first rule that matches, in this order:

    1. completed (已完成) → green: done is done, whatever the dates say;
    2. behind (滞后) → red;
    3. the due date has passed and the item is not ongoing (持续推进 never finishes) → red;
    4. at risk (存在风险) → amber;
    5. not started (未启动) and due within DUE_SOON_DAYS days → amber;
    6. a report owed by the user's agency is past its due date (next_report_due < today) →
       amber: late reporting is a warning, not evidence that the work itself is behind;
    7. otherwise (on track, ongoing, not started with time left) → green.
    """
    if status == Status.COMPLETED:
        return "green"
    if status == Status.BEHIND:
        return "red"
    if is_overdue(status=status, due_on=due_on, today=today):
        return "red"
    if status == Status.AT_RISK:
        return "amber"
    if (
        status == Status.NOT_STARTED
        and due_on is not None
        and due_on <= today + dt.timedelta(days=DUE_SOON_DAYS)
    ):
        return "amber"
    if next_report_due is not None and next_report_due < today:
        return "amber"
    return "green"


def light_badges() -> dict[str, str]:
    """Each light as tasks/_light.html draws it, drawn once: a page of many rows then puts
    the badge in by its name rather than including the template per row."""
    return {
        light: render_to_string("tasks/_light.html", {"light": light}) for light in get_args(Light)
    }
