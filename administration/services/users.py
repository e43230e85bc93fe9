"""Writes of the administrator's user pages (管理 → 用户与角色): users, their memberships, their
passwords and their API tokens. Each checks the actor's scope (agencies.rules) and the current
state, runs in one transaction and writes one ADMINISTRATION entry to the security log."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from administration.selectors_users import phone_of
from agencies import rules
from agencies.models import Agency, Membership, Profile, Role
from api.models import ApiToken
from api.tokens import token_issue, token_revoke
from security.models import Kind, PasswordState
from security.services import security_event_record

# Letters and digits that cannot be misread on a printout (no 0/O, 1/l/I).
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"


def temporary_password() -> str:
    """Three groups of four (upper, lower, digits) joined by hyphens: four character classes
    and 14 characters, so it passes the 等保 profile too."""
    groups = [
        "".join(secrets.choice(chars) for _ in range(4)) for chars in (_UPPER, _LOWER, _DIGITS)
    ]
    return "-".join(groups)


def administration_log(*, actor: Any, action: str, target: Any, **changes: Any) -> None:
    """The security log's entry for an administrative change: who did what to whom."""
    detail = {"action": action, "target_id": target.pk, "target": target.get_username()}
    security_event_record(kind=Kind.ADMINISTRATION, user=actor, detail={**detail, **changes})


def require_in_scope(*, actor: Any, agency: Agency) -> None:
    if not rules.administered_agencies(actor).filter(pk=agency.pk).exists():
        raise ValidationError(
            {"agency": _("单位“%(name)s”不在您的管理范围内。") % {"name": agency}}
        )


def valid_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": _("请选择有效的角色。")})
    return role


_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


def clean_phone(phone: str) -> str:
    """A mobile or office number as people write it (13800138000, +86 138 0013 8000,
    0898-65300000); empty is allowed."""
    phone = (phone or "").strip()
    if phone and not _PHONE.match(phone):
        raise ValidationError({"phone": _("手机号码“%(phone)s”格式不正确。") % {"phone": phone}})
    return phone


def phone_set(*, user: AbstractUser, phone: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"phone": phone})


def clean_identity(*, full_name: str, email: str) -> tuple[str, str]:
    full_name, email = (full_name or "").strip(), (email or "").strip()
    if not full_name:
        raise ValidationError({"full_name": _("请填写姓名。")})
    if len(full_name) > 150:
        raise ValidationError({"full_name": _("姓名过长，最多 150 个字。")})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("邮箱格式不正确。")}) from None
    return full_name, email


def set_temporary_password(user: AbstractUser) -> str:
    """A new temporary password that must be changed at next login. Saving the password
    records the change (security.passwords) and ends the user's sessions."""
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})
    return password


@transaction.atomic
def user_create(
    *,
    actor: Any,
    full_name: str,
    username: str,
    email: str,
    agency: Agency,
    role: str,
    phone: str = "",
) -> tuple[AbstractUser, str]:
    """A new user with one membership; returns them with their temporary password."""
    full_name, email = clean_identity(full_name=full_name, email=email)
    phone = clean_phone(phone)
    username = (username or "").strip()
    user_model = get_user_model()
    try:
        user_model.username_validator(username)
    except ValidationError:
        raise ValidationError({"username": _("用户名只能包含字母、数字和 @/./+/-/_。")}) from None
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名“%(name)s”已被使用。") % {"name": username}})
    require_in_scope(actor=actor, agency=agency)
    role = valid_role(role)
    user = user_model.objects.create_user(username=username, email=email, first_name=full_name)
    Membership.objects.create(user=user, agency=agency, role=role)
    phone_set(user=user, phone=phone)
    password = set_temporary_password(user)
    administration_log(
        actor=actor, action="user_create", target=user, agency=agency.name, role=role
    )
    return user, password


