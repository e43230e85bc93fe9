"""Reads for plans, always through the permission rules."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from agencies.rules import User, visible_plans
from plans.models import Plan
from tasks.models import Responsibility, Task


def get_plan_for_user(user: User, pk: int) -> Plan:
    """The plan if the user may see it; 404 otherwise, never a hint that it exists."""
    plan = visible_plans(user).select_related("region", "lead_agency").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plan_list_for_user(*, user: User) -> QuerySet[Plan]:
    return (
        visible_plans(user)
        .select_related("region", "lead_agency")
        .annotate(task_count=Count("tasks"))
        .order_by("region__name", "-issued_on")
    )


def plan_tasks(*, plan: Plan) -> QuerySet[Task]:
    """Tasks in document order with their responsibilities, in two queries."""
    responsibilities = Responsibility.objects.select_related("agency").order_by("order")
    return (
        plan.tasks.select_related("section")
        .prefetch_related(Prefetch("responsibilities", queryset=responsibilities))
        .order_by("number")
    )
