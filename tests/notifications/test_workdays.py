"""Working days follow the Chinese calendar: holidays and make-up working days (调休)."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from notifications.workdays import add_workdays, is_workday, workdays_between

D = dt.date


def test_national_day_week_is_off_and_the_make_up_saturday_is_worked() -> None:
    assert not is_workday(D(2025, 10, 1))  # 国庆节, a Wednesday
    assert not is_workday(D(2025, 10, 8))
    assert is_workday(D(2025, 9, 28))  # Sunday, worked in exchange
    assert is_workday(D(2025, 10, 11))  # Saturday, worked in exchange


def test_counting_working_days_across_spring_festival_2026() -> None:
    # Due Friday 13 Feb; Saturday 14 Feb is a make-up day; 15–23 Feb is the holiday.
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert workdays_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_settings_correct_the_calendar() -> None:
    with override_settings(
        WORKDAYS_EXTRA_HOLIDAYS=["2026-03-02"], WORKDAYS_EXTRA_WORKDAYS=["2026-03-01"]
    ):
        assert not is_workday(D(2026, 3, 2))  # a Monday declared off
        assert is_workday(D(2026, 3, 1))  # a Sunday declared worked
    assert is_workday(D(2026, 3, 2))


def test_a_year_the_library_does_not_know_falls_back_to_monday_to_friday() -> None:
    assert is_workday(D(2031, 1, 6))  # Monday
    assert not is_workday(D(2031, 1, 4))  # Saturday
    with override_settings(WORKDAYS_EXTRA_HOLIDAYS=["2031-01-06"]):
        assert not is_workday(D(2031, 1, 6))


def test_nothing_between_a_day_and_itself_or_an_earlier_day() -> None:
    assert workdays_between(D(2026, 3, 3), D(2026, 3, 3)) == 0
    assert workdays_between(D(2026, 3, 3), D(2026, 3, 1)) == 0
