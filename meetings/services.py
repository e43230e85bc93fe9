"""Writes for the committee's meetings (the secretary's work): create a meeting, freeze its
data, record what it decided, adopt the year's work points. Each decision and work point is a
work item, tracked like any other until closed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from dashboards.models import Rollup
from dashboards.rollups import plan_rollup_rows
from meetings.models import Committee, Decision, Meeting
from meetings.packs.content import pack_content_gather
from plans.models import Plan
from plans.resolve import AgencyResolver
from tasks.events import event_record
from tasks.models import EventKind, Task, WorkItem, WorkItemSource
from tasks.services.work_items import work_item_insert


class MeetingAlreadyFrozen(Exception):
    pass


def require_secretary(actor: User, plan: Plan) -> None:
    if not rules.can_manage_meetings(actor, plan):
        raise PermissionDenied(_("只有委员会秘书处可以管理会议。"))


def committee_ensure(*, plan: Plan) -> Committee:
    """The plan's joint committee (强省建设委员会), made the first time a meeting is."""
    committee, _created = Committee.objects.get_or_create(
        plan=plan, defaults={"name": (_("%(plan)s共建委员会") % {"plan": plan.title})[:200]}
    )
    return committee


def meeting_create(
    *,
    actor: User,
    plan: Plan,
    title: str,
    held_on: dt.date,
    place: str = "",
    agenda: str = "",
    attendee_ids: Iterable[int] = (),
) -> Meeting:
    require_secretary(actor, plan)
    if not title.strip():
        raise ValidationError({"title": _("请填写会议名称。")})
    with transaction.atomic():
        meeting = Meeting.objects.create(
            committee=committee_ensure(plan=plan),
            title=title.strip(),
            held_on=held_on,
            place=place.strip(),
            agenda=agenda.strip(),
        )
        meeting.attendees.set(Agency.objects.filter(pk__in=list(attendee_ids)))
        event_record(
            actor=actor,
            kind=EventKind.MEETING_CREATED,
            plan=plan,
            to_value=meeting.title[:200],
            data={"meeting": meeting.pk, "held_on": held_on.isoformat(), "place": meeting.place},
        )
    return meeting


def meeting_freeze(*, actor: User, meeting: Meeting) -> int:
    """Freeze the meeting's rollup and pack data; from then on the pack never changes."""
    require_secretary(actor, meeting.committee.plan)
    try:
        return meeting_rollup_freeze(meeting=meeting, actor=actor)
    except MeetingAlreadyFrozen as exc:
        raise ValidationError(_("本次会议的数据已冻结。")) from exc


def decision_record(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    task: Task,
    agency_ids: Iterable[int],
    due_on: dt.date,
) -> Decision:
    """议定事项 → a work item (source 会议议定) under `task`, with agencies and a due date."""
    plan = meeting.committee.plan
    require_secretary(actor, plan)
    if task.plan_id != plan.pk:
        raise ValidationError({"task": _("所选任务不属于本方案。")})
    if not text.strip():
        raise ValidationError({"text": _("请填写议定事项。")})
    with transaction.atomic():
        # Lock the meeting: two decisions recorded at once still get distinct numbers.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        item = work_item_insert(
            actor=actor,
            task=task,
            title=text.strip()[:300],
            body=text.strip(),
            year=due_on.year,
            due_on=due_on,
            agency_ids=agency_ids,
            source=WorkItemSource.DECISION,
        )
        last = Decision.objects.filter(meeting=meeting).aggregate(m=Max("order"))["m"] or 0
        decision = Decision.objects.create(
            meeting=meeting,
            order=last + 1,
            text=text.strip(),
            work_item=item,
            created_by=actor if actor.is_authenticated else None,
        )
        event_record(
            actor=actor,
            kind=EventKind.DECISION_RECORDED,
            plan=plan,
            task=task,
            work_item=item,
            to_value=decision.text[:200],
            data={
                "meeting": meeting.pk,
                "meeting_title": meeting.title,
                "decision": decision.pk,
                "order": decision.order,
                "due_on": due_on.isoformat(),
            },
        )
    return decision


@dataclass(frozen=True)
class WorkPoint:
    line: int
    task: Task
    title: str
    due_on: dt.date
    agencies: list[Agency]


