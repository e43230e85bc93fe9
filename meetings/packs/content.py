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

from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Level
from agencies.reference import NIPA
from dashboards.models import Rollup, Scope
from meetings.models import Decision, Meeting
from meetings.packs import labels
from plans.models import Plan, Section
from reports.models import ProgressReport, ReportingPeriod, ReportState
from reports.selectors import owing_responsibilities
from supervision.models import NoticeRecipient, RecipientState, SupervisionNotice
from tasks.lights import light_for
from tasks.models import Responsibility, ResponsibilityRole, Task, WorkItem

Data = dict[str, Any]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def pack_content_gather(
    *, plan: Plan, as_of: dt.date, rows: list[Rollup], meeting: Meeting | None = None
) -> Data:
    """Everything the pack shows; `rows` are the plan's rollup rows for `as_of`.

    Each part is read with a fixed number of queries, whatever the size of the plan: the
    30-task bench pack and a 90-task one cost the same round trips."""
    plan_row = next(r for r in rows if r.scope == Scope.PLAN)
    tasks = _tasks(plan=plan, as_of=as_of)
    side_names = _side_names(plan)
    for task in tasks:
        task["sides"] = _sides(task.pop("_resps"), side_names)
        task["lead_summary"] = labels.lead_summary(task["sides"])
        task["co_summary"] = labels.co_summary(task["sides"], non_exhaustive=task["non_exhaustive"])
    data: Data = {
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
        "sections": _sections(plan=plan, tasks=tasks),
        "indicators": [_indicator(r) for r in rows if r.scope == Scope.INDICATOR],
        "previous_decisions": _previous_decisions(meeting),
        "typical_cases": _typical_cases(plan=plan, as_of=as_of),
        "ledger": _ledger(plan=plan, as_of=as_of),
        "red_items": _red_items(plan=plan, tasks=tasks, as_of=as_of),
        "work_points": _work_points(plan=plan, as_of=as_of),
        "annex": [
            {
                "number": t["number"],
                "label": t["label"],
                "title": t["title"],
                "non_exhaustive": t["non_exhaustive"],
                "sides": t["sides"],
            }
            for t in tasks
        ],
    }
    data["cover"] = _cover(data)
    data["overall_sentence"] = labels.overall_sentence(data)
    data["missing_parts"] = _missing_parts(
        data, tasks=tasks, has_accepted=any(t["_reported"] for t in tasks)
    )
    data["missing"] = [note for notes in data["missing_parts"].values() for note in notes]
    return data


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


def _tasks(*, plan: Plan, as_of: dt.date) -> list[Data]:
    """Every task in number order, with its lead and co agencies, status, light and this
    year's accepted reports (three queries for the whole plan)."""
    resps: dict[int, list[Responsibility]] = defaultdict(list)
    for resp in (
        Responsibility.objects.filter(task__plan=plan)
        .select_related("agency__region")
        .order_by("task_id", "order", "pk")
    ):
        resps[resp.task_id].append(resp)
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
    tasks = []
    for task in Task.objects.filter(plan=plan).order_by("number"):
        reports = accepted[task.pk]
        own = resps[task.pk]
        tasks.append(
            {
                "number": task.number,
                "label": task.label,
                "title": task.title,
                "lead": [r.agency.name for r in own if r.role == ResponsibilityRole.LEAD],
                "co": [r.agency.name for r in own if r.role != ResponsibilityRole.LEAD],
                "non_exhaustive": task.non_exhaustive,
                "status": task.status,
                "due_on": task.due_on.isoformat() if task.due_on else None,
                "light": light_for(status=task.status, due_on=task.due_on, today=as_of),
                "progress": _joined(reports, "progress"),
                "problems": _joined(reports, "problems"),
                "next_steps": _joined(reports, "next_steps"),
                # Taken out before the data leaves: model rows are not JSON.
                "_pk": task.pk,
                "_reported": bool(reports),
                "_section": task.section_id,
                "_resps": own,
            }
        )
    return tasks


