"""What a meeting pack says, gathered once as plain JSON-ready data.

When a meeting's rollup is frozen this is stored with the meeting (Meeting.pack_data), and
every pack of that meeting is rendered from it: the DOCX, the PDF and the XLSX agree with
each other and with any pack generated again later. Without a frozen meeting the current
data is gathered the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from dashboards.models import Rollup, Scope
from meetings.models import Decision, Meeting
from plans.models import Plan, Section
from reports.models import ProgressReport, ReportingPeriod, ReportState
from reports.selectors import owing_responsibilities
from tasks.lights import light_for
from tasks.models import Responsibility, ResponsibilityRole, Task

Data = dict[str, Any]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def pack_content_gather(
    *, plan: Plan, as_of: dt.date, rows: list[Rollup], meeting: Meeting | None = None
) -> Data:
    """Everything the pack shows; `rows` are the plan's rollup rows for `as_of`."""
    plan_row = next(r for r in rows if r.scope == Scope.PLAN)
    return {
        "as_of": as_of.isoformat(),
        "plan": {
            "code": plan.code,
            "title": plan.title,
            "doc_number": plan.doc_number,
            "region": plan.region.name if plan.region_id else "",
            "lead_agency": plan.lead_agency.name,
        },
        "meeting": _meeting(meeting),
        "overall": _overall(plan_row),
        "sections": _sections(plan=plan, as_of=as_of),
        "indicators": [_indicator(r) for r in rows if r.scope == Scope.INDICATOR],
        "previous_decisions": _previous_decisions(meeting),
        "typical_cases": _typical_cases(plan=plan, as_of=as_of),
        "ledger": _ledger(plan=plan, as_of=as_of),
    }


def _meeting(meeting: Meeting | None) -> Data | None:
    if meeting is None:
        return None
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "agenda": [line.strip() for line in meeting.agenda.splitlines() if line.strip()],
        "attendees": list(meeting.attendees.order_by("name").values_list("name", flat=True)),
    }


def _overall(row: Rollup) -> Data:
    statuses = {
        name.removeprefix("status_"): getattr(row, name)
        for name in (
            "status_not_started",
            "status_on_track",
            "status_at_risk",
            "status_behind",
            "status_completed",
            "status_ongoing",
        )
    }
    return {
        "tasks_total": row.tasks_total,
        "statuses": statuses,
        "lights": {"red": row.light_red, "amber": row.light_amber, "green": row.light_green},
        "reports": {
            "expected": row.reports_expected,
            "submitted": row.reports_submitted,
            "on_time": row.reports_on_time,
            "late": row.reports_late,
            "returned": row.reports_returned,
            "missing": row.reports_missing,
        },
        "period": row.period.label if row.period_id else "",
        "period_reports": {
            "expected": row.period_expected,
            "submitted": row.period_submitted,
            "on_time": row.period_on_time,
            "late": row.period_late,
            "returned": row.period_returned,
            "missing": row.period_missing,
        },
    }


def _sections(*, plan: Plan, as_of: dt.date) -> list[Data]:
    """One group per section holding tasks, in document order; each task with its lead and
    co agencies, status, light and this year's accepted reports."""
    agencies: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "co": []})
    for resp in (
        Responsibility.objects.filter(task__plan=plan)
        .select_related("agency")
        .order_by("task_id", "order")
    ):
        key = "lead" if resp.role == ResponsibilityRole.LEAD else "co"
        agencies[resp.task_id][key].append(resp.agency.name)
    # Reports are cumulative for the year: each agency's latest accepted one says where it
    # stands. Ordered latest first, so the first seen per (task, agency) is kept.
    latest: dict[tuple[int, int], ProgressReport] = {}
    for report in (
        ProgressReport.objects.filter(
            task__plan=plan, state=ReportState.ACCEPTED, period__ends_on__year=as_of.year
        )
        .select_related("agency")
        .order_by("-period__starts_on", "pk")
    ):
        latest.setdefault((report.task_id, report.agency_id), report)
    accepted: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in sorted(latest.values(), key=lambda r: r.agency.name):
        accepted[report.task_id].append(report)
    sections = {s.pk: s for s in Section.objects.filter(plan=plan)}
    groups: dict[int | None, list[Data]] = defaultdict(list)
    for task in Task.objects.filter(plan=plan).order_by("number"):
        reports = accepted[task.pk]
        groups[task.section_id].append(
            {
                "number": task.number,
                "label": task.label,
                "title": task.title,
                "lead": agencies[task.pk]["lead"],
                "co": agencies[task.pk]["co"],
                "non_exhaustive": task.non_exhaustive,
                "status": task.status,
                "light": light_for(status=task.status, due_on=task.due_on, today=as_of),
                "progress": _joined(reports, "progress"),
                "problems": _joined(reports, "problems"),
                "next_steps": _joined(reports, "next_steps"),
            }
        )
    ordered = sorted(groups, key=lambda pk: (pk is None, sections[pk].order if pk else 0))
    return [
        {
            "label": sections[pk].label if pk else "",
            "title": sections[pk].title if pk else "",
            "tasks": groups[pk],
        }
        for pk in ordered
    ]


