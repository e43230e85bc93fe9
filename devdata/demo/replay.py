"""Two years of a plan's life, replayed in the order it happened.

Each step of the history (a report submitted, a status changed, a meeting frozen) is
scheduled at its moment, then all steps run oldest first through the ordinary services, with
Django's clock set to the step's moment: every service stamps its own time (submitted_at,
reviewed_at, an event's created_at), so the timeline reads as it happened and nothing is
rewritten afterwards. The nightly rollups of the last days are built on their night, between
the steps, so the trend lines show what the data was on each day.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone

from dashboards.rollups import rollup_build
from ops.models import OutboxMessage

NOTIFY_DAYS = 14  # the history's last two weeks reach the bell; older news was read long ago
NIGHTLY_DAYS = 90  # the dashboards' trend (dashboards.selectors.TREND_DAYS)
ROLLUP_HOUR = 1  # the nightly job runs at 01:00


def moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A time of day in the project's time zone (Beijing time)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


@contextmanager
def clock_at(when: dt.datetime) -> Iterator[None]:
    """Django's clock (`timezone.now`, and `localdate` and every auto_now field through it)
    reads `when`, then runs on again."""
    running = timezone.now
    timezone.now = lambda: when
    try:
        yield
    finally:
        timezone.now = running


@dataclass(order=True)
class Step:
    at: dt.datetime
    seq: int
    run: Callable[[], object] = field(compare=False)


class Replay:
    """Steps scheduled at their moments; `run` plays those that have happened by now."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self._steps: list[Step] = []

    def at(self, when: dt.datetime, run: Callable[[], object], *, by_now: bool = False) -> None:
        """Schedule `run` at `when`. A step later than now does not happen (a review still
        to come), unless `by_now`: it has happened by now, so it is moved to just before."""
        if by_now:
            when = min(when, self.now - dt.timedelta(minutes=5))
        if when <= self.now:
            self._steps.append(Step(when, len(self._steps), run))

    def run(self, *, nightly: bool) -> None:
        """Every step in order of time; with `nightly`, the rollup of each of the last
        NIGHTLY_DAYS days is built at 01:00 of that day, after the steps before it."""
        steps = deque(sorted(self._steps))
        self._steps = []
        days = [self.today - dt.timedelta(days=n) for n in range(NIGHTLY_DAYS - 1, -1, -1)]
        for day in days if nightly else []:
            night = moment(day, ROLLUP_HOUR)
            while steps and steps[0].at < night:
                self._play(steps.popleft())
            with clock_at(night):
                rollup_build(as_of=day)
        for step in steps:
            self._play(step)

        self._news_settle()

    def _news_settle(self) -> None:
        """What the timeline notifies (tasks.events.NOTIFIED_KINDS) went out when it
        happened: the messages of events older than NOTIFY_DAYS are marked sent at their own
        time, so committing the replay does not deliver two years of news today."""
        OutboxMessage.objects.filter(
            sent_at__isnull=True,
            task_name="notifications.event_notify",
            created_at__lt=self.now - dt.timedelta(days=NOTIFY_DAYS),
        ).update(sent_at=F("created_at"))

    @staticmethod
    def _play(step: Step) -> None:
        with clock_at(step.at):
            step.run()