SEPARATORS = re.compile(r"\t|\s*[|｜]\s*")
NAME_SEPARATORS = re.compile(r"[、,，;；\s]+")


def work_points_parse(*, plan: Plan, text: str) -> list[WorkPoint]:
    """Lines `任务序号 | 工作要点 | 完成时限 | 责任单位、责任单位` (or the same columns pasted
    from a spreadsheet, tab-separated). Every problem is reported with its line number; the
    points are only adopted when every line is right."""
    tasks = {t.number: t for t in Task.objects.filter(plan=plan)}
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line]
    names = {name for _n, line in lines for name in NAME_SEPARATORS.split(_column(line, 3)) if name}
    resolver = AgencyResolver.for_region(plan.region, candidates=sorted(names))
    points, errors = [], []
    for number, line in lines:
        columns = SEPARATORS.split(line)
        if len(columns) != 4:
            errors.append(
                _("第%(n)d行:应为 任务序号|工作要点|完成时限|责任单位 四列。") % {"n": number}
            )
            continue
        raw_task, title, raw_due, raw_agencies = (c.strip() for c in columns)
        task = tasks.get(int(raw_task.rstrip(".、")) if raw_task.rstrip(".、").isdigit() else -1)
        due_on = _date(raw_due)
        agencies = [resolver.resolve(candidate=n) for n in NAME_SEPARATORS.split(raw_agencies) if n]
        problems = []
        if task is None:
            problems.append(_("没有序号为“%(task)s”的任务") % {"task": raw_task})
        if not title:
            problems.append(_("工作要点为空"))
        if due_on is None:
            problems.append(_("完成时限“%(due)s”应为 YYYY-MM-DD") % {"due": raw_due})
        if not agencies or None in agencies:
            problems.append(_("责任单位“%(names)s”未能全部识别") % {"names": raw_agencies})
        if problems:
            errors.append(
                _("第%(n)d行:%(problems)s。") % {"n": number, "problems": ";".join(problems)}
            )
        else:
            points.append(WorkPoint(number, task, title, due_on, agencies))
    if errors:
        raise ValidationError(errors)
    if not points:
        raise ValidationError(_("请粘贴至少一行工作要点。"))
    return points


def _column(line: str, index: int) -> str:
    columns = SEPARATORS.split(line)
    return columns[index] if len(columns) > index else ""


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.replace("/", "-").replace(".", "-"))
    except ValueError:
        return None


def work_points_adopt(*, actor: User, meeting: Meeting, text: str) -> list[WorkItem]:
    """The committee adopts the year's work points (年度工作要点): all lines or none."""
    plan = meeting.committee.plan
    require_secretary(actor, plan)
    points = work_points_parse(plan=plan, text=text)
    with transaction.atomic():
        return [
            work_item_insert(
                actor=actor,
                task=p.task,
                title=p.title,
                body=_("%(meeting)s通过") % {"meeting": meeting.title},
                year=p.due_on.year,
                due_on=p.due_on,
                agency_ids=[a.pk for a in p.agencies],
                source=WorkItemSource.WORK_POINTS,
            )
            for p in points
        ]


@transaction.atomic
def meeting_rollup_freeze(*, meeting: Meeting, actor: User) -> int:
    """Write the meeting's rollup of its plan as of today and freeze it: once, ever.

    The meeting row is locked first, so two secretaries pressing the button at once freeze
    it once; the second one is told it is already frozen.
    """
    meeting = (
        Meeting.objects.select_for_update().select_related("committee__plan").get(pk=meeting.pk)
    )
    if meeting.frozen_at is not None:
        raise MeetingAlreadyFrozen(meeting.pk)
    plan = meeting.committee.plan
    as_of = timezone.localdate()
    rows = plan_rollup_rows(plan=plan, as_of=as_of, batch=meeting.rollup_batch)
    Rollup.objects.bulk_create(rows)
    meeting.frozen_at = timezone.now()
    meeting.pack_data = pack_content_gather(plan=plan, as_of=as_of, rows=rows, meeting=meeting)
    meeting.save(update_fields=["frozen_at", "pack_data"])
    event_record(
        actor=actor,
        kind=EventKind.ROLLUP_FROZEN,
        plan=plan,
        to_value=as_of.isoformat(),
        data={"meeting": meeting.pk, "rows": len(rows)},
    )
    return len(rows)
