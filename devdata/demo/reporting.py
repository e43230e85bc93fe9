"""A plan's reporting over two years: the half-yearly periods and, in each, what every
agency's liaison wrote, when it was submitted (on time or late) and how the coordinator
reviewed it: mostly accepted, a few late or missing, one returned and corrected, a typical
case in each period. Fates are picked by position, so every demo tells the same story."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser

from agencies.models import Agency
from devdata.demo import texts
from devdata.demo.people import Cast
from devdata.demo.replay import Replay, moment
from reports import periods
from reports import services as report_services
from reports.models import Cadence, ProgressReport, ReportingPeriod, ReportState
from tasks.models import Responsibility, Task

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Owed:
    """One agency's report on one task, and the liaison who writes it."""

    task: Task
    agency: Agency
    writer: AbstractUser


def periods_create(*, cast: Cast, years: list[int]) -> list[ReportingPeriod]:
    """The half-yearly periods of the history's years, as the coordinator sets them."""
    for year in years:
        periods.period_schedule_create(
            actor=cast.coordinator, plan=cast.plan, cadence=Cadence.HALF_YEARLY, year=year
        )
    return list(cast.plan.periods.order_by("starts_on"))


def owed_reports(cast: Cast) -> list[Owed]:
    duties = (
        Responsibility.objects.filter(task__plan=cast.plan)
        .owing_reports()
        .select_related("task", "agency")
        .order_by("task__number", "order")
    )
    return [
        Owed(task=d.task, agency=d.agency, writer=cast.liaisons[d.agency_id])
        for d in duties
        if d.agency_id in cast.liaisons
    ]


