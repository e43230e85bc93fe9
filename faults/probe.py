"""Run inside the stack's Django (`manage.py shell -c`), never imported by the runner: it finds
what the scenarios act on through the application's own rules and prints it as one JSON line.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies import rules
from api.tokens import token_issue
from meetings.models import Meeting
from plans.models import Plan
from reports.models import ProgressReport, ReportingPeriod, ReportState
from reports.selectors import owing_responsibilities
from tasks.models import Task

SLOTS_PER_USER = 12
OPEN = (ReportState.DRAFT, ReportState.RETURNED)


def _slots(user: Any, plan: Plan) -> list[dict[str, Any]]:
    """The reports `user` may write and has not handed in: (task, agency, period)."""
    today = timezone.localdate()
    mine = rules.reporting_agency_ids(user)
    periods = list(ReportingPeriod.objects.filter(plan=plan, opens_on__lte=today))
    reports = {
        (r.task_id, r.agency_id, r.period_id): r
        for r in ProgressReport.objects.filter(task__plan=plan, agency_id__in=mine)
    }
    found = []
    for duty in owing_responsibilities(plan=plan).filter(agency_id__in=mine):
        for period in periods:
            report = reports.get((duty.task_id, duty.agency_id, period.pk))
            if report is not None and report.state not in OPEN:
                continue
            found.append(
                {
                    "task": duty.task_id,
                    "agency": duty.agency_id,
                    "period": period.pk,
                    "report": report.pk if report else None,
                    "version": report.version if report else None,
                }
            )
            if len(found) >= SLOTS_PER_USER:
                return found
    return found


def world(usernames: list[str]) -> None:
    users = get_user_model().objects.filter(username__in=usernames)
    out: dict[str, Any] = {"users": {}, "plans": {}}
    for user in users:
        plans = list(Plan.objects.visible_to(user).order_by("pk"))
        entry: dict[str, Any] = {"id": user.pk, "slots": [], "tasks": [], "meetings": []}
        for plan in plans:
            if len(entry["slots"]) < SLOTS_PER_USER and rules.reporting_agency_ids(user):
                entry["slots"] += _slots(user, plan)
            if rules.can_coordinate_plan(user, plan):
                entry["tasks"] += list(
                    Task.objects.filter(plan=plan).order_by("number").values_list("pk", flat=True)
                )
            if rules.can_manage_meetings(user, plan):
                entry["meetings"] += list(
                    Meeting.objects.filter(committee__plan=plan)
                    .order_by("-pk")
                    .values_list("pk", flat=True)
                )
        entry["plans"] = [p.pk for p in plans]
        _token, value = token_issue(user=user, name="fault suite", issued_by=None)
        entry["token"] = value
        out["users"][user.username] = entry
    print("PROBE " + json.dumps(out))