@transaction.atomic
def user_update(
    *, actor: Any, user: AbstractUser, full_name: str, email: str, phone: str = ""
) -> bool:
    """Change the name, e-mail and phone; returns whether anything changed."""
    full_name, email = clean_identity(full_name=full_name, email=email)
    phone, old_phone = clean_phone(phone), phone_of(user)
    changes = {
        field: [getattr(user, field), value]
        for field, value in (("first_name", full_name), ("email", email))
        if getattr(user, field) != value
    }
    if phone != old_phone:
        changes["phone"] = [old_phone, phone]
        phone_set(user=user, phone=phone)
    if not changes:
        return False
    user.first_name, user.email = full_name, email
    user.save(update_fields=[f for f in changes if f != "phone"] or ["first_name"])
    administration_log(actor=actor, action="user_update", target=user, changes=changes)
    return True


@transaction.atomic
def user_set_active(*, actor: Any, user: AbstractUser, active: bool) -> None:
    """Deactivate (停用) or reactivate. A deactivated user's sessions and API tokens are
    refused from the next request on (Django's ModelBackend, api.tokens.token_check)."""
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能停用或启用自己的账号。"))
    locked = type(user).objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        message = _("该用户已是启用状态。") if active else _("该用户已停用。")
        raise ValidationError(message)
    user.is_active = locked.is_active = active
    locked.save(update_fields=["is_active"])
    action = "user_reactivate" if active else "user_deactivate"
    administration_log(actor=actor, action=action, target=user)


@transaction.atomic
def user_password_reset(*, actor: Any, user: AbstractUser) -> str:
    """A temporary password, shown once to the administrator; the user must change it."""
    password = set_temporary_password(user)
    administration_log(actor=actor, action="password_reset", target=user)
    return password


@transaction.atomic
def membership_add(*, actor: Any, user: AbstractUser, agency: Agency, role: str) -> Membership:
    require_in_scope(actor=actor, agency=agency)
    role = valid_role(role)
    if Membership.objects.filter(user=user, agency=agency, role=role).exists():
        raise ValidationError({"role": _("该用户在此单位已有这一角色。")})
    membership = Membership.objects.create(user=user, agency=agency, role=role)
    administration_log(
        actor=actor, action="membership_add", target=user, agency=agency.name, role=role
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    """Remove a role. The last one within the actor's scope stays: without it the user would
    leave the administrator's reach (deactivate them instead)."""
    user, agency = membership.user, membership.agency
    require_in_scope(actor=actor, agency=agency)
    in_scope = Membership.objects.filter(
        user=user, agency__in=rules.administered_agencies(actor)
    ).select_for_update()
    if in_scope.count() <= 1:
        raise ValidationError(
            _("这是该用户在您管理范围内的最后一个角色，不能删除；如需停用账号请使用“停用”。")
        )
    membership.delete()
    administration_log(
        actor=actor,
        action="membership_remove",
        target=user,
        agency=agency.name,
        role=membership.role,
    )


def api_token_issue(*, actor: Any, user: AbstractUser, name: str) -> tuple[ApiToken, str]:
    """A personal access token for the user; the value is returned once, never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌用途。")})
    if len(name) > 100:
        raise ValidationError({"name": _("用途过长，最多 100 个字。")})
    if not user.is_active:
        raise ValidationError(_("该用户已停用，不能签发访问令牌。"))
    with transaction.atomic():
        token, value = token_issue(user=user, name=name, issued_by=actor)
        administration_log(
            actor=actor, action="token_issue", target=user, token=f"ipp_{token.prefix}", name=name
        )
    return token, value


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise ValidationError(_("该令牌已吊销。"))
    token_revoke(token=token)
    administration_log(
        actor=actor, action="token_revoke", target=token.user, token=f"ipp_{token.prefix}"
    )


__all__ = [
    "administration_log",
    "api_token_issue",
    "api_token_revoke",
    "membership_add",
    "membership_remove",
    "temporary_password",
    "user_create",
    "user_password_reset",
    "user_set_active",
    "user_update",
]
