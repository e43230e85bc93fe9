"""Reads for self-evaluations, always through the permission rules, and the pre-fill drawn
from the year's accepted reports, indicator actuals and typical cases."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from evaluations.models import DEFAULT_SCALE_MAX, EvaluationPart, PartState, SelfEvaluation
from plans.models import IndicatorValue, Plan
from reports.models import ProgressReport, ReportState
from tasks.models import Event, Responsibility, Task


def evaluations_visible_to(user: User) -> QuerySet[SelfEvaluation]:
    return SelfEvaluation.objects.filter(plan__in=Plan.objects.visible_to(user))


def get_evaluation_for_user(user: User, pk: int) -> SelfEvaluation:
    """The evaluation if the user may see its plan; 404 otherwise."""
    evaluation = (
        evaluations_visible_to(user)
        .select_related("plan", "plan__region", "plan__lead_agency", "opened_by", "frozen_by")
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise rules.NotVisible
    return evaluation


def get_part_for_user(user: User, pk: int) -> EvaluationPart:
    part = (
        EvaluationPart.objects.filter(evaluation__in=evaluations_visible_to(user))
        .select_related("evaluation", "evaluation__plan", "task", "agency")
        .filter(pk=pk)
        .first()
    )
    if part is None:
        raise rules.NotVisible
    return part


def evaluation_overview(*, user: User, plan: Plan | None = None) -> list[SelfEvaluation]:
    """Every evaluation the user may see (of one plan, if given), side by side (NIPA's
    page), with its counts."""
    evaluations = evaluations_visible_to(user)
    if plan is not None:
        evaluations = evaluations.filter(plan=plan)
    return list(
        evaluations.select_related("plan", "plan__region")
        .annotate(
            part_count=Count("parts"),
            submitted_count=Count(
                "parts", filter=Q(parts__state__in=[PartState.SUBMITTED, PartState.ACCEPTED])
            ),
            accepted_count=Count("parts", filter=Q(parts__state=PartState.ACCEPTED)),
            score_avg=Avg("parts__score"),
        )
        .order_by("plan__region__name", "plan__code", "-year")
    )


def carrying_responsibilities(*, plan: Plan) -> QuerySet[Responsibility]:
    """Who evaluates what: every agency that owes reports on a task (the same rule as the
    reporting ledger: no collective unit's own row, NIPA only where the plan says so)."""
    return (
        Responsibility.objects.owing_reports()
        .filter(task__plan=plan)
        .select_related("agency")
        .order_by("task__number", "order")
    )


def carries(*, task: Task, agency_id: int) -> bool:
    return rules.owes_report(task, agency_id)


@dataclass
class Prefill:
    achievements: str = ""
    problems: str = ""
    next_steps: str = ""
    evidence: str = ""
    percent: int | None = None
    sources: list[str] = field(default_factory=list)


def prefill_for(*, plan: Plan, year: int) -> dict[tuple[int, int], Prefill]:
    """(task id, agency id) → what the year's accepted reports, the agency's confirmed
    indicator actuals and its typical cases say. Three queries, whatever the plan's size."""
    found: dict[tuple[int, int], Prefill] = defaultdict(Prefill)
    reports = (
        ProgressReport.objects.filter(
            task__plan=plan, state=ReportState.ACCEPTED, period__starts_on__year=year
        )
        .select_related("period")
        .order_by("task_id", "agency_id", "period__starts_on")
    )
    by_key: dict[tuple[int, int], list[ProgressReport]] = defaultdict(list)
    for report in reports:
        by_key[(report.task_id, report.agency_id)].append(report)
    for key, rows in by_key.items():
        fill = found[key]
        fill.achievements = "\n".join(
            f"{r.period.label}:{r.achievements or r.progress}"
            for r in rows
            if r.achievements or r.progress
        )
        latest = rows[-1]
        fill.problems = latest.problems
        fill.next_steps = latest.next_steps
        fill.percent = latest.percent
        cases = [
            _("典型案例(%(period)s):%(text)s")
            % {"period": r.period.label, "text": r.achievements or r.progress}
            for r in rows
            if r.is_typical_case
        ]
        fill.evidence = "\n".join(cases)
        fill.sources = [r.period.label for r in rows]
    values = IndicatorValue.objects.counted().filter(
        indicator__plan=plan, year=year, reported_by__isnull=False
    )
    actuals: dict[int, list[str]] = defaultdict(list)
    for value in values.select_related("indicator").order_by("indicator__order", "pk"):
        actuals[value.reported_by_id].append(
            _("指标“%(name)s”%(year)d年实际值 %(value)s%(unit)s")
            % {
                "name": value.indicator.name,
                "year": year,
                "value": _number(value.value),
                "unit": value.indicator.unit,
            }
        )
    if actuals:
        for resp in carrying_responsibilities(plan=plan).only("task_id", "agency_id"):
            lines = actuals.get(resp.agency_id)
            if lines:
                fill = found[(resp.task_id, resp.agency_id)]
                fill.evidence = "\n".join(x for x in [fill.evidence, *lines] if x)
    return dict(found)


def _number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the document the exports print ------------------------------------------------------------


def evaluation_for_export(*, plan: Plan, year: int) -> SelfEvaluation | None:
    return SelfEvaluation.objects.filter(plan=plan, year=year).first()


def document_data(*, plan: Plan, year: int, evaluation: SelfEvaluation | None) -> dict[str, Any]:
    """Everything the three exports print, as plain values. Without an evaluation the parts
    are the pre-fill, marked as a draft: every task of the plan is named either way."""
    tasks = list(Task.objects.filter(plan=plan).select_related("section").order_by("number"))
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if evaluation is not None:
        parts = (
            EvaluationPart.objects.filter(evaluation=evaluation)
            .select_related("agency")
            .order_by("task__number", "pk")
        )
        for part in parts:
            rows[part.task_id].append(
                {
                    "agency": part.agency.name,
                    "completion": part.completion_label,
                    "score": part.score,
                    "achievements": part.achievements,
                    "problems": part.problems,
                    "next_steps": part.next_steps,
                    "evidence": part.evidence,
                    "state": str(PartState(part.state).label),
                    "state_code": part.state,
                }
            )
        scale_max = evaluation.scale_max
    else:
        fills = prefill_for(plan=plan, year=year)
        for resp in carrying_responsibilities(plan=plan):
            fill = fills.get((resp.task_id, resp.agency_id), Prefill())
            rows[resp.task_id].append(
                {
                    "agency": resp.agency.name,
                    "completion": "" if fill.percent is None else f"{fill.percent}%",
                    "score": None,
                    "achievements": fill.achievements,
                    "problems": fill.problems,
                    "next_steps": fill.next_steps,
                    "evidence": fill.evidence,
                    "state": str(PartState.DRAFT.label),
                    "state_code": PartState.DRAFT,
                }
            )
        scale_max = DEFAULT_SCALE_MAX
    task_rows = []
    for task in tasks:
        parts = rows.get(task.pk, [])
        scores = [p["score"] for p in parts if p["score"] is not None]
        task_rows.append(
            {
                "label": task.label,
                "title": task.title,
                "section": task.section.title if task.section else "",
                "parts": parts,
                "average": _mean(scores),
            }
        )
    averages = [t["average"] for t in task_rows if t["average"] is not None]
    return {
        "plan": {
            "title": plan.title,
            "doc_number": plan.doc_number,
            "code": plan.code,
            "region": plan.region.name if plan.region_id else "",
            "lead_agency": plan.lead_agency.name if plan.lead_agency_id else "",
        },
        "year": year,
        "draft": evaluation is None or not evaluation.is_frozen,
        "exists": evaluation is not None,
        "scale_max": scale_max,
        "assessment": evaluation.assessment if evaluation is not None else "",
        "frozen_at": evaluation.frozen_at if evaluation is not None else None,
        "tasks": task_rows,
        "overall": _mean(averages),
    }


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


def parts_visible_to(*, user: User, evaluation: SelfEvaluation) -> QuerySet[EvaluationPart]:
    """The parts a user may read, as reports are read: everything for NIPA and the plan's
    lead agency; otherwise the parts of tasks the user's agencies carry (their own and their
    partners' on those tasks)."""
    parts = EvaluationPart.objects.filter(evaluation=evaluation).select_related(
        "task", "agency", "submitted_by", "reviewed_by"
    )
    if rules.reads_everything(user):
        return parts
    mine = rules.agency_ids(user)
    if evaluation.plan.lead_agency_id in mine:
        return parts
    shared = Responsibility.objects.filter(agency_id__in=mine).values("task_id")
    return parts.filter(Q(agency_id__in=mine) | Q(task_id__in=shared))


def evaluation_events(*, evaluation: SelfEvaluation, limit: int = 20) -> list[Event]:
    """The evaluation's newest events on the plan's timeline (their data names it)."""
    return list(
        Event.objects.filter(plan_id=evaluation.plan_id, data__evaluation=evaluation.pk)
        .select_related("actor", "agency")
        .order_by("-created_at", "-pk")[:limit]
    )
