"""The plan's committee (强省建设委员会): the meeting at the end of the history's first year,
its data frozen, its pack made and its decisions followed up (one done); and the next year's
meeting, which the secretary can still freeze if it has not been held yet."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from devdata.demo.people import Cast
from devdata.demo.replay import Replay, moment
from meetings.models import Meeting, PackFormat
from meetings.packs.services import pack_request
from meetings.services import decision_record, meeting_create, meeting_freeze
from tasks import services as task_services

TITLE = _("%(year)d年度共建工作会议")
AGENDA = {
    "first": _("听取年度共建工作汇报\n审议下一年度工作要点"),
    "next": _("听取年度共建工作汇报\n通报进展报告报送情况\n审议议定事项"),
}
DONE = _("已投入运行。")
DECISIONS = [
    _("加快建设知识产权保护中心,年内投入运行。"),
    _("建立重点产业知识产权运营基金。"),
]


def committee_schedule(*, replay: Replay, cast: Cast, years: list[int], place: str) -> None:
    first, last = years[0], years[-1]
    box: dict[str, Meeting] = {}
    _meeting(replay, cast, box, key="first", year=first, place=place)
    replay.at(moment(dt.date(first, 12, 21), 10), lambda: _decide(cast, box["first"], first))
    replay.at(moment(dt.date(first + 1, 6, 20), 16), lambda: _follow_up(cast, box["first"]))
    if last != first:
        _meeting(replay, cast, box, key="next", year=last, place=place)


def _meeting(
    replay: Replay, cast: Cast, box: dict[str, Meeting], *, key: str, year: int, place: str
) -> None:
    """Scheduled on 1 December, frozen (and its pack made) two days before it is held."""
    plan, secretary = cast.plan, cast.secretary
    held_on = dt.date(year, 12, 20)

    def create() -> None:
        box[key] = meeting_create(
            actor=secretary,
            plan=plan,
            title=TITLE % {"year": year},
            held_on=held_on,
            place=place,
            agenda=str(AGENDA[key]),
            attendee_ids=[plan.lead_agency_id],
        )

    def freeze() -> None:
        meeting_freeze(actor=secretary, meeting=box[key])
        if key == "first":
            pack_request(
                actor=secretary, plan=plan, meeting=box[key], formats=list(PackFormat.values)
            )

    replay.at(moment(dt.date(year, 12, 1)), create, by_now=True)
    replay.at(moment(held_on - dt.timedelta(days=2), 16), freeze)


def _decide(cast: Cast, meeting: Meeting, year: int) -> None:
    """Two decisions (议定事项) for the next year; the first is done by mid-year."""
    tasks = list(cast.plan.tasks.order_by("number")[:2])
    office = cast.plan.lead_agency_id
    dues = [dt.date(year + 1, 6, 30), dt.date(year + 1, 12, 31)]
    for text, task, due in zip(DECISIONS, tasks, dues, strict=False):
        decision_record(
            actor=cast.secretary,
            meeting=meeting,
            text=str(text),
            task=task,
            agency_ids=[office],
            due_on=due,
        )


def _follow_up(cast: Cast, meeting: Meeting) -> None:
    """The coordinator closes the first decision's work item: done by mid-year."""
    decision = meeting.decisions.order_by("order").select_related("work_item__task").first()
    task_services.work_item_close(
        actor=cast.coordinator, work_item=decision.work_item, note=str(DONE)
    )
