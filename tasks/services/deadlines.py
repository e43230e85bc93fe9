"""Task deadlines (完成时限) and lead agencies (牵头单位) of a whole plan, edited as one grid.

A save writes only the rows the coordinator changed, all of them or none: each row names the
version it read, and a row someone else changed meanwhile refuses the whole save, saying who.
Each change is an event on the task's timeline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Side
from agencies.rules import User
from ops.concurrency import Conflict, compare_and_set
from plans.models import Plan
from tasks.events import event_record
from tasks.models import Event, EventKind, Responsibility, ResponsibilityRole, Task
from tasks.services.common import conflict_from

_DATE = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?$")
_FORMATS = "2025-06-30、2025/6/30、2025年6月30日"
_BLANK = {"", "-", "—", "－"}
# The changes that move a task's version: the conflict names the latest of them.
_VERSIONED = (
    EventKind.STATUS_CHANGED,
    EventKind.DEADLINE_CHANGED,
    EventKind.RESPONSIBILITY_CHANGED,
)


@dataclass(frozen=True)
class DeadlineRow:
    """One grid row as the coordinator left it: the task, the version read, and the values."""

    task_id: int
    expected_version: int
    due_on: dt.date | None
    lead_id: int | None  # the agency to lead; None leaves the lead as it is


class GridConflict(Exception):
    """Rows changed by someone else since the grid was read: (task, Conflict) each."""

    def __init__(self, conflicts: list[tuple[Task, Conflict]]) -> None:
        self.conflicts = conflicts
        super().__init__("; ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [
            _("任务 %(label)s：%(message)s") % {"label": task.label, "message": conflict.message}
            for task, conflict in self.conflicts
        ]


def date_parse(text: str) -> dt.date | None:
    """`2025-06-30`, `2025/6/30` or `2025年6月30日` (also as Excel copies them); blank is None.
    Raises ValueError for anything else."""
    text = text.strip().replace("\u3000", "")
    if text in _BLANK:
        return None
    match = _DATE.match(text)
    if match is None:
        raise ValueError(text)
    return dt.date(*(int(part) for part in match.groups()))


def dates_paste_parse(*, text: str, count: int) -> list[dt.date | None]:
    """A column pasted from Excel, one date a line in task order; a blank line leaves its
    row's date as it is (None). Every bad line is named; nothing is taken if one is bad."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    errors, dates = [], []
    for number, line in enumerate(lines, start=1):
        try:
            dates.append(date_parse(line.split("\t")[0]))
        except ValueError:
            errors.append(
                _("粘贴的第 %(n)d 行“%(text)s”不是有效日期（应为 %(formats)s）。")
                % {"n": number, "text": line.strip()[:40], "formats": _FORMATS}
            )
    if len(lines) > count:
        errors.append(
            _("粘贴了 %(lines)d 行，但本方案只有 %(count)d 项任务。")
            % {"lines": len(lines), "count": count}
        )
    if errors:
        raise ValidationError({"paste": errors})
    return dates


def deadline_grid_tasks(*, plan: Plan) -> QuerySet[Task]:
    """The plan's tasks in order, each with its responsibilities and their agencies."""
    responsibilities = Responsibility.objects.select_related("agency").order_by("order")
    return (
        Task.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(Prefetch("responsibilities", queryset=responsibilities))
    )


def current_lead(task: Task) -> Responsibility | None:
    """The lead shown in the grid: the local side's first lead, else any side's."""
    leads = [r for r in task.responsibilities.all() if r.role == ResponsibilityRole.LEAD]
    local = [r for r in leads if r.side == Side.LOCAL]
    return (local or leads or [None])[0]


def deadline_grid_save(*, actor: User, plan: Plan, rows: list[DeadlineRow]) -> int:
    """Save the changed rows in one transaction; returns how many tasks changed."""
    if not rules.can_coordinate_plan(actor, plan):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以执行此操作。"))
    wanted = {r.task_id for r in rows}
    tasks = {t.pk: t for t in deadline_grid_tasks(plan=plan).filter(pk__in=wanted)}
    if len(tasks) != len(wanted):
        raise ValidationError(_("有任务不属于本方案。"))
    changed = 0
    with transaction.atomic():
        locked = Task.objects.select_for_update().filter(pk__in=list(tasks)).in_bulk()
        conflicts = [
            (tasks[r.task_id], _task_conflict(tasks[r.task_id]))
            for r in rows
            if locked[r.task_id].version != r.expected_version
        ]
        if conflicts:
            raise GridConflict(conflicts)
        for row in rows:
            changed += _row_save(actor=actor, task=tasks[row.task_id], row=row)
    return changed


def _row_save(*, actor: User, task: Task, row: DeadlineRow) -> bool:
    lead = current_lead(task)
    new_due = row.due_on != task.due_on
    new_lead = row.lead_id is not None and (lead is None or lead.agency_id != row.lead_id)
    if not (new_due or new_lead):
        return False
    chosen = next((r for r in task.responsibilities.all() if r.agency_id == row.lead_id), None)
    if new_lead and chosen is None:
        raise ValidationError(
            _("任务 %(label)s：牵头单位须为该任务的责任单位之一。") % {"label": task.label}
        )
    values = {"due_on": row.due_on} if new_due else {}
    if not compare_and_set(Task, pk=task.pk, version=row.expected_version, **values):
        raise GridConflict([(task, _task_conflict(task))])
    if new_due:
        event_record(
            actor=actor,
            kind=EventKind.DEADLINE_CHANGED,
            plan=task.plan,
            task=task,
            from_value=task.due_on.isoformat() if task.due_on else "",
            to_value=row.due_on.isoformat() if row.due_on else "",
        )
    if new_lead:
        _lead_set(actor=actor, task=task, chosen=chosen, before=lead)
    return True


def _lead_set(
    *, actor: User, task: Task, chosen: Responsibility, before: Responsibility | None
) -> None:
    """One lead per side: the chosen agency leads; the other leads and 责任单位 of its side
    become co-responsible (配合)."""
    same_side = Responsibility.objects.filter(task=task, side=chosen.side).exclude(pk=chosen.pk)
    same_side.filter(role__in=[ResponsibilityRole.LEAD, ResponsibilityRole.RESPONSIBLE]).update(
        role=ResponsibilityRole.CO
    )
    Responsibility.objects.filter(pk=chosen.pk).update(role=ResponsibilityRole.LEAD)
    event_record(
        actor=actor,
        kind=EventKind.RESPONSIBILITY_CHANGED,
        plan=task.plan,
        task=task,
        from_value=before.agency.name if before else "",
        to_value=chosen.agency.name,
        reason=_("设为牵头单位"),
        data={"lead": chosen.agency_id, "previous_lead": before.agency_id if before else None},
    )


def _task_conflict(task: Task) -> Conflict:
    current = Task.objects.select_related("plan").get(pk=task.pk)
    return conflict_from(current, Event.objects.filter(task=task, kind__in=_VERSIONED))
