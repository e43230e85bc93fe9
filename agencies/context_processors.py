"""What the header shows for the user's roles: the 管理 link for administrators."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from agencies import rules


def roles(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_administer": SimpleLazyObject(lambda: rules.can_administer(user))}
