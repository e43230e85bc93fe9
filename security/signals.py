"""What the security log hears about without a view asking: logins, logouts, failures and
lockouts (django-axes). Admin actions are read from the admin's history by the middleware.
A login also marks its session with the time, from which the session's absolute lifetime
counts (security/middleware.py)."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from security.middleware import LOGIN_AT_KEY
from security.models import Kind
from security.services import security_event_record


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event_record(kind=Kind.LOGIN, request=request, user=user)
    session = getattr(request, "session", None)
    if session is not None:
        session[LOGIN_AT_KEY] = time.time()


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(kind=Kind.LOGOUT, request=request, user=user)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    # The credentials Django passes have the password already masked; only the name is kept.
    security_event_record(
        kind=Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))
    )


def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    security_event_record(kind=Kind.LOCKED_OUT, request=request, username=username or "")


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="security_login")
    user_logged_out.connect(_logged_out, dispatch_uid="security_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="security_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="security_locked_out")
