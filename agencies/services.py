"""Writes for agencies and users."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from agencies.models import Agency, Membership


@transaction.atomic
def user_with_membership_ensure(
    *,
    username: str,
    password: str,
    agency: Agency,
    role: str,
    is_staff: bool = False,
    is_superuser: bool = False,
    full_name: str = "",
) -> AbstractUser:
    """Create the user and membership if missing; an existing user keeps their password."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={"is_staff": is_staff, "is_superuser": is_superuser, "first_name": full_name},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user
