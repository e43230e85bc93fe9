"""The red/amber/green light (红黄绿灯) of a task or work item, derived from status and dates."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from tasks.models import Status

Light = Literal["red", "amber", "green"]

# A not-started item this close to its due date is a warning.
DUE_SOON_DAYS = 30


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
    if due_on is not None and due_on < today and status != Status.ONGOING:
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
