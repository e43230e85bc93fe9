"""Reminders (催报) for expected reports not yet submitted, and escalation (督办).

Steps, for a period due on D: `before_7` and `before_1` (calendar days before D, from
settings), `due` on D, then `overdue_N` on the (N × 3)-th working day after D on the
Chinese calendar. From `overdue_2` on, the coordinators of the plan's lead agency are told
too. Each run sends, per expected report, the latest step that has come; a step is a row
with a unique key, claimed by compare-and-set, so it is sent once, ever.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Role
from notifications.models import Kind
from notifications.recipients import REPORTERS, agency_members
from notifications.services import Message, notification_fan_out
from plans.models import Plan
from reports.models import ProgressReport, Reminder, ReportingPeriod, ReportState
from reports.selectors import owing_responsibilities
from reports.workdays import workdays_between

logger = logging.getLogger(__name__)


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


def reminders_send(*, as_of: dt.date) -> dict[str, int]:
    """The daily job. Returns {"sent": reminders sent now, "skipped": outstanding reports
    with nothing new to send (too early, or this step already sent)}."""
    horizon = as_of + dt.timedelta(days=max(settings.REMINDER_DAYS_BEFORE, default=0))
    periods = list(
        ReportingPeriod.objects.filter(opens_on__lte=as_of, due_on__lte=horizon)
        .select_related("plan__lead_agency")
        .order_by("due_on", "pk")
    )
    sent = skipped = 0
    for plan_id in sorted({p.plan_id for p in periods}):
        plan_periods = [p for p in periods if p.plan_id == plan_id]
        for period, task, agency in _outstanding(plan=plan_periods[0].plan, periods=plan_periods):
            step = reminder_step(due_on=period.due_on, as_of=as_of)
            if step is None:
                skipped += 1
                continue
            reminder, _ = Reminder.objects.get_or_create(
                task=task,
                agency=agency,
                period=period,
                step=step.name,
                defaults={"escalated": step.escalated},
            )
            if reminder_deliver(reminder_id=reminder.pk, step=step, as_of=as_of):
                sent += 1
            else:
                skipped += 1
    return {"sent": sent, "skipped": skipped}


def _outstanding(*, plan: Plan, periods: list[ReportingPeriod]):
    """(period, task, agency) for every owed report still without a submission."""
    done = set(
        ProgressReport.objects.filter(period__in=periods)
        .exclude(state=ReportState.DRAFT)
        .values_list("task_id", "agency_id", "period_id")
    )
    owing = list(owing_responsibilities(plan=plan))
    for period in periods:
        for resp in owing:
            if (resp.task_id, resp.agency_id, period.pk) not in done:
                yield period, resp.task, resp.agency


def reminder_deliver(*, reminder_id: int, step: Step, as_of: dt.date) -> bool:
    """Claim the reminder (sent_at NULL → now) and fan it out, in one transaction: if the
    fan-out fails the claim rolls back with it and the next run tries again."""
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        reminder = Reminder.objects.select_related(
            "task", "agency", "period__plan__lead_agency"
        ).get(pk=reminder_id)
        users = agency_members(agency_ids=[reminder.agency_id], roles=REPORTERS)
        agencies: list[Agency] = [reminder.agency]
        plan = reminder.period.plan
        if step.escalated:
            users += agency_members(agency_ids=[plan.lead_agency_id], roles=[Role.COORDINATOR])
            agencies.append(plan.lead_agency)
        if not users and not any(a.webhook_url for a in agencies):
            logger.warning("reminder %s: nobody to tell at %s", reminder_id, reminder.agency)
        notification_fan_out(
            dedupe_key=f"reminder:{reminder.pk}",
            message=_message(reminder=reminder, step=step, as_of=as_of),
            users=users,
            agencies=agencies,
        )
    return True


def _message(*, reminder: Reminder, step: Step, as_of: dt.date) -> Message:
    context = {
        "task": reminder.task,
        "agency": reminder.agency,
        "period": reminder.period,
        "step": step,
        "days_late": (as_of - reminder.period.due_on).days,
        "link": reverse("tasks:task_detail", args=[reminder.task_id]),
    }
    subject = " ".join(render_to_string("notifications/reminder_subject.txt", context).split())
    body = render_to_string("notifications/reminder_body.txt", context).strip()
    kind = Kind.ESCALATION if step.escalated else Kind.REMINDER
    return Message(kind=kind, title=subject, body=body, link=context["link"])
