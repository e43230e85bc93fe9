"""The password policy: a validator for character classes, and the hook that records when a
password was set (the 等保 profile makes passwords expire, counted from that moment) and
clears the mark of a temporary password (PasswordState.must_change).

The profile is chosen in settings (PASSWORD_POLICY): `default`, or `dengbao` for a system
assessed under 等保2.0 level 2 — longer passwords of three character classes, changed every
90 days; production's default. Both profiles refuse a password made of a few characters
repeated (`aaaaaaaaaaaa`, `abababababab`). See config/settings/base.py."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

CLASSES = {
    "lower": set(string.ascii_lowercase),
    "upper": set(string.ascii_uppercase),
    "digit": set(string.digits),
}


def character_classes(password: str) -> int:
    """How many of: lower-case, upper-case, digits, anything else (symbols, CJK)."""
    found = {name for name, chars in CLASSES.items() if any(c in chars for c in password)}
    if any(not any(c in chars for chars in CLASSES.values()) for c in password):
        found.add("other")
    return len(found)


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_few_classes")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(count)d 类。") % {
            "count": self.min_classes
        }


class DistinctCharactersValidator:
    """A long password of one or two characters repeated is no stronger than a short one."""

    def __init__(self, min_distinct: int = 5) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(self.get_help_text(), code="password_too_repetitive")

    def get_help_text(self) -> str:
        return _("密码须包含至少 %(count)d 个不同的字符。") % {"count": self.min_distinct}


class RecordPasswordChange:
    """Validates nothing; Django calls `password_changed` once a new password is saved."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        from security.models import Kind, PasswordState
        from security.services import security_event_record

        if user is None or user.pk is None:
            return
        # A password the user sets themselves ends any temporary one an administrator gave
        # (the administrator's reset sets must_change again right after saving).
        PasswordState.objects.update_or_create(
            user=user, defaults={"changed_at": timezone.now(), "must_change": False}
        )
        security_event_record(kind=Kind.PASSWORD_CHANGED, user=user)

    def get_help_text(self) -> str:
        return ""
