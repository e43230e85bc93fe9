"""Reads for the committee's meetings, always through the permission rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from agencies import rules
from agencies.rules import User, can_manage_meetings
from meetings.models import Decision, Meeting
from plans.models import Plan


def get_meeting_for_user(user: User, pk: int, *, write: bool = False) -> Meeting:
    """404 when the user cannot see the plan; 403 when they may see but not manage it."""
    meeting = (
        Meeting.objects.filter(pk=pk, committee__plan__in=Plan.objects.visible_to(user))
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