def _side_names(plan: Plan) -> dict[bool, str]:
    """The heading of each side: NIPA's name for the national region's agencies, the plan's
    region for every other agency the plan names (its cities and counties too)."""
    local = plan.region.name if plan.region_id else _("地方")
    return {True: NIPA, False: local}


def _sides(resps: list[Responsibility], names: dict[bool, str]) -> list[Data]:
    """The task's agencies by side, NIPA first, each in the order the plan writes them; a
    side with no agency is left out. Names are the short ones the side's heading makes
    unambiguous (战略规划司 under 国家知识产权局, 省知识产权局 under 海南省)."""
    sides = {
        national: {"side": names[national], "national": national, "lead": [], "co": []}
        for national in (True, False)
    }
    for resp in resps:
        national = resp.agency.region.level == Level.NATIONAL
        key = "lead" if resp.role == ResponsibilityRole.LEAD else "co"
        sides[national][key].append(_short_name(resp.agency, national, names[national]))
    return [side for side in sides.values() if side["lead"] or side["co"]]


def _short_name(agency: Agency, national: bool, side: str) -> str:
    if agency.short_name and agency.short_name != side:
        return agency.short_name
    prefix = side if national else agency.region.name
    rest = agency.name.removeprefix(prefix)
    if not rest or rest == agency.name:
        return agency.name
    # 海南省知识产权局 → 省知识产权局, 海口市市场监督管理局 → 市市场监督管理局: the level word
    # stays, as the documents write it.
    level_word = next(
        (w for w in ("特别行政区", "自治区", "省", "市", "县", "区") if prefix.endswith(w)), ""
    )
    return ("" if national else level_word) + rest


def _sections(*, plan: Plan, tasks: list[Data]) -> list[Data]:
    """One group per section holding tasks, in document order."""
    sections = {s.pk: s for s in Section.objects.filter(plan=plan)}
    groups: dict[int | None, list[Data]] = defaultdict(list)
    for task in tasks:
        groups[task["_section"]].append({k: v for k, v in task.items() if not k.startswith("_")})
    ordered = sorted(groups, key=lambda pk: (pk is None, sections[pk].order if pk else 0))
    return [
        {
            "label": sections[pk].label if pk else "",
            "title": sections[pk].title if pk else "",
            "tasks": groups[pk],
        }
        for pk in ordered
    ]


def _red_items(*, plan: Plan, tasks: list[Data], as_of: dt.date) -> list[Data]:
    """The tasks lit red (the light of the task tables, `light_for`), each with the 督办
    notices on it, its work items or its reports, oldest first."""
    red = [t for t in tasks if t["light"] == "red"]
    if not red:
        return []
    notices: dict[int, list[Data]] = defaultdict(list)
    rows = (
        SupervisionNotice.objects.filter(plan=plan)
        .annotate(
            target_task_id=Coalesce(F("task_id"), F("work_item__task_id"), F("report__task_id"))
        )
        .filter(target_task_id__in=[t["_pk"] for t in red])
        .prefetch_related(
            Prefetch("recipients", queryset=NoticeRecipient.objects.order_by("order", "pk"))
        )
        .order_by("year", "number", "pk")
    )
    for notice in rows:
        states = [r.state for r in notice.recipients.all()]
        notices[notice.target_task_id].append(
            {
                "number": notice.number_label,
                "level": notice.get_level_display(),
                "issued_on": timezone.localdate(notice.issued_at).isoformat(),
                "due_on": notice.deadline.isoformat(),
                "state": _notice_state(states),
                "overdue": notice.deadline < as_of
                and any(s != RecipientState.CLOSED for s in states),
            }
        )
    return [
        {
            "task": f"{t['label']}{t['title']}",
            "number": t["number"],
            "lead_summary": t["lead_summary"],
            "status": t["status"],
            "due_on": t["due_on"],
            "notices": notices[t["_pk"]],
        }
        for t in red
    ]


