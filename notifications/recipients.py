"""Who hears about what: the people of an agency, by role."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from agencies.models import Role

# Those who write an agency's reports: told of reminders, returns and acceptances.
REPORTERS = (Role.LIAISON, Role.COORDINATOR)


def agency_members(*, agency_ids: Iterable[int], roles: Iterable[str]) -> list[AbstractBaseUser]:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__agency_id__in=list(agency_ids),
            memberships__role__in=list(roles),
        )
        .distinct()
        .order_by("pk")
    )