# What the printed pack quotes of each agency's report; the XLSX ledger has every text in
# full. A 30-task plan of eight agencies each otherwise made a PDF of several hundred pages.
EXCERPT_CHARS = 40


def _joined(reports: list[ProgressReport], field: str) -> str:
    parts = [
        f"{r.agency.name}:{_excerpt(getattr(r, field).strip())}"
        for r in reports
        if getattr(r, field).strip()
    ]
    return "\n".join(parts)


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rstrip() + "…"


def _indicator(row: Rollup) -> Data:
    indicator = row.indicator
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": _num(indicator.baseline),
        "target": _num(row.indicator_target),
        "target_year": indicator.target_year,
        "value": _num(row.indicator_value),
        "year": row.indicator_year,
    }


def _previous_decisions(meeting: Meeting | None) -> list[Data]:
    if meeting is None:
        return []
    previous = (
        Meeting.objects.filter(committee=meeting.committee, held_on__lt=meeting.held_on)
        .order_by("-held_on", "-pk")
        .first()
    )
    if previous is None:
        return []
    decisions = Decision.objects.filter(meeting=previous).select_related("work_item__task")
    return [
        {
            "meeting": previous.title,
            "text": d.text,
            "task": f"{d.work_item.task.label}{d.work_item.task.title}",
            "agencies": [a.name for a in d.work_item.agencies.order_by("name")],
            "due_on": d.work_item.due_on.isoformat(),
            "status": d.work_item.status,
            "closed_on": d.work_item.closed_at.date().isoformat()
            if d.work_item.closed_at
            else None,
            "close_note": d.work_item.close_note,
        }
        for d in decisions.prefetch_related("work_item__agencies")
    ]


def _typical_cases(*, plan: Plan, as_of: dt.date) -> list[Data]:
    """The year's typical cases, the same year the task tables report on: earlier years'
    cases were in earlier years' packs (five years of them filled ten printed pages)."""
    cases = (
        ProgressReport.objects.filter(
            task__plan=plan, is_typical_case=True, period__ends_on__year=as_of.year
        )
        .select_related("task", "agency", "period")
        .order_by("-period__ends_on", "task__number")
    )
    return [
        {
            "task": f"{r.task.label}{r.task.title}",
            "agency": r.agency.name,
            "period": r.period.label,
            "achievements": r.achievements or r.progress,
        }
        for r in cases
    ]


def _ledger(*, plan: Plan, as_of: dt.date) -> list[Data]:
    """台账: one row per task × owing agency × period opened by `as_of`, counted as the rollups
    count (`on_time` 按时, `late` 逾期报送, `returned` 退回待改, `missing` 缺报). A draft is
    its agency's alone: the pack shows its row as not handed in, and nothing of its text."""
    periods = list(
        ReportingPeriod.objects.filter(plan=plan, opens_on__lte=as_of).order_by("starts_on")
    )
    reports = {
        (r.task_id, r.agency_id, r.period_id): r
        for r in ProgressReport.objects.filter(period__in=periods)
        .exclude(state=ReportState.DRAFT)
        .with_timeliness()
    }
    owing = list(owing_responsibilities(plan=plan))
    rows = []
    for period in periods:
        for resp in owing:
            report = reports.get((resp.task_id, resp.agency_id, period.pk))
            handed_in = report is not None and report.handed_in
            returned = report is not None and report.state == ReportState.RETURNED
            rows.append(
                {
                    "task": f"{resp.task.label}{resp.task.title}",
                    "number": resp.task.number,
                    "agency": resp.agency.name,
                    "period": period.label,
                    "due_on": period.due_on.isoformat(),
                    "state": report.state if report else "",
                    "submitted_on": (
                        report.submitted_at.date().isoformat()
                        if report and report.submitted_at
                        else ""
                    ),
                    "on_time": handed_in and report.on_time,
                    "late": handed_in and report.handed_in_late,
                    "returned": returned,
                    "return_reason": report.return_reason if returned else "",
                    "missing": not handed_in and not returned and as_of > period.due_on,
                    "progress": report.progress if report else "",
                    "problems": report.problems if report else "",
                    "next_steps": report.next_steps if report else "",
                }
            )
    return rows
