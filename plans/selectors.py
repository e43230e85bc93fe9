"""Reads for plans, always through the permission rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet

from agencies import rules
from agencies.rules import User, can_manage_meetings, visible_plans
from plans.models import Decision, Meeting, Plan
from tasks.models import Responsibility, Task


def get_plan_for_user(user: User, pk: int) -> Plan:
    """The plan if the user may see it; 404 otherwise, never a hint that it exists."""
    plan = visible_plans(user).select_related("region", "lead_agency").filter(pk=pk).first()
    if plan is None:
        raise rules.NotVisible
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


def get_meeting_for_user(user: User, pk: int, *, write: bool = False) -> Meeting:
    """404 when the user cannot see the plan; 403 when they may see but not manage it."""
    meeting = (
        Meeting.objects.filter(pk=pk, committee__plan__in=visible_plans(user))
        .select_related("committee__plan__region", "committee__plan__lead_agency")
        .first()
    )
    if meeting is None:
        raise rules.NotVisible
    if write and not can_manage_meetings(user, meeting.committee.plan):
        raise PermissionDenied
    return meeting


def meetings_of(*, plan: Plan) -> QuerySet[Meeting]:
    return Meeting.objects.filter(committee__plan=plan).order_by("-held_on", "-pk")


def meeting_decisions(*, meeting: Meeting) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(meeting=meeting)
        .select_related("work_item__task")
        .prefetch_related("work_item__agencies")
        .order_by("order")
    )


def previous_meeting(*, meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(committee=meeting.committee, held_on__lt=meeting.held_on)
        .order_by("-held_on", "-pk")
        .first()
    )
