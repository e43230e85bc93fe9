"""Reads for plans, always through the permission rules."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from agencies import rules
from agencies.rules import User
from ops.compiled import CompiledQuery
from plans.models import Plan


def _plan_for_agencies(everything: bool) -> CompiledQuery[Plan]:
    return CompiledQuery[Plan](
        lambda pk, mine: (
            Plan.objects.visible_to_agencies(mine, everything=everything)
            .select_related("region", "lead_agency")
            .filter(pk=pk)
        ),
        samples=({"pk": 1, "mine": [2]}, {"pk": 3, "mine": [4]}),
    )


# Read by every plan's pages and plan-scoped API calls: compiled once per process
# (ops/compiled.py) for each shape of the visibility rule.
_PLAN_FOR = {everything: _plan_for_agencies(everything) for everything in (True, False)}


def get_plan_for_user(user: User, pk: int) -> Plan:
    """The plan if the user may see it (`Plan.objects.visible_to`); 404 otherwise, never a
    hint that it exists."""
    mine, everything = rules.visibility(user)
    plan = _PLAN_FOR[everything].first(pk=pk, mine=mine) if everything or mine else None
    if plan is None:
        raise rules.NotVisible
    return plan


def plan_list_for_user(*, user: User) -> QuerySet[Plan]:
    return (
        Plan.objects.visible_to(user)
        .select_related("region", "lead_agency")
        .annotate(task_count=Count("tasks"))
        .order_by("region__name", "-issued_on")
    )


def plan_by_reference(*, reference: str) -> Plan | None:
    """The plan named by its code or its document number (琼府〔2022〕39号), as every
    command-line export takes it (export_meeting_pack, export_duty_table,
    export_self_evaluation)."""
    return (
        Plan.objects.select_related("region", "lead_agency")
        .filter(Q(code=reference) | Q(doc_number=reference))
        .first()
    )
