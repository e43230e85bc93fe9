"""The demo's evaluation in progress: this year's self-evaluation of each demo plan still
running, opened by its coordinator, a few parts filled and submitted by their agencies'
liaisons, one accepted and one returned. Called at the end of devdata's demo_load;
idempotent (a plan whose year is already open is left as it is)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Membership, Role
from evaluations import services
from evaluations.models import Completion, EvaluationPart, SelfEvaluation
from plans.models import Plan

FILLED_PER_PLAN = 4


def demo_evaluations(*, plans: list[Plan]) -> list[SelfEvaluation]:
    year = timezone.localdate().year
    opened = []
    for plan in plans:
        if not plan.period_start <= year <= plan.period_end:
            continue
        if SelfEvaluation.objects.filter(plan=plan, year=year).exists():
            continue
        coordinator = _member(plan.lead_agency_id, (Role.COORDINATOR,))
        if coordinator is None:
            continue
        evaluation = services.evaluation_open(actor=coordinator, plan=plan, year=year)
        parts = EvaluationPart.objects.filter(evaluation=evaluation).select_related("task")
        submitted: list[EvaluationPart] = []
        seen_tasks: set[int] = set()
        for part in parts.order_by("task__number", "pk"):
            writer = _member(part.agency_id, (Role.LIAISON, Role.COORDINATOR))
            if writer is None or part.task_id in seen_tasks:
                continue  # one part on each of the first tasks: the page shows several
            seen_tasks.add(part.task_id)
            done = (part.percent or 0) >= 90
            services.part_save(
                actor=writer,
                part=part,
                version=None,
                completion=Completion.DONE if done else Completion.MOSTLY,
                percent=part.percent,
                score=Decimal(92 if done else 85),
                achievements=part.achievements or _("按计划推进，阶段目标已完成。"),
                problems=part.problems,
                next_steps=part.next_steps,
                evidence=part.evidence,
                submit=True,
            )
            submitted.append(part)
            if len(submitted) == FILLED_PER_PLAN:
                break
        if submitted:
            services.part_review(actor=coordinator, part=submitted[0], accept=True)
        if len(submitted) > 1:
            services.part_review(
                actor=coordinator,
                part=submitted[1],
                accept=False,
                reason=_("请补充量化成效和佐证材料。"),
            )
        opened.append(evaluation)
    return opened


def _member(agency_id: int | None, roles: tuple[str, ...]) -> Any:
    membership = (
        Membership.objects.filter(agency_id=agency_id, role__in=roles)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None
