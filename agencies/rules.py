"""Who may do what: the one module of permission rules.

Every browser view and every API endpoint asks these functions; none decides on its own.
The rules, in the words of the design:

- a plan is run by the coordinators of its lead agency (牵头单位); its secretaries hold
  the committee's meetings; its administrators manage users;
- a liaison (联络员) reports only for their own agency, on tasks that agency carries;
- NIPA viewers read everything and may comment;
- nobody sees a plan, task or report outside their reach: such objects are simply not
  in the querysets below, so a view answers 404 rather than hinting that they exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from agencies.models import Membership, Role, Side

if TYPE_CHECKING:
    from plans.models import Plan
    from reports.models import ProgressReport
    from tasks.models import Task

User = AbstractBaseUser | AnonymousUser

_CACHE_ATTR = "_ipplan_memberships"


class NotVisible(Http404):
    """A permission-scoped getter found nothing the user may see: the object is missing or
    outside their reach. Users get the same 404 either way; the security log records it as
    a refusal."""


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships, read once per user object (a request's user lives one request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("agency"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def agency_ids(user: User, *, roles: Iterable[str] | None = None) -> set[int]:
    wanted = set(roles) if roles is not None else None
    return {m.agency_id for m in memberships_of(user) if wanted is None or m.role in wanted}


def has_role(user: User, role: str) -> bool:
    return any(m.role == role for m in memberships_of(user))


def reads_everything(user: User) -> bool:
    """Superusers, and NIPA viewers: NIPA follows every province's plan."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(m.role == Role.VIEWER and m.agency.side == Side.NIPA for m in memberships_of(user))


# --- visibility: querysets of what a user may read -------------------------------------


def visible_plans(user: User) -> QuerySet[Plan]:
    """Plans the user's agencies lead or carry a task or work item in; all for NIPA viewers."""
    from plans.models import Plan
    from tasks.models import Responsibility, WorkItem

    plans = Plan.objects.all()
    if reads_everything(user):
        return plans
    mine = agency_ids(user)
    if not mine:
        return plans.none()
    carries = Responsibility.objects.filter(task__plan=OuterRef("pk"), agency_id__in=mine)
    work = WorkItem.objects.filter(task__plan=OuterRef("pk"), agencies__in=mine)
    return plans.filter(Q(lead_agency_id__in=mine) | Exists(carries) | Exists(work))


def visible_tasks(user: User) -> QuerySet[Task]:
    """Every task of a visible plan: the plan is one document, read as a whole."""
    from tasks.models import Task

    if reads_everything(user):
        return Task.objects.all()
    return Task.objects.filter(plan__in=visible_plans(user))


def visible_reports(user: User) -> QuerySet[ProgressReport]:
    """Reports of plans the user's agency leads, of tasks it shares, or its own."""
    from reports.models import ProgressReport
    from tasks.models import Responsibility

    reports = ProgressReport.objects.all()
    if reads_everything(user):
        return reports
    mine = agency_ids(user)
    if not mine:
        return reports.none()
    shares_task = Responsibility.objects.filter(task=OuterRef("task"), agency_id__in=mine)
    return reports.filter(
        Q(task__plan__lead_agency_id__in=mine) | Q(agency_id__in=mine) | Exists(shares_task)
    )


def can_view_plan(user: User, plan: Plan) -> bool:
    return visible_plans(user).filter(pk=plan.pk).exists()


def can_view_task(user: User, task: Task) -> bool:
    return can_view_plan(user, task.plan)


def can_view_report(user: User, report: ProgressReport) -> bool:
    return visible_reports(user).filter(pk=report.pk).exists()


# --- actions ------------------------------------------------------------------------------


def _is_plan_role(user: User, plan: Plan, role: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return plan.lead_agency_id in agency_ids(user, roles=[role])


def can_coordinate_plan(user: User, plan: Plan) -> bool:
    """Coordinators of the plan's lead agency: statuses, work items, periods, reviews."""
    return _is_plan_role(user, plan, Role.COORDINATOR)


def can_edit_task(user: User, task: Task) -> bool:
    return can_coordinate_plan(user, task.plan)


def can_review_report(user: User, report: ProgressReport) -> bool:
    return can_coordinate_plan(user, report.task.plan)


def can_manage_meetings(user: User, plan: Plan) -> bool:
    """The committee's secretariat (秘书处) sits in the plan's lead agency."""
    return _is_plan_role(user, plan, Role.SECRETARY)


def can_import_plan(user: User) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, Role.COORDINATOR)


def reporting_agency_ids(user: User) -> set[int]:
    """Agencies the user may write reports for: their own, as liaison or coordinator."""
    return agency_ids(user, roles=[Role.LIAISON, Role.COORDINATOR])


def owes_report(task: Task, agency_id: int) -> bool:
    """Whether the agency owes progress reports on the task (NIPA only if the plan says so)."""
    responsibilities = task.responsibilities.filter(agency_id=agency_id)
    if not task.plan.nipa_reports_required:
        responsibilities = responsibilities.filter(side=Side.LOCAL)
    return responsibilities.exists()


def can_write_report(user: User, task: Task, agency_id: int) -> bool:
    """A liaison (or coordinator) writes only for their own agency, on a task it carries."""
    if agency_id not in reporting_agency_ids(user):
        return False
    return owes_report(task, agency_id)


def can_comment(user: User, task: Task) -> bool:
    return can_view_task(user, task)


def can_administer(user: User) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, Role.ADMIN)
