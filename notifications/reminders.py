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
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import Agency, Role
from notifications.models import Kind, Reminder
from notifications.recipients import REPORTERS, members_by_agency
from notifications.services import FanOut, Message, notifications_fan_out
from notifications.workdays import workdays_between
from ops.bulk import bulk_insert_new
from reports.models import ReportingPeriod
from reports.selectors import outstanding_reports
from tasks.models import Task

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


# Reminders are claimed and fanned out this many at a time, one transaction each: a pass
# over tens of thousands of outstanding reports runs in a fixed number of statements per chunk.
CHUNK = 2000


@dataclass(frozen=True)
class Owed:
    period: ReportingPeriod
    task: Task
    agency: Agency
    step: Step

    @property
    def key(self) -> tuple[int, int, int, str]:
        return (self.task.pk, self.agency.pk, self.period.pk, self.step.name)


def reminders_send(*, as_of: dt.date) -> dict[str, int]:
    """The daily job. Returns {"sent": reminders sent now, "skipped": outstanding reports
    with nothing new to send (too early, or this step already sent)}."""
    horizon = as_of + dt.timedelta(days=max(settings.REMINDER_DAYS_BEFORE, default=0))
    periods = list(
        ReportingPeriod.objects.filter(opens_on__lte=as_of, due_on__lte=horizon)
        .select_related("plan__lead_agency")
        .order_by("due_on", "pk")
    )
    # The step depends on the due date only, and plans share their quarters: working days
    # are counted once per due date, not once per report.
    steps = {due: reminder_step(due_on=due, as_of=as_of) for due in {p.due_on for p in periods}}
    by_id = {p.pk: p for p in periods}
    found = outstanding_reports(period_ids=list(by_id))
    tasks = Task.objects.in_bulk({task_id for _, task_id, _ in found})
    agencies = Agency.objects.in_bulk({agency_id for _, _, agency_id in found})
    owed: list[Owed] = []
    too_early = 0
    for period_id, task_id, agency_id in found:
        period = by_id[period_id]
        step = steps[period.due_on]
        if step is None:
            too_early += 1
        else:
            owed.append(Owed(period, tasks[task_id], agencies[agency_id], step))
    sent = nobody = 0
    for start in range(0, len(owed), CHUNK):
        chunk_sent, chunk_nobody = reminders_deliver(owed=owed[start : start + CHUNK], as_of=as_of)
        sent += chunk_sent
        nobody += chunk_nobody
    if nobody:
        logger.warning("%d reminders had nobody to tell (no liaison, no robot)", nobody)
    return {"sent": sent, "skipped": too_early + len(owed) - sent}


CLAIM_SQL = """
    UPDATE {table} AS r SET sent_at = %s
    FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::varchar[])
        AS k(task_id, agency_id, period_id, step)
    WHERE r.task_id = k.task_id AND r.agency_id = k.agency_id
      AND r.period_id = k.period_id AND r.step = k.step AND r.sent_at IS NULL
    RETURNING r.id, r.task_id, r.agency_id, r.period_id, r.step
"""


def reminders_deliver(*, owed: list[Owed], as_of: dt.date) -> tuple[int, int]:
    """Make the reminder rows, claim those not sent yet (sent_at NULL → now, a compare-and-set
    that a concurrent pass waits on and then finds done) and fan them out, in one
    transaction: if the fan-out fails the claims roll back with it and the next run tries
    again. Returns (sent, of which nobody could be told)."""
    owed = sorted(owed, key=lambda o: o.key)  # one lock order for concurrent passes
    with transaction.atomic():
        bulk_insert_new(
            model=Reminder,
            rows=(
                {
                    "task_id": o.task.pk,
                    "agency_id": o.agency.pk,
                    "period_id": o.period.pk,
                    "step": o.step.name,
                    "escalated": o.step.escalated,
                }
                for o in owed
            ),
        )
        claimed = _claim(owed=owed)
        owed = [o for o in owed if o.key in claimed]
        escalated = [o for o in owed if o.step.escalated]
        reporters = members_by_agency(agency_ids={o.agency.pk for o in owed}, roles=REPORTERS)
        coordinators = members_by_agency(
            agency_ids={o.period.plan.lead_agency_id for o in escalated}, roles=[Role.COORDINATOR]
        )
        fan_outs: list[FanOut] = []
        nobody = 0
        for o in owed:
            users = list(reporters.get(o.agency.pk, []))
            agencies = [o.agency]
            if o.step.escalated:
                lead = o.period.plan.lead_agency
                users += coordinators.get(lead.pk, [])
                agencies.append(lead)
            if not users and not any(a.webhook_url for a in agencies):
                nobody += 1
            fan_outs.append(
                FanOut(
                    dedupe_key=f"reminder:{claimed[o.key]}",
                    message=_message(owed=o, as_of=as_of),
                    users=users,
                    agencies=agencies,
                )
            )
        notifications_fan_out(fan_outs=fan_outs)
    return len(owed), nobody


