"""What a plan's 责任分工表 says, gathered once as plain JSON-ready data: the API gives it as
it is, the XLSX and the DOCX are drawn from it, so the three always agree.

Two queries whatever the size of the plan (its tasks with their sections and latest accepted
report; their responsibilities), the plan itself being read by the caller's getter."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Side
from plans.models import Plan
from tasks.lights import light_for
from tasks.models import Responsibility, ResponsibilityRole, Status, Task

Data = dict[str, Any]
NIPA_NAME = "国家知识产权局"
# reports.models.ReportState.ACCEPTED, by value: the reports app sits above this one.
_ACCEPTED = "accepted"
# A deadline the task's own text sets (`2024年底前`, `到2025年`), when no date was entered.
_TEXT_DEADLINE = re.compile(r"(?:到|至|于)?(20\d{2})年(?:底前|年底前|前|底)")


def duty_table_gather(*, plan: Plan, today: dt.date | None = None) -> Data:
    """The plan's tasks in document order, grouped by section (a section holding no task is
    left out; tasks under no section come last), each with both sides' lead and co agencies
    in the order written, its deadline, status and light.

    `*_lead` lists who answer for the task (牵头, and 责任单位 alike, as the task page shows
    them); `*_co` who support it (配合). A collective unit (各市县) is listed as the plan writes
    it, not as the member agencies it was broken into."""
    today = today or timezone.localdate()
    tasks = list(_tasks(plan))
    agencies = _agencies(tasks)
    sections: list[Data] = []
    by_section: dict[int | None, Data] = {}
    ordered = sorted(
        tasks, key=lambda t: (t.section is None, t.section.order if t.section else 0, t.number)
    )
    for task in ordered:
        key = task.section_id
        if key not in by_section:
            title = f"{task.section.label}{task.section.title}" if task.section else _("其他任务")
            by_section[key] = {"title": title, "tasks": []}
            sections.append(by_section[key])
        by_section[key]["tasks"].append(_task_row(task, agencies[task.pk], plan=plan, today=today))
    return {
        "plan": {
            "id": plan.pk,
            "code": plan.code,
            "title": plan.title,
            "doc_number": plan.doc_number,
            "region": plan.region.name,
            "lead_agency": plan.lead_agency.name,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
        },
        "as_of": today.isoformat(),
        "sides": {"nipa": NIPA_NAME, "local": plan.region.name},
        "sections": sections,
    }


# What a row shows, and no more: a task's body runs to pages and is read for its deadline.
_FIELDS = ("pk", "number", "label", "title", "body", "status", "due_on", "non_exhaustive")
_FIELDS += ("section__label", "section__title", "section__order")


def _tasks(plan: Plan) -> Any:
    accepted = (
        Task._meta.get_field("reports")
        .related_model.objects.filter(task=OuterRef("pk"), state=_ACCEPTED)
        .order_by(F("reviewed_at").desc(nulls_last=True), "-pk")
    )
    return (
        Task.objects.filter(plan=plan)
        .select_related("section")
        .only(*_FIELDS)
        .annotate(last_accepted_at=Subquery(accepted.values("reviewed_at")[:1]))
        .order_by("number")
    )


def _agencies(tasks: list[Task]) -> dict[int, dict[str, list[str]]]:
    """Task → the four lists (nipa_lead, nipa_co, local_lead, local_co) of agency names."""
    lists: dict[int, dict[str, list[str]]] = {
        t.pk: {"nipa_lead": [], "nipa_co": [], "local_lead": [], "local_co": []} for t in tasks
    }
    rows = (
        Responsibility.objects.filter(task_id__in=lists, via_collective__isnull=True)
        .order_by("task_id", "order", "pk")
        .values_list("task_id", "side", "role", "agency__name")
    )
    for task_id, side, role, name in rows:
        prefix = "nipa" if side == Side.NIPA else "local"
        suffix = "co" if role == ResponsibilityRole.CO else "lead"
        lists[task_id][f"{prefix}_{suffix}"].append(name)
    return lists


def _task_row(task: Task, agencies: dict[str, list[str]], *, plan: Plan, today: dt.date) -> Data:
    light = light_for(status=task.status, due_on=task.due_on, today=today)
    accepted = task.last_accepted_at  # type: ignore[attr-defined]
    return {
        "number": task.number,
        "label": task.label,
        "title": task.title,
        **agencies,
        "non_exhaustive": task.non_exhaustive,
        "due": task.due_on.isoformat() if task.due_on else text_deadline(task=task, plan=plan),
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "status": task.status,
        "status_label": str(Status(task.status).label),
        "light": light,
        "light_label": light_label(light),
        "last_accepted_on": timezone.localdate(accepted).isoformat() if accepted else None,
    }


def text_deadline(*, task: Task, plan: Plan) -> str:
    """The deadline the plan's text gives when no date was entered: one the task's own text
    names, or else the end of the plan's period (the plans set their tasks for their term)."""
    match = _TEXT_DEADLINE.search(task.body or "")
    if match:
        return match.group(0)
    return _("%(year)d年底前(方案期限)") % {"year": plan.period_end}


def light_label(light: str) -> str:
    return {"red": _("红灯"), "amber": _("黄灯"), "green": _("绿灯")}.get(light, light)
