"""Reads for an agency's duties page (我司职责) and its download: every task the agency leads
or co-leads in the plans the user may see, as plain values, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import CharField, Count, OuterRef, QuerySet, Subquery, Value

from agencies import rules
from agencies.models import Agency
from agencies.rules import User
from plans.models import Plan
from reports.models import ProgressReport
from tasks.models import Responsibility


@dataclass(slots=True)
class DutyRow:
    """One of an agency's duties as its page and its download show it: plain values, not a
    responsibility, a task, a plan and a region per row."""

    task_id: int
    task_label: str
    task_title: str
    task_status: str
    task_due_on: dt.date | None
    plan_title: str
    region_name: str
    role: str
    latest_report_id: int | None
    latest_report_state: str | None
    latest_report_period: str | None
    # Not read: set by the view, from tasks.lights.
    light: str = ""


DUTY_PATHS = {
    "task_label": "task__label",
    "task_title": "task__title",
    "task_status": "task__status",
    "task_due_on": "task__due_on",
    "plan_title": "task__plan__title",
    "region_name": "task__plan__region__name",
}
DUTY_FIELDS = tuple(DUTY_PATHS.get(f.name, f.name) for f in fields(DutyRow) if f.name != "light")


def duties_visible(
    *, user: User, agency: Agency, plan_id: int | None = None, status: str = ""
) -> QuerySet[Responsibility]:
    """The responsibilities of the agency in the plans the user may see: every task it leads
    or co-leads, in the plan and of the status asked for, if any."""
    found = Responsibility.objects.filter(agency=agency)
    # As `Task.objects.visible_to`: every plan is visible to those who read everything, and
    # testing each duty's plan against all of them cost two queries ~2 ms each.
    if not rules.reads_everything(user):
        found = found.filter(task__plan__in=Plan.objects.visible_to(user))
    if plan_id is not None:
        found = found.filter(task__plan_id=plan_id)
    if status:
        found = found.filter(task__status=status)
    return found


def agency_responsibilities(
    *,
    user: User,
    agency: Agency,
    plan_id: int | None = None,
    status: str = "",
    duties: QuerySet[Responsibility] | None = None,
    with_state: bool = True,
) -> QuerySet[Responsibility, tuple[Any, ...]]:
    """Every task the agency leads or co-leads in the plans the user may see (`duties`, if
    the caller has them already: `duties_visible`), with the agency's latest report on it
    (three subqueries in the same query, not one per row), as the values of a `DutyRow`
    (`DutyRow(*values)`). Without `with_state` the report's state is None: the page does
    not show it, and each subquery costs Django ~0.6 ms to compile."""
    # Another agency's draft is not the user's to see (`visible_to`): its latest report then
    # is the one before, or none.
    latest = (
        ProgressReport.objects.visible_to(user)
        .filter(task=OuterRef("task"), agency=agency)
        .order_by("-period__due_on", "-pk")
    )
    if duties is None:
        duties = duties_visible(user=user, agency=agency, plan_id=plan_id, status=status)
    return (
        duties.annotate(
            latest_report_id=Subquery(latest.values("pk")[:1]),
            latest_report_state=Subquery(latest.values("state")[:1])
            if with_state
            else Value(None, output_field=CharField()),
            latest_report_period=Subquery(latest.values("period__label")[:1]),
        )
        .values_list(*DUTY_FIELDS)
        .order_by("task__plan__region__name", "task__plan__title", "task__number", "pk")
    )


def get_agency_for_user(user: User, pk: int) -> Agency:
    """An agency's duty page is open to its own people, to those who read everything, and to
    those who share a plan with it; anyone else gets 404, as for a page that does not exist."""
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise rules.NotVisible
    if agency.pk in rules.agency_ids(user) or rules.reads_everything(user):
        return agency
    shares = Responsibility.objects.filter(
        agency=agency, task__plan__in=Plan.objects.visible_to(user)
    )
    if not shares.exists():
        raise rules.NotVisible
    return agency


def duty_plans(duties: QuerySet[Responsibility]) -> tuple[list[tuple[int, str]], int]:
    """The plans of an agency's duties (`duties_visible`), by title: the choices of the page's
    plan filter; and how many duties there are, which the page's pager needs. One GROUP BY
    by plan: a COUNT of the duties beside it was a second pass over the same rows."""
    counted = list(
        duties.order_by()
        .values_list("task__plan_id", "task__plan__title")
        .annotate(duties=Count("pk"))
    )
    pairs = sorted(((pk, title) for pk, title, _n in counted), key=lambda pair: pair[1])
    return pairs, sum(n for _pk, _title, n in counted)
