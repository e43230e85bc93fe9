"""The red/amber/green rule, as a table: one line per case a user would see."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.lights import light_for

TODAY = dt.date(2025, 6, 1)
PAST = dt.date(2025, 5, 31)
SOON = dt.date(2025, 6, 20)  # within 30 days
LATER = dt.date(2025, 12, 31)

CASES = [
    # status, due_on, next_report_due, light
    ("completed", PAST, PAST, "green"),  # done is done, even late with a report missing
    ("behind", LATER, None, "red"),
    ("behind", None, None, "red"),
    ("on_track", PAST, None, "red"),  # the due date passed and it is not finished
    ("not_started", PAST, None, "red"),
    ("at_risk", PAST, None, "red"),
    ("ongoing", PAST, None, "green"),  # 持续推进 never finishes: a passed date is no alarm
    ("at_risk", LATER, None, "amber"),
    ("at_risk", None, None, "amber"),
    ("not_started", SOON, None, "amber"),
    ("not_started", TODAY, None, "amber"),
    ("not_started", LATER, None, "green"),
    ("not_started", None, None, "green"),
    ("on_track", SOON, None, "green"),
    ("on_track", LATER, PAST, "amber"),  # a report is late
    ("ongoing", None, PAST, "amber"),
    ("on_track", LATER, TODAY, "green"),  # due today is not late yet
    ("on_track", None, LATER, "green"),
    ("ongoing", None, None, "green"),
]


@pytest.mark.parametrize(("status", "due_on", "next_report_due", "light"), CASES)
def test_light(status, due_on, next_report_due, light):
    got = light_for(status=status, due_on=due_on, today=TODAY, next_report_due=next_report_due)
    assert got == light
