"""Reads of the administrator's user pages: every one is scoped by agencies.rules, so a user,
membership or token outside the administrator's reach is simply not found (404)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet

from agencies import rules
from agencies.models import Agency, Membership, Profile
from api.models import ApiToken


def require_administrator(user: Any) -> None:
    """403 for anyone who administers nothing (the refusal is logged by the middleware)."""
    if not rules.can_administer(user):
        raise PermissionDenied


def agencies_for_admin(*, actor: Any) -> QuerySet[Agency]:
    """The agencies the actor may give roles in: their scope, without collective units
    (groups that nobody logs in for)."""
    return rules.administered_agencies(actor).filter(is_collective=False).order_by("name")


def _memberships_in_scope(actor: Any) -> Prefetch:
    memberships = Membership.objects.filter(
        agency__in=rules.administered_agencies(actor)
    ).select_related("agency")
    return Prefetch("memberships", queryset=memberships.order_by("agency__name", "role"))


def user_list_for_admin(*, actor: Any, q: str = "") -> QuerySet[Any]:
    """The users in the actor's scope with their memberships there, searched by name,
    username, e-mail or agency."""
    users = rules.administered_users(actor)
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(email__icontains=q)
            | Q(memberships__agency__name__icontains=q)
        ).distinct()
    return users.prefetch_related(_memberships_in_scope(actor)).order_by("username")


def get_user_for_admin(actor: Any, pk: int) -> Any:
    """A user in the actor's scope (403 for non-administrators, 404 outside their scope)."""
    require_administrator(actor)
    user = (
        rules.administered_users(actor)
        .prefetch_related(_memberships_in_scope(actor))
        .filter(pk=pk)
        .first()
    )
    if user is None:
        raise rules.NotVisible
    return user


def get_membership_for_admin(actor: Any, user: Any, pk: int) -> Membership:
    membership = (
        Membership.objects.filter(user=user, agency__in=rules.administered_agencies(actor))
        .select_related("agency", "user")
        .filter(pk=pk)
        .first()
    )
    if membership is None:
        raise rules.NotVisible
    return membership


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("created_by").order_by("-created_at")


def get_token_for_admin(user: Any, pk: int) -> ApiToken:
    """A token of `user`, who was found through get_user_for_admin (so in scope)."""
    token = ApiToken.objects.filter(user=user, pk=pk).select_related("user").first()
    if token is None:
        raise rules.NotVisible
    return token


def phone_of(user: Any) -> str:
    """The user's 手机, or "" when none was given."""
    return Profile.objects.filter(user=user).values_list("phone", flat=True).first() or ""
