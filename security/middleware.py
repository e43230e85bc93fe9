"""The signed-in user from the session's own read; refusals, exports and admin actions seen
on the way out, whichever view produced them; the absolute lifetime of a session; and, under
a policy with expiring passwords, the way to the password change page."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from ops.errors import NotVisible
from security.models import Kind, PasswordState
from security.services import security_event_record
from security.sessions import session_user

# When the session's user logged in (seconds since the epoch), set by security/signals.py.
LOGIN_AT_KEY = "login_at"
# When the session was last extended by the idle timeout (seconds since the epoch).
SEEN_AT_KEY = "seen_at"
# A session in use is written (its idle expiry moved on) at most this often, not on every
# request: a page view is a read, and the timeout is 30 minutes give or take this.
SEEN_EVERY_SECONDS = 60


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with `request.user` taken from the session's own read (security/sessions.py):
    one query for both on every signed-in request. (`request.auser` stays Django's.)"""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request: HttpRequest) -> object:
    # Read once per request, under the name Django's own middleware keeps it.
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class SessionLifetimeMiddleware:
    """However active, a session ends SESSION_ABSOLUTE_SECONDS after its login: the first
    request past it is served logged out, so a page asks for the login again. A session from
    before the login time was kept counts from its next request. Short of that, a session in
    use is extended by the idle timeout (SESSION_IDLE_SECONDS), written once a minute at most."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if self._past_lifetime(request):
                logout(request)
                messages.info(request, _("登录已超过最长时限，请重新登录。"))
            else:
                self._extend(request)
        return self.get_response(request)

    @staticmethod
    def _extend(request: HttpRequest) -> None:
        """The idle timeout (SESSION_IDLE_SECONDS) counts from the last use: a session in use
        is saved again, and so expires that long after now, once a minute at most."""
        now = time.time()
        seen_at = request.session.get(SEEN_AT_KEY)
        if not isinstance(seen_at, int | float) or now - seen_at >= SEEN_EVERY_SECONDS:
            request.session[SEEN_AT_KEY] = now  # modified: saved with a fresh expiry

    @staticmethod
    def _past_lifetime(request: HttpRequest) -> bool:
        now = time.time()
        login_at = request.session.get(LOGIN_AT_KEY)
        if not isinstance(login_at, int | float):
            request.session[LOGIN_AT_KEY] = now
            return False
        return now - login_at >= settings.SESSION_ABSOLUTE_SECONDS


class SecurityLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = timezone.now()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method == "POST" and request.path.startswith(ADMIN_PREFIX):
            _admin_actions(request, user, since=started)
        if response.status_code == 403:
            security_event_record(
                kind=Kind.REFUSED, request=request, user=user, detail={"status": 403}
            )
        elif response.status_code == 200 and response.get("Content-Disposition", "").startswith(
            "attachment"
        ):
            security_event_record(
                kind=Kind.EXPORT,
                request=request,
                user=user,
                detail={"file": response["Content-Disposition"][:300]},
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotVisible):
            security_event_record(
                kind=Kind.REFUSED,
                request=request,
                user=getattr(request, "user", None),
                detail={"status": 404},
            )


ADMIN_PREFIX = "/admin/"
ADMIN_ACTIONS = {ADDITION: "addition", CHANGE: "change", DELETION: "deletion"}


def _admin_actions(request: HttpRequest, user: object, *, since: dt.datetime) -> None:
    """What the admin recorded in its own history during this request. (The admin writes
    its LogEntry rows with bulk_create: no signal tells of them.)"""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    for entry in LogEntry.objects.filter(user_id=user.pk, action_time__gte=since).select_related(
        "content_type"
    ):
        security_event_record(
            kind=Kind.ADMIN_ACTION,
            request=request,
            user=user,
            detail={
                "action": ADMIN_ACTIONS.get(entry.action_flag, str(entry.action_flag)),
                "model": entry.content_type.model if entry.content_type_id else "",
                "object_id": entry.object_id or "",
                "object": entry.object_repr,
                "message": entry.get_change_message(),
            },
        )


# Pages an expired password still reaches: changing it, leaving, and what they need. The API
# answers tokens (whose holders change no password here) and is left alone.
EXEMPT = ("password_change", "password_change_done", "logout", "login", "set_language")
DEADLINE_KEY = "password_expires_at"
MUST_CHANGE_KEY = "password_must_change"


def _deadline(user: object, *, days: int) -> dt.datetime:
    state = PasswordState.objects.filter(user=user).first()
    changed = state.changed_at if state else user.date_joined  # type: ignore[attr-defined]
    return changed + dt.timedelta(days=days)


class PasswordExpiryMiddleware:
    """A user with a temporary password an administrator set (PasswordState.must_change) is
    sent to change it before anything else; so is, with PASSWORD_MAX_AGE_DAYS set (the 等保
    profile), a user whose password is older. Both are kept in the session: the mark is read
    once at login, the deadline once per session; no query on other requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":  # logging in is a POST
            return self.get_response(request)
        before = request.session.get(SESSION_KEY)
        response = self.get_response(request)
        after = request.session.get(SESSION_KEY)
        logged_in = after is not None and after != before  # by this request
        if logged_in and PasswordState.objects.filter(user_id=after, must_change=True).exists():
            request.session[MUST_CHANGE_KEY] = True
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        days = settings.PASSWORD_MAX_AGE_DAYS
        # Nothing to enforce (no mark, no expiry): the exemptions need not be looked at.
        if (not days and not request.session.get(MUST_CHANGE_KEY)) or self._exempt(request):
            return None
        if self._must_change(request, user):
            return self._to_password_change(
                request, _("您正在使用管理员设置的临时密码，请先修改密码。")
            )
        if not days:
            return None
        now = timezone.now()
        deadline = request.session.get(DEADLINE_KEY)
        if deadline is None or now >= dt.datetime.fromisoformat(deadline):
            # Read again before sending anyone away: the password may have been changed
            # since the deadline was kept (the session outlives a password change).
            deadline = _deadline(user, days=days).isoformat()
            request.session[DEADLINE_KEY] = deadline
        if now < dt.datetime.fromisoformat(deadline):
            return None
        return self._to_password_change(
            request, _("您的密码已超过 %(days)d 天未修改,请先修改密码。") % {"days": days}
        )

    @staticmethod
    def _must_change(request: HttpRequest, user: object) -> bool:
        """The mark is read at login (above) and kept in the session; while it is there the
        state is read again, so the user goes on as soon as the password is changed. (An
        administrator's reset changes the password, which ends the user's other sessions.)"""
        if not request.session.get(MUST_CHANGE_KEY):
            return False
        if PasswordState.objects.filter(user=user, must_change=True).exists():
            return True
        del request.session[MUST_CHANGE_KEY]
        return False

    @staticmethod
    def _to_password_change(request: HttpRequest, message: str) -> HttpResponse:
        messages.warning(request, message)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(reverse("password_change"))
        return redirect("password_change")

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        # By the resolved view's name, not a reversed path: no URL is reversed per request
        # (the admin's logout is named `logout` too, so EXEMPT covers it).
        match = request.resolver_match  # set by the time process_view runs
        if match is not None and match.url_name in EXEMPT:
            return True
        return request.path.startswith((settings.STATIC_URL or "/static/", "/api/"))
