"""Importing an official document: the plan (plans/services.py) and its tasks with their
responsibilities (here), in one transaction: all of it, or nothing.

The same document again (same sha256) changes nothing; a revised text of a known plan (same
document number, or same title in the same region) updates titles, texts and
responsibilities in place, and never deletes a task, a report or an event.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from plans.importer.model import ParsedPlan, ParsedTask
from plans.models import Plan, Section
from plans.services import (
    ImportPreview,
    plan_document_create,
    plan_document_revise,
    plan_import_prepare,
    plan_preview,
)
from tasks.events import event_record
from tasks.models import EventKind, Responsibility, Task

Agencies = dict[tuple[str, str], Agency]


@dataclass
class ImportOutcome:
    plan: Plan
    created: bool
    changed: bool
    changes: list[str]


@transaction.atomic
def plan_import(
    *,
    parsed: ParsedPlan,
    text: str,
    actor: User | None,
    lead_agency: Agency | None = None,
    kind: str | None = None,
    name_choices: dict[str, int] | None = None,
) -> ImportOutcome:
    """Create the plan (or revise it). A revision may only come from the coordinators of the
    plan's lead agency and keeps its lead; a new plan is led by `lead_agency`, else by the
    importing coordinator's agency, else by the agency that leads most tasks.

    `name_choices` maps unknown names (by index in the preview) to existing agencies."""
    preview = plan_preview(parsed=parsed, text=text)
    if preview.unchanged:
        return ImportOutcome(preview.existing, created=False, changed=False, changes=[])
    if (
        preview.existing is not None
        and actor
        and not rules.can_coordinate_plan(actor, preview.existing)
    ):
        raise PermissionDenied
    region, agencies = plan_import_prepare(preview=preview, actor=actor, name_choices=name_choices)
    if preview.existing is not None:
        _plan_revise(preview.existing, preview, agencies, text, actor)
        return ImportOutcome(preview.existing, created=False, changed=True, changes=preview.changes)
    lead = lead_agency or next(iter(rules.coordinated_agencies(actor)), None)
    plan, sections = plan_document_create(
        preview=preview,
        text=text,
        actor=actor,
        region=region,
        agencies=agencies,
        lead_agency=lead,
        kind=kind,
    )
    for ptask in parsed.tasks:
        _task_create(plan, sections, ptask, agencies)
    event_record(
        actor=actor,
        kind=EventKind.PLAN_IMPORTED,
        plan=plan,
        to_value=plan.title[:200],
        data={"sha256": preview.sha256, "tasks": len(parsed.tasks), "warnings": parsed.warnings},
    )
    return ImportOutcome(plan, created=True, changed=True, changes=[])


def _task_create(
    plan: Plan, sections: dict[str, Section], ptask: ParsedTask, agencies: Agencies
) -> Task:
    task = Task.objects.create(
        plan=plan,
        section=sections.get(ptask.section),
        number=ptask.number,
        label=ptask.label,
        title=ptask.title,
        body=ptask.text,
        non_exhaustive=ptask.non_exhaustive,
    )
    _responsibilities_write(task, ptask, agencies)
    return task


def _responsibilities_write(task: Task, ptask: ParsedTask, agencies: Agencies) -> None:
    seen: set[int] = set()
    for order, resp in enumerate(ptask.responsibilities):
        agency = agencies[(resp.written, resp.name)]
        if agency.pk in seen:  # named twice (e.g. on both sides): the first mention counts
            continue
        seen.add(agency.pk)
        Responsibility.objects.create(
            task=task,
            agency=agency,
            side=resp.side,
            role=resp.role,
            order=order,
            written=resp.written,
        )


def _plan_revise(
    plan: Plan, preview: ImportPreview, agencies: Agencies, text: str, actor: User | None
) -> None:
    """Update in place: tasks by number; never delete a task, a report or an event."""
    sections = plan_document_revise(plan=plan, preview=preview, text=text)
    current = {t.number: t for t in plan.tasks.prefetch_related("responsibilities__agency")}
    for ptask in preview.parsed.tasks:
        task = current.get(ptask.number)
        if task is None:
            _task_create(plan, sections, ptask, agencies)
            continue
        task.title, task.body = ptask.title, ptask.text
        task.non_exhaustive = ptask.non_exhaustive
        task.save(update_fields=["title", "body", "non_exhaustive"])
        _responsibilities_revise(task, ptask, agencies, actor)
    event_record(
        actor=actor,
        kind=EventKind.PLAN_REVISED,
        plan=plan,
        to_value=plan.title[:200],
        data={"sha256": preview.sha256, "changes": preview.changes},
    )


def _responsibilities_revise(
    task: Task, ptask: ParsedTask, agencies: Agencies, actor: User | None
) -> None:
    old = [(r.agency_id, r.role) for r in task.responsibilities.all()]
    new = [(agencies[(r.written, r.name)].pk, r.role) for r in ptask.responsibilities]
    if old == new:
        return
    before = "、".join(f"{r.agency.name}({r.role})" for r in task.responsibilities.all())
    task.responsibilities.all().delete()
    _responsibilities_write(task, ptask, agencies)
    after = "、".join(
        f"{r.agency.name}({r.role})" for r in task.responsibilities.select_related("agency")
    )
    event_record(
        actor=actor,
        kind=EventKind.RESPONSIBILITY_CHANGED,
        plan=task.plan,
        task=task,
        from_value=before[:200],
        to_value=after[:200],
        reason=_("方案修订"),
        data={"before": before, "after": after},
    )
