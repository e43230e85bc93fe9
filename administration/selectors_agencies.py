"""Reads of 管理 → 本地区单位, always within the administrator's scope
(agencies.rules.administered_agencies): anything outside it is simply not found (404)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from agencies import rules
from agencies.models import Agency, AgencyAlias, NameVariant, Region
from agencies.rules import User
from tasks.models import Event, Responsibility

# --- getters: one object, or 403 (not an administrator) / 404 (outside the scope) --------


def _require_administrator(user: User) -> None:
    if not rules.can_administer(user):
        raise PermissionDenied


def get_agency_for_admin(user: User, pk: int) -> Agency:
    _require_administrator(user)
    agency = (
        rules.administered_agencies(user).select_related("region", "reporter").filter(pk=pk).first()
    )
    if agency is None:
        raise rules.NotVisible
    return agency


def get_alias_for_admin(user: User, pk: int) -> AgencyAlias:
    _require_administrator(user)
    alias = (
        AgencyAlias.objects.filter(agency__in=rules.administered_agencies(user))
        .select_related("agency", "region")
        .filter(pk=pk)
        .first()
    )
    if alias is None:
        raise rules.NotVisible
    return alias


def get_name_variant_for_admin(user: User, pk: int) -> NameVariant:
    _require_administrator(user)
    row = NameVariant.objects.filter(pk=pk).first()
    if row is None:
        raise rules.NotVisible
    return row


# --- lists ---------------------------------------------------------------------------------


def agency_list(
    *, user: User, q: str = "", review: str = "", collective: str = ""
) -> QuerySet[Agency]:
    """The agencies in scope, 待核实 first, each with how many tasks it carries and aliases it
    has. `review` / `collective` are "yes", "no" or "" (either)."""
    _require_administrator(user)
    agencies = rules.administered_agencies(user).select_related("region")
    if q:
        agencies = agencies.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(aliases__name__icontains=q)
        ).distinct()
    if review:
        agencies = agencies.filter(needs_review=review == "yes")
    if collective:
        agencies = agencies.filter(is_collective=collective == "yes")
    return agencies.annotate(
        tasks_count=Count("responsibilities__task", distinct=True),
        aliases_count=Count("aliases", distinct=True),
    ).order_by("-needs_review", "region__name", "name")


def administered_regions(user: User) -> QuerySet[Region]:
    """The regions of the administrator's agencies: where they may add aliases."""
    return Region.objects.filter(agencies__in=rules.administered_agencies(user)).distinct()


def merge_candidates(*, user: User, survivor: Agency) -> QuerySet[Agency]:
    return rules.administered_agencies(user).exclude(pk=survivor.pk).order_by("name")


def mapping_candidates(*, user: User, collective: Agency) -> QuerySet[Agency]:
    """Agencies that may be members of (or report for) a collective: in scope, not itself,
    not collective themselves."""
    return (
        rules.administered_agencies(user)
        .exclude(pk=collective.pk)
        .filter(is_collective=False)
        .order_by("name")
    )


def agency_aliases(*, agency: Agency) -> QuerySet[AgencyAlias]:
    return agency.aliases.select_related("region").order_by("region__name", "name")


def agency_duties(*, agency: Agency) -> QuerySet[Responsibility]:
    """The tasks the agency carries, with the plan and, for a member's row, its collective."""
    return (
        Responsibility.objects.filter(agency=agency)
        .select_related("task__plan", "via_collective")
        .order_by("task__plan__title", "task__number")
    )


def collective_member_duties(*, collective: Agency) -> QuerySet[Responsibility]:
    """The rows the collective's mapping created: who carries which task through it."""
    return (
        Responsibility.objects.filter(via_collective=collective)
        .select_related("task__plan", "agency")
        .order_by("task__plan__title", "task__number", "agency__name")
    )


def agency_events(*, agency: Agency, limit: int = 50) -> QuerySet[Event]:
    """The agency's own timeline (confirmed, merged, mapped): events with or without a plan."""
    return Event.objects.filter(agency=agency).select_related("actor", "plan")[:limit]


def name_variants(*, user: User) -> QuerySet[NameVariant]:
    _require_administrator(user)
    return NameVariant.objects.order_by("variant")
