"""Who hears about what: the people of an agency, by role."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from agencies.models import Membership, Role

# Those who write an agency's reports: told of reminders, returns and acceptances.
REPORTERS = (Role.LIAISON, Role.COORDINATOR)


def agency_members(*, agency_ids: Iterable[int], roles: Iterable[str]) -> list[AbstractBaseUser]:
    """The active people holding one of `roles` in any of the agencies, once each, by pk."""
    found = members_by_agency(agency_ids=agency_ids, roles=roles)
    users = {user.pk: user for members in found.values() for user in members}
    return [users[pk] for pk in sorted(users)]


def members_by_agency(
    *, agency_ids: Iterable[int], roles: Iterable[str]
) -> dict[int, list[AbstractBaseUser]]:
    """agency_members for many agencies in one query: {agency id: its users, by pk}."""
    found: dict[int, dict[int, AbstractBaseUser]] = {}
    memberships = (
        Membership.objects.filter(
            agency_id__in=list(agency_ids), role__in=list(roles), user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        found.setdefault(membership.agency_id, {})[membership.user_id] = membership.user
    return {agency_id: list(users.values()) for agency_id, users in found.items()}