def _notice_state(states: list[str]) -> str:
    """One notice's state over its recipient agencies: the state when they agree, else the
    count in each (已办结1家、已反馈2家)."""
    if not states:
        return ""
    if len(set(states)) == 1:
        return str(RecipientState(states[0]).label)
    return "、".join(
        _("%(state)s%(count)d家")
        % {"state": RecipientState(state).label, "count": states.count(state)}
        for state in RecipientState.values
        if state in states
    )


def _work_points(*, plan: Plan, as_of: dt.date) -> list[Data]:
    """年度工作要点: the work items of the year of `as_of`, in task order."""
    items = (
        WorkItem.objects.filter(task__plan=plan, year=as_of.year)
        .select_related("task")
        .prefetch_related(Prefetch("agencies", queryset=Agency.objects.order_by("name")))
        .order_by("task__number", "due_on", "pk")
    )
    return [
        {
            "task": f"{item.task.label}{item.task.title}",
            "number": item.task.number,
            "title": item.title,
            "due_on": item.due_on.isoformat(),
            "status": item.status,
            "light": light_for(status=item.status, due_on=item.due_on, today=as_of),
            "source": item.source,
            "agencies": [a.name for a in item.agencies.all()],
            "closed_on": timezone.localdate(item.closed_at).isoformat() if item.closed_at else None,
        }
        for item in items
    ]


def _cover(data: Data) -> Data:
    meeting, plan = data["meeting"], data["plan"]
    return {
        "title": meeting["title"]
        if meeting
        else _("%(plan)s推进情况汇报") % {"plan": plan["title"]},
        "plan_title": plan["title"],
        "doc_number": plan["doc_number"],
        "held_on": meeting["held_on"] if meeting else None,
        "place": meeting["place"] if meeting else "",
        "as_of": data["as_of"],
    }


def _missing_parts(data: Data, *, tasks: list[Data], has_accepted: bool) -> dict[str, list[str]]:
    """What the pack cannot show, said in the part that would show it (a renderer prints
    these instead of an empty table); `data["missing"]` is the same notes in one list."""
    parts: dict[str, list[str]] = defaultdict(list)
    meeting = data["meeting"]
    if meeting is not None and not meeting["agenda"]:
        parts["agenda"].append(_("会议议程未填写"))
    if not has_accepted:
        parts["tasks"].append(_("本年度尚无已采纳的进展报告"))
    for task in tasks:
        if not task["sides"]:
            parts["tasks"].append(_("任务%(label)s未明确责任单位") % {"label": task["label"]})
    if meeting is not None and not data["previous_decisions"]:
        parts["decisions"].append(_("上次会议无议定事项"))
    if not data["work_points"]:
        parts["work_points"].append(_("本年度尚未录入工作要点"))
    if not data["typical_cases"]:
        parts["cases"].append(_("本年度尚无典型案例"))
    if not data["indicators"]:
        parts["indicators"].append(_("本方案未设置指标或尚无指标数据"))
    return dict(parts)


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
    decisions = (
        Decision.objects.filter(meeting=previous)
        .select_related("work_item__task")
        .prefetch_related(Prefetch("work_item__agencies", queryset=Agency.objects.order_by("name")))
        .order_by("order", "pk")
    )
    return [
        {
            "meeting": previous.title,
            "text": d.text,
            "task": f"{d.work_item.task.label}{d.work_item.task.title}",
            "agencies": [a.name for a in d.work_item.agencies.all()],
            "due_on": d.work_item.due_on.isoformat(),
            "status": d.work_item.status,
            "closed_on": d.work_item.closed_at.date().isoformat()
            if d.work_item.closed_at
            else None,
            "close_note": d.work_item.close_note,
        }
        for d in decisions
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
