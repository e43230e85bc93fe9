"""Working days on the Chinese calendar: public holidays and make-up working days (调休).

The calendar comes from the maintained `chinesecalendar` package. The State Council publishes
each year's arrangement in the autumn before; until the package has it, or if it is ever
wrong, settings correct it: WORKDAYS_EXTRA_HOLIDAYS and WORKDAYS_EXTRA_WORKDAYS (ISO dates).
A year the package does not know falls back to Monday–Friday plus those corrections.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache

import chinese_calendar
from django.conf import settings

logger = logging.getLogger(__name__)


def _corrections() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    holidays = frozenset(dt.date.fromisoformat(d) for d in settings.WORKDAYS_EXTRA_HOLIDAYS)
    workdays = frozenset(dt.date.fromisoformat(d) for d in settings.WORKDAYS_EXTRA_WORKDAYS)
    return holidays, workdays


def is_workday(day: dt.date) -> bool:
    holidays, workdays = _corrections()
    if day in workdays:
        return True
    if day in holidays:
        return False
    return _official_workday(day)


@lru_cache(maxsize=8192)
def _official_workday(day: dt.date) -> bool:
    """The package's answer, remembered: it checks its whole table on every call, and a
    reminders pass asks about the same days tens of thousands of times."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        logger.warning("no official calendar for %s; using Monday–Friday", day.year)
        return day.weekday() < 5


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (count ≥ 1)."""
    current = day
    remaining = count
    while remaining:
        current += dt.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: 0 when end is not after start."""
    holidays, workdays = _corrections()
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        count += current in workdays or (current not in holidays and _official_workday(current))
    return count
