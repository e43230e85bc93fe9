"""The bell's unread count on every page, read only when a template shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count

# Where a request keeps its bell count once read (see `request_unread_count`).
_REQUEST_ATTR = "_notifications_unread"


def request_unread_count(*, request: HttpRequest) -> int:
    """The viewer's unread count, read once per request: the page cache's key
    (settings.PAGE_CACHE_USER_STATE) and the header's bell then show one number from one
    query, not two. Nothing in a GET marks a notification read, and the views that do
    redirect, so the count cannot change between the two reads it replaces."""
    count = getattr(request, _REQUEST_ATTR, None)
    if count is None:
        count = unread_count(user=request.user)
        setattr(request, _REQUEST_ATTR, count)
    return count


def bell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: request_unread_count(request=request))}
