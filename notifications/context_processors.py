"""The bell's unread count on every page, read only when a template shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count


def bell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A kept page carries its bell: a notification delivered or read moves the recipient's
    # own page-cache version (`viewers_changed`), so the count is not part of a page's key.
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user=user))}
