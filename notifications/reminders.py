"""What reminders (催报) list: the digest item sources of reports and work items, and the
steps that say when each is reminded.

Steps, for something due on D: `before_7` and `before_1` (calendar days before D, from
settings), `due` on D, then `overdue_N` on the (N × 3)-th working day after D on the
Chinese calendar; from `overdue_2` on, the plan's coordinators are told too (escalation).
A returned report (退回待改) is reminded on its own cycle: every 2 working days after its
return (the plan's setting). Each step is a key of its own, so it reaches each person once
(notifications/digest_send.py), in one digest a day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.digest import DigestItem, link_to
from notifications.digest_send import reminders_send
from notifications.models import ReminderSettings
from notifications.workdays import workdays_between
from reports.models import ProgressReport, ReportingPeriod, ReportState
from reports.selectors import outstanding_reports
from tasks.models import ExtensionRequest, ExtensionState, Status, Task, WorkItem

__all__ = ["reminder_step", "reminders_send", "report_items", "work_item_items"]


@dataclass(frozen=True)
class Step:
    name: str
    overdue: int = 0  # N of overdue_N; 0 before and on the due date
    days_before: int = 0

    @property
    def escalated(self) -> bool:
        return self.overdue >= settings.REMINDER_ESCALATE_FROM_OVERDUE


def reminder_step(*, due_on: dt.date, as_of: dt.date) -> Step | None:
    """The latest step that has come by `as_of`, or None when it is too early."""
    if as_of < due_on:
        left = (due_on - as_of).days
        reached = [d for d in settings.REMINDER_DAYS_BEFORE if d >= left]
        return Step(f"before_{min(reached)}", days_before=min(reached)) if reached else None
    overdue = workdays_between(due_on, as_of) // settings.REMINDER_OVERDUE_EVERY_WORKDAYS
    return Step(f"overdue_{overdue}", overdue=overdue) if overdue else Step("due")


def _horizon(as_of: dt.date) -> dt.date:
    return as_of + dt.timedelta(days=max(settings.REMINDER_DAYS_BEFORE, default=0))


def _step_words(step: Step, *, what: str, due_on: dt.date, as_of: dt.date) -> str:
    if step.overdue:
        return _("%(what)s已逾期%(days)s天") % {"what": what, "days": (as_of - due_on).days}
    if step.days_before:
        return _("%(what)s将于%(due)s截止(还有%(days)s天)") % {
            "what": what,
            "due": due_on.isoformat(),
            "days": step.days_before,
        }
    return _("%(what)s今日截止") % {"what": what}


# --- reports ---------------------------------------------------------------------------------


def report_items(*, as_of: dt.date) -> list[DigestItem]:
    """Every owed report of an open period due within the reminder horizon, at its step, and
    every returned report on its cycle: a fixed number of queries, whatever the scale."""
    periods = {
        p.pk: p
        for p in ReportingPeriod.objects.filter(opens_on__lte=as_of, due_on__lte=_horizon(as_of))
        .only("pk", "plan_id", "label", "due_on")
        .order_by("due_on", "pk")
    }
    # The step depends on the due date only, and plans share their quarters.
    dues = {p.due_on for p in periods.values()}
    steps = {due: reminder_step(due_on=due, as_of=as_of) for due in dues}
    returned = _returned_items(as_of=as_of)
    found = [
        (row, step)
        for row in outstanding_reports(period_ids=list(periods))
        if row not in returned and (step := steps[periods[row[0]].due_on]) is not None
    ]
    tasks = Task.objects.only("pk", "plan_id", "label", "title").in_bulk(
        {task_id for (_, task_id, _), _ in found}
    )
    titles = {  # worded once per period, not once per report
        pk: _step_words(
            steps[p.due_on],  # type: ignore[arg-type]
            what=_("%(period)s进展报告") % {"period": p.label},
            due_on=p.due_on,
            as_of=as_of,
        )
        for pk, p in periods.items()
        if steps[p.due_on] is not None
    }
    items = []
    for (period_id, task_id, agency_id), step in found:
        period, task = periods[period_id], tasks[task_id]
        title = titles[period_id]
        items.append(
            DigestItem(
                kind="report_overdue" if step.overdue else "report_due",
                key=f"report:{task_id}:{agency_id}:{period_id}:{step.name}",
                plan_id=task.plan_id,
                agency_id=agency_id,
                title=f"{title}:{task.label}{task.title}",
                link=link_to("reports:report_edit", task_id, agency_id, period_id),
                due_on=period.due_on,
                escalate=step.escalated,
            )
        )
    return items + [item for item in returned.values() if item is not None]


def _returned_items(*, as_of: dt.date) -> dict[tuple[int, int, int], DigestItem | None]:
    """(period, task, agency) → the returned report's item today, or None between its
    reminders. Reminded every N working days (the plan's setting) counted from the return:
    the key carries the return date, so a report returned again starts a new cycle."""
    rows = list(
        ProgressReport.objects.filter(state=ReportState.RETURNED).values_list(
            "period_id",
            "task_id",
            "agency_id",
            "period__label",
            "task__plan_id",
            "task__label",
            "task__title",
            "reviewed_at",
            "updated_at",
        )
    )
    every = _returned_cycles(plan_ids={row[4] for row in rows})
    counted: dict[tuple[dt.date, int], int] = {}
    words = _("%(period)s进展报告已退回,请修改后重新提交:%(task)s")
    found: dict[tuple[int, int, int], DigestItem | None] = {}
    for period_id, task_id, agency_id, label, plan_id, number, title, reviewed, updated in rows:
        returned_on = timezone.localdate(reviewed or updated)
        cycle = every.get(plan_id, 2)
        if (returned_on, cycle) not in counted:
            counted[(returned_on, cycle)] = workdays_between(returned_on, as_of) // cycle
        step = counted[(returned_on, cycle)]
        found[(period_id, task_id, agency_id)] = (
            DigestItem(
                kind="report_returned",
                key=f"report:{task_id}:{agency_id}:{period_id}:returned:{returned_on}:{step}",
                plan_id=plan_id,
                agency_id=agency_id,
                title=words % {"period": label, "task": f"{number}{title}"},
                link=link_to("reports:report_edit", task_id, agency_id, period_id),
            )
            if step >= 1
            else None
        )
    return found


def _returned_cycles(*, plan_ids: set[int]) -> dict[int, int]:
    return dict(
        ReminderSettings.objects.filter(plan_id__in=plan_ids).values_list(
            "plan_id", "returned_every_workdays"
        )
    )


# --- work items, decisions, extension requests ------------------------------------------------


def work_item_items(*, as_of: dt.date) -> list[DigestItem]:
    """Work items not completed whose due date is near or past, one item per responsible
    agency (a meeting's decision is told apart as such), and pending extension requests
    whose work item's due date is near or past, for the coordinators to decide."""
    open_items = WorkItem.objects.filter(
        due_on__lte=_horizon(as_of), closed_at__isnull=True
    ).exclude(status=Status.COMPLETED)
    rows = list(
        WorkItem.agencies.through.objects.filter(
            workitem__in=open_items, agency__is_collective=False
        ).values_list(
            "workitem_id",
            "agency_id",
            "workitem__task__plan_id",
            "workitem__task__label",
            "workitem__title",
            "workitem__due_on",
            "workitem__decision",
        )
    )
    steps = _steps_by_due(as_of)
    whats = {"decision": _("议定事项"), "work_item": _("工作要点")}
    worded: dict[tuple[str, dt.date], str] = {}
    items = []
    for pk, agency_id, plan_id, label, title, due_on, decision in rows:
        step = steps(due_on)
        if step is None:
            continue
        kind = "decision" if decision is not None else "work_item"
        if (kind, due_on) not in worded:
            worded[(kind, due_on)] = _step_words(step, what=whats[kind], due_on=due_on, as_of=as_of)
        items.append(
            DigestItem(
                kind=kind,
                key=f"{kind}:{pk}:{agency_id}:{due_on}:{step.name}",
                plan_id=plan_id,
                agency_id=agency_id,
                title=f"{worded[(kind, due_on)]}:{title}({label})",
                link=link_to("tasks:work_item_detail", pk),
                due_on=due_on,
                escalate=step.escalated,
            )
        )
    return items + _extension_items(as_of=as_of, steps=steps)


def _extension_items(
    *, as_of: dt.date, steps: Callable[[dt.date], Step | None]
) -> list[DigestItem]:
    """A pending 延期申请 is the coordinators' to decide before the work item falls due."""
    rows = ExtensionRequest.objects.filter(
        Q(work_item__due_on__lte=_horizon(as_of)), state=ExtensionState.PENDING
    ).values_list(
        "pk",
        "agency_id",
        "work_item_id",
        "work_item__task__plan_id",
        "work_item__title",
        "work_item__due_on",
        "requested_due_on",
    )
    items = []
    for pk, agency_id, work_item_id, plan_id, title, due_on, requested in rows:
        step = steps(due_on)
        if step is None:
            continue
        items.append(
            DigestItem(
                kind="extension",
                key=f"extension:{pk}:{step.name}",
                plan_id=plan_id,
                agency_id=agency_id,
                title=_("延期申请待审批(原期限%(due)s,申请延至%(to)s):%(title)s")
                % {"due": due_on.isoformat(), "to": requested.isoformat(), "title": title},
                link=link_to("tasks:work_item_detail", work_item_id),
                due_on=due_on,
                escalate=True,
            )
        )
    return items


def _steps_by_due(as_of: dt.date) -> Callable[[dt.date], Step | None]:
    """reminder_step, counted once per due date."""
    known: dict[dt.date, Step | None] = {}

    def step(due_on: dt.date) -> Step | None:
        if due_on not in known:
            known[due_on] = reminder_step(due_on=due_on, as_of=as_of)
        return known[due_on]

    return step
