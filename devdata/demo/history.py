"""A plan's work over two years, besides its reports: task deadlines (完成时限), statuses
that move as the reports come in (so lights and trend lines vary), each year's work items
with an extension request, indicator actuals, and NIPA departments' comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractUser

from agencies.models import Agency
from devdata.demo import texts
from devdata.demo.people import Cast
from devdata.demo.replay import Replay, moment
from plans.models import IndicatorValue
from reports.indicators import indicator_value_accept, indicator_value_submit
from tasks import services as task_services
from tasks.models import Responsibility, Status, Task, WorkItem
from tasks.services.deadlines import DeadlineRow, deadline_grid_save

DAY = dt.timedelta(days=1)

# Where each task ends up, by its position in the plan: every status and every light.
FINAL = [
    Status.ON_TRACK, Status.ONGOING, Status.AT_RISK, Status.ON_TRACK, Status.COMPLETED,
    Status.BEHIND, Status.ON_TRACK, Status.NOT_STARTED, Status.ONGOING, Status.COMPLETED,
    Status.AT_RISK, Status.ON_TRACK,
]  # fmt: skip


class TaskCourse:
    """Deadlines set when the history starts, then each task's statuses over time."""

    def __init__(
        self, *, replay: Replay, cast: Cast, reviews: list[dt.date], shift: int = 0
    ) -> None:
        """`shift` turns the pattern and moves the dates, so each plan has a course of its own."""
        self.replay, self.cast, self.reviews, self.shift = replay, cast, reviews, shift
        self.today = replay.today
        self.ended = cast.plan.period_end < self.today.year  # an ended plan finished its work

    def schedule(self, *, start: dt.date) -> None:
        for k, task in enumerate(self.cast.plan.tasks.order_by("number")):
            pos = (k + 5 * self.shift) % len(FINAL)  # the task's place in the pattern
            final = FINAL[pos]
            if self.ended and final == Status.ON_TRACK:
                final = Status.COMPLETED
            due = self.due_on(pos, final)
            if due is not None:
                self.replay.at(moment(start, 9), self._deadline(task.pk, due))
            for day, status in self.course(pos, final, start=start):
                self.replay.at(moment(day, 15), self._status(task.pk, status))

    def due_on(self, pos: int, final: str) -> dt.date | None:
        if pos == 6:
            return None  # a few tasks keep the plan's open-ended wording
        today = self.today
        return {
            Status.NOT_STARTED: today + 20 * DAY,  # due soon, not started: amber
            Status.AT_RISK: today + 45 * DAY,
            Status.BEHIND: today - 40 * DAY,  # overdue: red
        }.get(final, today - 10 * DAY if pos == 3 else dt.date(self.cast.plan.period_end, 12, 31))

    def course(self, pos: int, final: str, *, start: dt.date) -> list[tuple[dt.date, str]]:
        """(day, status) from the start to `final`, with the last changes inside the trend's
        window, in order and without repeats."""
        first, mid = self.reviews[0], self.reviews[len(self.reviews) // 2]
        now = self.today - 6 * self.shift * DAY  # each plan's changes on days of its own
        steps = {
            Status.NOT_STARTED: [],
            Status.ONGOING: [(start, Status.ONGOING)],
            Status.ON_TRACK: [(start, Status.ON_TRACK)]
            + ([(first, Status.AT_RISK), (now - 20 * DAY, Status.ON_TRACK)] if pos == 0 else []),
            Status.COMPLETED: [
                (start, Status.ON_TRACK),
                (now - 55 * DAY if pos % 2 == 0 else mid, Status.COMPLETED),
            ],
            Status.AT_RISK: [
                (start, Status.ON_TRACK),
                (now - (70 - 15 * (pos % 3)) * DAY, Status.AT_RISK),
            ],
            Status.BEHIND: [
                (start, Status.ON_TRACK),
                (mid, Status.AT_RISK),
                (now - 35 * DAY, Status.BEHIND),
            ],
        }[final]
        ordered, last = [], Status.NOT_STARTED
        for day, status in sorted(steps, key=lambda s: s[0]):
            if status != last:
                ordered.append((day, status))
                last = status
        return ordered

    def _deadline(self, task_id: int, due: dt.date):
        actor, plan = self.cast.coordinator, self.cast.plan

        def step() -> None:
            task = Task.objects.get(pk=task_id)
            row = DeadlineRow(
                task_id=task.pk, expected_version=task.version, due_on=due, lead_id=None
            )
            deadline_grid_save(actor=actor, plan=plan, rows=[row])

        return step

    def _status(self, task_id: int, status: str):
        actor = self.cast.coordinator

        def step() -> None:
            task = Task.objects.select_related("plan").get(pk=task_id)
            task_services.task_set_status(
                actor=actor,
                task=task,
                status=status,
                reason=str(texts.STATUS_REASONS[status]),
                expected_version=task.version,
            )

        return step


def work_items_schedule(*, replay: Replay, cast: Cast, years: list[int]) -> None:
    """Each year three work items on the first tasks: one done by mid-year, one by the end,
    one whose agency asks for more time (granted in the first year, pending in the last)."""
    tasks = list(cast.plan.tasks.order_by("number")[:3])
    for year in years:
        created = moment(dt.date(year, 1, 15))
        if year == replay.today.year:
            created = min(created, replay.now - 3 * DAY)  # the year's first weeks are now
        for n, task in enumerate(tasks):
            _work_item(
                replay=replay, cast=cast, task=task, n=n, year=year, created=created, last=years[-1]
            )


def _work_item(
    *,
    replay: Replay,
    cast: Cast,
    task: Task,
    n: int,
    year: int,
    created: dt.datetime,
    last: int,
) -> None:
    current = year == replay.today.year
    agencies = _carriers(cast, task)
    due = [dt.date(year, 6, 30), dt.date(year, 12, 31), dt.date(year, 9, 30)][n]
    if n == 2 and current:
        due = max(due, replay.today + 40 * DAY)  # still open when its agency asks
    box: dict[str, WorkItem] = {}

    def create() -> None:
        box["item"] = task_services.work_item_create(
            actor=cast.coordinator,
            task=task,
            title=str(texts.WORK_ITEMS[n]),
            body="",
            year=year,
            due_on=due,
            agency_ids=[a.pk for a in agencies],
        )

    replay.at(created, create, by_now=True)
    if n < 2:
        replay.at(moment(due - (10 + 5 * n) * DAY, 16), _closer(box, cast.coordinator))
    elif agencies[-1].pk in cast.liaisons:
        asked = moment(due - 20 * DAY, 11)
        if current:
            asked = max(created + DAY / 24, replay.now - 6 * DAY)
        replay.at(asked, _asker(box, cast, agencies[-1].pk, due))
        if year != last:  # earlier years' requests were decided; the last year's waits
            replay.at(asked + 3 * DAY, _granter(box, cast.coordinator))


def _carriers(cast: Cast, task: Task) -> list:
    """Up to two agencies of the task that have a liaison (else the lead agency of the plan)."""
    duties = Responsibility.objects.filter(task=task).select_related("agency").order_by("order")
    return [d.agency for d in duties if d.agency_id in cast.liaisons][:2] or [cast.plan.lead_agency]


def _closer(box: dict, actor: AbstractUser):
    def step() -> None:
        task_services.work_item_close(
            actor=actor, work_item=_fresh(box), note=str(texts.WORK_ITEM_CLOSED)
        )

    return step


def _asker(box: dict, cast: Cast, agency_id: int, due: dt.date):
    def step() -> None:
        task_services.extension_request(
            actor=cast.liaisons[agency_id],
            work_item=_fresh(box),
            agency=Agency.objects.get(pk=agency_id),
            new_due_on=due + 90 * DAY,
            reason=str(texts.EXTENSION_REASON),
        )

    return step


def _granter(box: dict, actor: AbstractUser):
    def step() -> None:
        request = _fresh(box).extension_requests.get()
        task_services.extension_decide(
            actor=actor, request=request, grant=True, note=str(texts.EXTENSION_GRANTED)
        )

    return step


def _fresh(box: dict) -> WorkItem:
    return WorkItem.objects.select_related("task__plan").get(pk=box["item"].pk)


# Reported against the target: a little short the year before, about there in the last.
SHORT = [Decimal(f) for f in ("0.86", "0.9", "0.88", "0.92")]
ARRIVED = [Decimal(f) for f in ("1.03", "1.05", "0.96", "1.08", "1.01")]


def indicators_schedule(*, replay: Replay, cast: Cast, years: list[int]) -> None:
    """Each complete year's actual of every indicator, entered in March by the lead agency's
    liaison and confirmed by the coordinator (已确认)."""
    plan = cast.plan
    writer = cast.liaisons.get(plan.lead_agency_id, cast.coordinator)
    for j, indicator in enumerate(plan.indicators.order_by("order", "pk")):
        for year in years:
            if year >= replay.today.year or year > indicator.target_year:
                continue
            factor = ARRIVED[j % len(ARRIVED)] if year == years[-1] else SHORT[j % len(SHORT)]
            value = indicator.target * factor
            value = value.quantize(Decimal("1") if indicator.target >= 100 else Decimal("0.1"))
            entered = moment(dt.date(year + 1, 3, 10))
            replay.at(entered, _value(cast, indicator, year, value, writer))


def _value(cast: Cast, indicator, year: int, value: Decimal, writer: AbstractUser):
    """The lead agency's liaison enters the actual; the coordinator confirms it."""

    def step() -> None:
        if IndicatorValue.objects.filter(indicator=indicator, year=year).exists():
            return  # loaded before: a confirmed value stays as it is
        entered = indicator_value_submit(
            actor=writer,
            indicator=indicator,
            agency=cast.plan.lead_agency,
            year=year,
            value=value,
            source=str(texts.INDICATOR_SOURCE),
            note=str(texts.INDICATOR_NOTE),
        )
        indicator_value_accept(actor=cast.coordinator, value=entered)

    return step


def comments_schedule(*, replay: Replay, cast: Cast, nipa: dict[str, AbstractUser]) -> None:
    """The NIPA departments' users comment on a task their department shares."""
    for n, (user, text) in enumerate(
        zip([nipa["nipa_promotion"], nipa["nipa_protection"]], texts.COMMENTS, strict=True)
    ):
        agency_id = user.memberships.values_list("agency_id", flat=True).first()
        duty = Responsibility.objects.filter(task__plan=cast.plan, agency_id=agency_id).first()
        if duty is not None:
            when = moment(replay.today - (12 + 9 * n) * DAY, 14)
            replay.at(
                when,
                lambda user=user, task_id=duty.task_id, text=text: task_services.task_comment(
                    actor=user, task=Task.objects.get(pk=task_id), text=str(text)
                ),
            )