class Reporting:
    """Schedules each report's life on the replay."""

    def __init__(self, *, replay: Replay, cast: Cast) -> None:
        self.replay, self.cast = replay, cast

    def schedule(self, *, periods: list[ReportingPeriod], owed: list[Owed]) -> None:
        today = self.replay.today
        closed = [p for p in periods if p.due_on < today]
        for index, period in enumerate(periods):
            for i, report in enumerate(owed):
                if period in closed:
                    fate = self._closed_fate(
                        i, index, first=period == closed[0], latest=period == closed[-1]
                    )
                elif period.opens_on <= today:
                    fate = ("early", "started", None)[min((i * 7 + index * 3) % 20 // 4, 2)]
                else:
                    continue  # not open yet
                if fate is not None:
                    getattr(self, fate)(report, period, i=i, index=index)

    @staticmethod
    def _closed_fate(i: int, index: int, *, first: bool, latest: bool) -> str | None:
        special = {0: "corrected" if first else None, 1: "returned" if latest else None,
                   2: "draft" if latest else None, 3: "typical"}.get(i)  # fmt: skip
        if special:
            return special
        bucket = (i * 7 + index * 3) % 20
        if bucket == 0:
            return None  # 缺报: never written
        if latest:
            return {1: "draft", 2: "late_waiting", 3: "late_waiting", 4: "late"}.get(
                bucket, "on_time"
            )
        return "late" if bucket in (1, 2) else "on_time"

    # --- the fates -----------------------------------------------------------------------

    def on_time(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        sent = moment(period.due_on - (2 + i % 10) * DAY, 9 + i % 8)
        self._write(owed, period, sent, _values(i, index, problems=i % 5 == 0), submit=True)
        self._review(owed, period, sent + (2 + i % 6) * DAY)

    def late(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        sent = moment(period.due_on + (2 + i % 25) * DAY, 15)
        self._write(owed, period, sent, _values(i, index, problems=True), submit=True)
        self._review(owed, period, sent + 3 * DAY)

    def late_waiting(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        """Handed in these last days, after the due date: the coordinator has yet to look."""
        sent = max(moment(period.due_on + DAY, 11), self.replay.now - (1 + i % 9) * DAY)
        self._write(owed, period, sent, _values(i, index, problems=True), submit=True)

    def early(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        """In the open period: handed in early, not reviewed yet."""
        sent = moment(period.opens_on + (i % 5) * DAY, 16)
        self._write(owed, period, sent, _values(i, index), submit=True)

    def started(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        values = {**_values(i, index), "progress": str(texts.DRAFT)}
        self._write(owed, period, moment(period.opens_on, 11), values, submit=False)

    def draft(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        values = {**_values(i, index), "progress": str(texts.DRAFT)}
        self._write(owed, period, moment(period.due_on - 3 * DAY, 17), values, submit=False)

    def typical(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        """On time, accepted, and held up as a typical case (典型案例)."""
        sent = moment(period.due_on - 5 * DAY, 10)
        case = str(texts.CASES[index % len(texts.CASES)])
        self._write(owed, period, sent, {**_values(i, index), "achievements": case}, submit=True)
        self._review(owed, period, sent + 2 * DAY)
        self.replay.at(sent + 3 * DAY, lambda: self._flag(owed, period))

    def corrected(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        """Returned for want of figures, corrected within the week, accepted."""
        sent = moment(period.due_on - 12 * DAY, 10)
        values = {**_values(i, index), "problems": str(texts.PROBLEM_DATA)}
        self._write(owed, period, sent, values, submit=True)
        self._review(owed, period, sent + 3 * DAY, accept=False)
        fixed = {**values, "achievements": str(texts.CORRECTED), "problems": ""}
        self._write(owed, period, sent + 8 * DAY, fixed, submit=True)
        self._review(owed, period, sent + 15 * DAY)

    def returned(self, owed: Owed, period: ReportingPeriod, *, i: int, index: int) -> None:
        """Returned in the latest period; the liaison has not sent it again yet."""
        sent = moment(period.due_on - 6 * DAY, 10)
        values = {**_values(i, index), "problems": str(texts.PROBLEM_DATA)}
        self._write(owed, period, sent, values, submit=True)
        self._review(owed, period, sent + 8 * DAY, accept=False)

    # --- the services --------------------------------------------------------------------

    def _write(
        self, owed: Owed, period: ReportingPeriod, when: dt.datetime, values: dict, *, submit: bool
    ) -> None:
        def step() -> None:
            current = _find(owed, period)
            report_services.report_save(
                actor=owed.writer,
                task=owed.task,
                agency=owed.agency,
                period=period,
                values=values,
                expected_version=current.version if current else None,
                submit=submit,
            )

        self.replay.at(when, step)

    def _review(
        self, owed: Owed, period: ReportingPeriod, when: dt.datetime, *, accept: bool = True
    ) -> None:
        coordinator = self.cast.coordinator

        def step() -> None:
            report = _find(owed, period)
            if report is None or report.state != ReportState.SUBMITTED:
                return
            if accept:
                report_services.report_accept(actor=coordinator, report=report)
            else:
                reason = str(texts.RETURN_REASON)
                report_services.report_return(actor=coordinator, report=report, reason=reason)

        self.replay.at(when, step)

    def _flag(self, owed: Owed, period: ReportingPeriod) -> None:
        report = _find(owed, period)
        if report is not None and report.state == ReportState.ACCEPTED:
            report_services.report_flag_typical(
                actor=self.cast.coordinator, report=report, flagged=True
            )


def _find(owed: Owed, period: ReportingPeriod) -> ProgressReport | None:
    return ProgressReport.objects.filter(task=owed.task, agency=owed.agency, period=period).first()


def _values(i: int, index: int, *, problems: bool = False) -> dict:
    return {
        "progress": str(texts.PROGRESS[(i + index) % len(texts.PROGRESS)]),
        "next_steps": str(texts.NEXT_STEPS[(i + index) % len(texts.NEXT_STEPS)]),
        "problems": str(texts.PROBLEMS[i % len(texts.PROBLEMS)]) if problems else "",
        "percent": min(100, 20 + 20 * index + i % 15),
    }
