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
from ops.compiled import CompiledQuery, CompiledShapes
from plans.models import Plan
from reports.models import ProgressReport
from tasks.models import Responsibility, Status


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


# The page's reads, compiled once per process for each shape of request (ops/compiled.py):
# whether the user reads every plan, and whether a plan and a status are asked for. Built by
# Django each time, the page of duties with its three subqueries was a quarter of the page's
# time. The agency, the user's agencies and the filters' values are the parameters.
DutyShape = tuple[bool, bool, bool]  # (reads everything, by plan, by status)
_SAMPLES = {
    "agency_id": (1, 2),
    "mine": ([3], [4]),
    "plan_id": (5, 6),
    "status": (Status.BEHIND.value, Status.AT_RISK.value),
}


@dataclass(frozen=True)
class DutyQuery:
    """What the duty reads take: the shape of the request and its values."""

    shape: DutyShape
    values: dict[str, Any]


def duty_query(
    *, user: User, agency: Agency, plan_id: int | None = None, status: str = ""
) -> DutyQuery | None:
    """The agency's duties in the plans the user may see, in the plan and of the status asked
    for, if any; None when the user may see no plan at all."""
    mine, everything = rules.visibility(user)
    if not (mine or everything):
        return None
    values: dict[str, Any] = {"agency_id": agency.pk, "mine": mine}
    if plan_id is not None:
        values["plan_id"] = plan_id
    if status:
        values["status"] = status
    return DutyQuery((everything, plan_id is not None, bool(status)), values)


def _duties(shape: DutyShape, values: dict[str, Any]) -> QuerySet[Responsibility]:
    """The responsibilities of the agency in the plans the user may see."""
    everything, by_plan, by_status = shape
    found = Responsibility.objects.filter(agency_id=values["agency_id"])
    # As `Task.objects.visible_to`: every plan is visible to those who read everything, and
    # testing each duty's plan against all of them cost two queries ~2 ms each.
    if not everything:
        visible = Plan.objects.visible_to_agencies(values["mine"], everything=False)
        found = found.filter(task__plan__in=visible)
    if by_plan:
        found = found.filter(task__plan_id=values["plan_id"])
    if by_status:
        found = found.filter(task__status=values["status"])
    return found


def _rows(
    shape: DutyShape, values: dict[str, Any], *, with_state: bool
) -> QuerySet[Responsibility, tuple[Any, ...]]:
    """The duties with the agency's latest report on each (three subqueries in the same
    query, not one per row), as the values of a `DutyRow` (`DutyRow(*values)`). Without
    `with_state` the report's state is None: the page does not show it."""
    # Another agency's draft is not the user's to see (`visible_to`): its latest report then
    # is the one before, or none.
    latest = (
        ProgressReport.objects.visible_to_agencies(values["mine"], everything=shape[0])
        .filter(task=OuterRef("task"), agency_id=values["agency_id"])
        .order_by("-period__due_on", "-pk")
    )
    return (
        _duties(shape, values)
        .annotate(
            latest_report_id=Subquery(latest.values("pk")[:1]),
            latest_report_state=Subquery(latest.values("state")[:1])
            if with_state
            else Value(None, output_field=CharField()),
            latest_report_period=Subquery(latest.values("period__label")[:1]),
        )
        .values_list(*DUTY_FIELDS)
        .order_by("task__plan__region__name", "task__plan__title", "task__number", "pk")
    )


def _plans(shape: DutyShape, values: dict[str, Any]) -> QuerySet[Responsibility, Any]:
    """(plan id, plan title, how many duties) of each plan of the duties: one GROUP BY by
    plan (a COUNT of the duties beside it was a second pass over the same rows)."""
    return (
        _duties(shape, values)
        .order_by()
        .values_list("task__plan_id", "task__plan__title")
        .annotate(duties=Count("pk"))
    )


_PAGE_ROWS = CompiledShapes[tuple[Any, ...]](
    lambda shape, **values: _rows(shape, values, with_state=False), samples=_SAMPLES
)
_PLANS = CompiledShapes[tuple[int, str, int]](
    lambda shape, **values: _plans(shape, values), samples=_SAMPLES
)


def duty_rows(query: DutyQuery | None) -> list[tuple[Any, ...]]:
    """Every duty, with its latest report's state: for the download, read once."""
    return [] if query is None else list(_rows(query.shape, query.values, with_state=True))


def duty_page_rows(query: DutyQuery | None, bottom: int, top: int) -> list[tuple[Any, ...]]:
    """The duties from `bottom` to `top`, without the report's state (the page omits it)."""
    if query is None:
        return []
    return _PAGE_ROWS.slice(query.shape, bottom, top, **query.values)


def duty_plans(query: DutyQuery | None) -> tuple[list[tuple[int, str]], int]:
    """The plans of the duties, by title: the choices of the page's plan filter; and how many
    duties there are, which the page's pager needs."""
    if query is None:
        return [], 0
    counted = _PLANS.query(query.shape, query.values)(**query.values)
    pairs = sorted(((pk, title) for pk, title, _n in counted), key=lambda pair: pair[1])
    return pairs, sum(n for _pk, _title, n in counted)


# An agency by its id, for its duty page: compiled (ops/compiled.py).
_AGENCY = CompiledQuery[Agency](
    lambda pk: Agency.objects.filter(pk=pk), samples=({"pk": 1}, {"pk": 2})
)


def get_agency_for_user(user: User, pk: int) -> Agency:
    """An agency's duty page is open to its own people, to those who read everything, and to
    those who share a plan with it; anyone else gets 404, as for a page that does not exist."""
    agency = _AGENCY.first(pk=pk)
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
