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
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.models import Agency, Membership, Region, Role, Side
from ops.compiled import CompiledQuery
from ops.errors import NotVisible

__all__ = ["NotVisible"]  # the getters of every app raise it as rules.NotVisible

# The objects these rules judge (plans, tasks, reports) live in apps above this one: they are
# read by their attributes, never imported.
Plan = Task = ProgressReport = Any

User = AbstractBaseUser | AnonymousUser

_CACHE_ATTR = "_ipplan_memberships"


# Read on every signed-in request: compiled once per process (ops/compiled.py).
_MEMBERSHIPS = CompiledQuery[Membership](
    lambda user_id: Membership.objects.filter(user_id=user_id).select_related("agency"),
    samples=({"user_id": 1}, {"user_id": 2}),
)


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships, read once per user object (a request's user lives one request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _MEMBERSHIPS(user_id=user.pk)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def agency_ids(user: User, *, roles: Iterable[str] | None = None) -> set[int]:
    wanted = set(roles) if roles is not None else None
    return {m.agency_id for m in memberships_of(user) if wanted is None or m.role in wanted}


def visibility(user: User) -> tuple[list[int], bool]:
    """What every visibility rule reads of a user: their agencies, sorted (the same list gives
    the same parameters to SQL compiled once per process), and whether they read everything
    (`reads_everything`). The rules' `visible_to_agencies(mine, everything=…)` take these."""
    return sorted(agency_ids(user)), reads_everything(user)


def member_ids(agency_id: int) -> list[int]:
    """The users for whom `agency_ids` holds the agency: those who see its drafts."""
    return list(Membership.objects.filter(agency_id=agency_id).values_list("user_id", flat=True))


def has_role(user: User, role: str) -> bool:
    return any(m.role == role for m in memberships_of(user))


def coordinated_agencies(user: User | None) -> list[Agency]:
    """The agencies the user coordinates for: a plan they import is led by the first."""
    if user is None:
        return []
    return [m.agency for m in memberships_of(user) if m.role == Role.COORDINATOR]


def reads_everything(user: User) -> bool:
    """Superusers, and NIPA viewers: NIPA follows every province's plan."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(m.role == Role.VIEWER and m.agency.side == Side.NIPA for m in memberships_of(user))


# --- visibility -------------------------------------------------------------------------
# What a user may read is a queryset method beside each model (`Plan.objects.visible_to`,
# `Task.objects.visible_to`, `ProgressReport.objects.visible_to`), built on the facts above.
# The checks below reach those methods through the object's own class, so this module, at
# the bottom of the layers, imports none of the apps above it.


def can_view_plan(user: User, plan: Any) -> bool:
    if reads_everything(user):  # every plan there is: no query to ask about one in hand
        return True
    return type(plan).objects.visible_to(user).filter(pk=plan.pk).exists()


def can_view_task(user: User, task: Any) -> bool:
    return can_view_plan(user, task.plan)


def can_view_report(user: User, report: Any) -> bool:
    return type(report).objects.visible_to(user).filter(pk=report.pk).exists()


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
    """Whether the agency owes progress reports on the task (the rule: `owing_reports`)."""
    return task.responsibilities.owing_reports().filter(agency_id=agency_id).exists()


def can_write_report(user: User, task: Task, agency_id: int) -> bool:
    """A liaison (or coordinator) writes only for their own agency, on a task it carries."""
    if agency_id not in reporting_agency_ids(user):
        return False
    return owes_report(task, agency_id)


def can_comment(user: User, task: Task) -> bool:
    return can_view_task(user, task)


def can_administer(user: User) -> bool:
    return getattr(user, "is_superuser", False) or has_role(user, Role.ADMIN)


# --- administration (管理员) ---------------------------------------------------------------


def administered_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose users, roles and records the user administers.

    An administrator of a local agency runs the local agencies of its region and of the
    regions below it (a province's admin runs its cities and counties too); an administrator
    of a NIPA agency runs NIPA's agencies. Superusers run everything. Nobody runs another
    province's agencies: they are simply not in this queryset."""
    agencies = Agency.objects.filter(merged_into__isnull=True)
    if getattr(user, "is_superuser", False):
        return agencies
    admin_of = [m.agency for m in memberships_of(user) if m.role == Role.ADMIN]
    if not admin_of:
        return agencies.none()
    local_regions = _with_descendants({a.region_id for a in admin_of if a.side == Side.LOCAL})
    scope = Q(side=Side.LOCAL, region_id__in=local_regions)
    if any(a.side == Side.NIPA for a in admin_of):
        scope |= Q(side=Side.NIPA)
    return agencies.filter(scope)


def administered_users(user: User) -> QuerySet[Any]:
    """Users holding a role in an agency the user administers (and never a superuser, unless
    the user is one)."""
    users = get_user_model().objects.all()
    if not getattr(user, "is_superuser", False):
        users = users.filter(is_superuser=False)
    held = Membership.objects.filter(user=OuterRef("pk"), agency__in=administered_agencies(user))
    return users.filter(Exists(held))


def _with_descendants(region_ids: set[int]) -> set[int]:
    found, frontier = set(region_ids), set(region_ids)
    while frontier:  # a few levels: province → city → county
        frontier = (
            set(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found
