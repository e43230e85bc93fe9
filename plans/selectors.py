"""Reads for plans, always through the permission rules."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from agencies import rules
from agencies.rules import User
from ops.compiled import AnyOf, CompiledQuery
from plans.models import Indicator, IndicatorValue, Plan


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


# A plan's indicators and their counted values, as the task page shows them: compiled once per
# process (ops/compiled.py); built by the ORM they cost ~1.4 ms of CPU a page even for a plan
# with no indicator.
_INDICATORS = CompiledQuery[Indicator](
    lambda plan_id: Indicator.objects.filter(plan_id=plan_id).order_by("order", "pk"),
    samples=({"plan_id": 1}, {"plan_id": 2}),
)
_COUNTED_VALUES = CompiledQuery[IndicatorValue](
    lambda indicator_ids: (
        IndicatorValue.objects.counted()
        .filter(AnyOf("indicator_id", indicator_ids))
        .order_by("indicator_id", "year")
    ),
    samples=({"indicator_ids": [1]}, {"indicator_ids": [2]}),
)


def plan_indicators_counted(*, plan: Plan) -> list[Indicator]:
    """The plan's indicators in their order, each with `counted_values`: its confirmed values
    by year (`IndicatorValue.objects.counted()`). One query, two when there are indicators."""
    indicators = _INDICATORS(plan_id=plan.pk)
    by_indicator: dict[int, list[IndicatorValue]] = {i.pk: [] for i in indicators}
    for value in _COUNTED_VALUES(indicator_ids=list(by_indicator)) if indicators else ():
        by_indicator[value.indicator_id].append(value)
    for indicator in indicators:
        indicator.counted_values = by_indicator[indicator.pk]  # type: ignore[attr-defined]
    return indicators
