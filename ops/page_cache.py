"""Rendered pages kept for their viewer until the data they show changes.

A page is cached per session (so per user, per CSRF secret), language, day, unread-bell
count and full URL, under a data version. Every committed write to the domain (any save or
delete of a model of the tracked apps, and the COPY-based writes that call
`data_version_bump` themselves) moves the version on, so no page ever outlives the data it
was rendered from; what is cached is only ever served again to the same session.

Only plain 200 responses to GETs without pending flash messages are kept; downloads and
responses that set cookies never are. With a read replica configured, a page may be
rendered from data a little behind the primary: PAGE_CACHE_SECONDS bounds how long that
can be kept.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import get_language

VERSION_KEY = "page-cache:data-version"
# The apps whose rows appear on cached pages (memberships and users decide who sees what).
TRACKED_APPS = frozenset({"agencies", "plans", "tasks", "reports", "supervision", "auth", "api"})

View = Callable[..., HttpResponse]


def data_version(key: str = VERSION_KEY) -> int:
    version = cache.get(key)
    if version is None:
        # Started from the clock, not from 1: if the key is ever evicted, the new versions
        # never meet the numbers of pages cached before.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    return int(version)


def data_version_bump(key: str = VERSION_KEY) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there (evicted, or a fresh cache): any new start will do
        cache.add(key, time.time_ns(), timeout=None)


# Nightly rollup rows change only when a rollup is built: what is computed from them alone
# (the overview's 90-day trend) is kept under this version, not under every write's.
ROLLUP_VERSION_KEY = "page-cache:rollup-version"


def rollups_changed() -> None:
    """Call inside the transaction that writes rollup rows."""
    transaction.on_commit(lambda: data_version_bump(ROLLUP_VERSION_KEY))


def kept_value(
    *, name: str, parts: tuple[Any, ...], version_key: str, compute: Callable[[], Any]
) -> Any:
    """`compute()`, kept for PAGE_CACHE_SECONDS under `version_key`'s version and `parts`."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"kept:{name}:{data_version(version_key)}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def data_changed() -> None:
    """Call inside the transaction that writes: the version moves once it commits."""
    transaction.on_commit(data_version_bump)


def _model_changed(sender: type, **kwargs: Any) -> None:
    if sender._meta.app_label in TRACKED_APPS:
        data_changed()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_model_changed, dispatch_uid=f"page-cache-{signal}")


def _has_messages(request: HttpRequest) -> bool:
    storage = messages.get_messages(request)
    pending = len(storage) > 0
    storage.used = False  # only looked at: the page still shows them
    return pending


def _key(kind: str, request: HttpRequest, viewer: str, *varies: str) -> str:
    """What every kept copy depends on: the data version, the viewer, the language, the day
    (lights and "overdue" move with it) and the URL; plus what the kind adds."""
    parts = [
        str(data_version()),
        viewer,
        get_language() or "",
        timezone.localdate().isoformat(),
        *varies,
        request.get_full_path(),
    ]
    return f"{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cached_page(view: View) -> View:
    """Serve the viewer's own copy of the page while the data has not changed. Put it
    below the permission decorators: a cached page is only reached by who may see it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (
            settings.PAGE_CACHE_SECONDS <= 0
            or request.method != "GET"
            or not request.user.is_authenticated
            or not request.session.session_key
            or _has_messages(request)
        ):
            return view(request, *args, **kwargs)
        key = _key(
            "page-cache",
            request,
            request.session.session_key or "",
            str(_user_state(request)),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
        )
        kept = cache.get(key)
        if kept is not None:
            content_type, content = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Content-Disposition")
        ):
            cache.set(
                key, (response["Content-Type"], response.content), settings.PAGE_CACHE_SECONDS
            )
        return response

    return wrapped


def cached_api_list(method: View) -> View:
    """The same for an API list: the response data kept per token (or session), language,
    format and URL under the data version. DRF has authenticated and throttled the request
    before the method runs, so a revoked token or an exhausted rate is refused before any
    kept copy is looked at."""

    @wraps(method)
    def wrapped(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        from rest_framework.response import Response

        if settings.PAGE_CACHE_SECONDS <= 0:
            return method(self, request, *args, **kwargs)
        auth = request.auth
        viewer = (
            f"token:{auth.pk}" if auth is not None else f"session:{request.session.session_key}"
        )
        key = _key("api-cache", request, viewer, getattr(request.accepted_renderer, "format", ""))
        kept = cache.get(key)
        if kept is not None:
            return Response(kept)
        response = method(self, request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.data, settings.PAGE_CACHE_SECONDS)
        return response

    return wrapped


def _user_state(request: HttpRequest) -> object:
    """What else a user's page shows that changes without a write to the tracked apps (the
    bell's unread count): settings.PAGE_CACHE_USER_STATE names it, so ops imports no app."""
    return import_string(settings.PAGE_CACHE_USER_STATE)(user=request.user)