def _claim(*, owed: list[Owed]) -> dict[tuple[int, int, int, str], int]:
    """sent_at NULL → now for the given reminders; returns key → id of those claimed here."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                CLAIM_SQL.format(table=Reminder._meta.db_table),
                [now, *([o.key[i] for o in owed] for i in range(4))],
            )
            return {tuple(row[1:]): row[0] for row in cursor.fetchall()}
    # SQLite (the embedded demo, a few hundred reminders): one compare-and-set per row.
    keys = {o.key for o in owed}
    waiting = Reminder.objects.filter(
        sent_at__isnull=True, period_id__in={k[2] for k in keys}, task_id__in={k[0] for k in keys}
    ).values_list("id", "task_id", "agency_id", "period_id", "step")
    claimed = {}
    for pk, *key in waiting:
        if tuple(key) in keys and Reminder.objects.filter(pk=pk, sent_at__isnull=True).update(
            sent_at=now
        ):
            claimed[tuple(key)] = pk
    return claimed


def _message(*, owed: Owed, as_of: dt.date) -> Message:
    """The reminder's words, built with gettext rather than a template: a pass writes tens of
    thousands, and template rendering was a third of its time. Plain text, not HTML: names
    go into e-mail and robot messages as they are."""
    task, agency, period, step = owed.task, owed.agency, owed.period, owed.step
    due = period.due_on.isoformat()
    days_late = (as_of - period.due_on).days
    if step.overdue:
        what = _("%(agency)s %(period)s进展报告已逾期%(days)s天") % {
            "agency": agency.name,
            "period": period.label,
            "days": days_late,
        }
        ask = _("该报告已逾期%(days)s天,尚未提交,请尽快报送。") % {"days": days_late}
        if step.escalated:
            ask += "\n" + _("本提醒已同时抄送方案牵头单位。")
    elif step.days_before:
        what = ngettext(
            "%(period)s进展报告将于%(due)s截止(还有%(days)s天)",
            "%(period)s进展报告将于%(due)s截止(还有%(days)s天)",
            step.days_before,
        ) % {"period": period.label, "due": due, "days": step.days_before}
        ask = _("请在截止日期前提交进展报告。")
    else:
        what = _("%(period)s进展报告今日截止") % {"period": period.label}
        ask = _("今天是报送截止日,请尽快提交进展报告。")
    tag = _("【督办】") if step.escalated else _("【催报】")
    subject = " ".join(f"{tag}{what}:{task.label}{task.title}".split())
    body = "\n".join(
        [
            _("方案:%(plan)s") % {"plan": period.plan.title},
            _("任务:%(label)s%(title)s") % {"label": task.label, "title": task.title},
            _("报送单位:%(agency)s") % {"agency": agency.name},
            _("报送周期:%(period)s,截止日期 %(due)s") % {"period": period.label, "due": due},
            ask,
        ]
    )
    kind = Kind.ESCALATION if step.escalated else Kind.REMINDER
    link = reverse("tasks:task_detail", args=[task.pk])
    return Message(kind=kind, title=subject, body=body, link=link)
