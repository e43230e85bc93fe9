"""Rendered pages kept for their viewer until the data they show changes.

A page is cached per session (so per user, per CSRF secret), language, day and full URL,
under a data version. Every committed write to the domain (any save or
delete of a model of the tracked apps, and the COPY-based writes that call
`data_version_bump` themselves) moves the version on, so no page ever outlives the data it
was rendered from; what is cached is only ever served again to the same session. A copy
also carries its viewer's own version, which moves instead of the shared one for a write
that only some users can see (a draft report, seen by its agency alone:
`changes_seen_only_by`; a notification, on its recipient's bell: `viewers_changed`), so
such a write rebuilds their pages and nobody else's.

Only plain 200 responses to GETs without pending flash messages are kept; downloads and
responses that set cookies never are. With a read replica configured, a page may be
rendered from data a little behind the primary: PAGE_CACHE_SECONDS bounds how long that
can be kept.

The cache is a speed-up, never needed for correctness: every call goes through
ops/cache_safe.py. While the cache (Redis) does not answer, no version can be read, so
nothing is looked up or kept: every page is rendered fresh, and a bump after a commit is
lost instead of failing the request whose write has committed.

A lost bump must not let a page kept before the outage be served after it: a Redis that is
stopped saves its keys and loads them again, the old version and its pages with them. The
choice: every process that saw the cache fail (a lost bump, or only a failed read) moves
every data version on as soon as the cache answers again, before it reads a version, and
until it has done so it neither serves nor keeps a page. Moving on is the ordinary
increment, never a restart from the clock: versions only ever grow, so no page kept under
an old number can meet a new one, whatever the clocks of several machines say. The process
that lost a bump therefore pays it back before it serves anything again, and so does every
process that had a request during the outage.

What this leaves open, knowingly: a process that did not touch the cache during the whole
outage could serve a page kept before it in the moment between Redis returning and the
first request of a process that saw the outage (with two workers and any traffic, both
see it). That window is also bounded by PAGE_CACHE_SECONDS from when the page was kept,
and Redis drops keys past their time also while it is stopped, so an outage longer than
that leaves nothing to serve. Closing it entirely would take recording lost bumps in the
database and reading that on every cached request; not worth a query on every page for this.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from ops.cache_safe import (
    cache_add,
    cache_call,
    cache_get,
    cache_set,
    outage_settled,
    outage_unsettled,
    redis_pipeline,
)

VERSION_KEY = "page-cache:data-version"
# Nightly rollup rows change only when a rollup is built: what is computed from them alone
# (the overview's 90-day trend) is kept under this version, not under every write's.
ROLLUP_VERSION_KEY = "page-cache:rollup-version"
VERSION_KEYS = (VERSION_KEY, ROLLUP_VERSION_KEY)
# Each viewer's own version: moved by writes only some users can see (`changes_seen_only_by`).
VIEWER_VERSION_KEY = "page-cache:viewer-version:{user_id}"
# The apps whose rows appear on cached pages (memberships and users decide who sees what).
TRACKED_APPS = frozenset({"agencies", "plans", "tasks", "reports", "supervision", "auth", "api"})

View = Callable[..., HttpResponse]


def data_version(key: str = VERSION_KEY) -> int | None:
    """The current version under `key`; None while the cache does not answer (or has not
    yet been caught up after an outage): then nothing may be served or kept."""
    if not _caught_up():
        return None
    version = cache_get(key, kind="page cache: data version")
    if version is None:
        # Started from the clock, not from 1: if the key is ever evicted, the new versions
        # never meet the numbers of pages cached before.
        cache_add(key, time.time_ns(), timeout=None, kind="page cache: data version")
        version = cache_get(key, kind="page cache: data version")
    return None if version is None else int(version)


def data_version_bump(key: str = VERSION_KEY) -> None:
    """Move the version on; never raises. A bump the cache does not take is paid back by
    this process once the cache answers again (`_caught_up`)."""
    if _caught_up():
        _bump(key)


def _bump(key: str) -> bool:
    return _bump_many([key])


def _bump_many(keys: list[str]) -> bool:
    """Move each version on (a missing one starts from the clock); one round trip for them
    all on Redis: a reminders pass moves the versions of thousands of recipients."""

    def call() -> bool:
        pipelined = redis_pipeline()
        if pipelined is None:
            for key in keys:
                try:
                    cache.incr(key)
                except ValueError:  # not there (evicted, or a fresh cache): any new start
                    cache.add(key, time.time_ns(), timeout=None)
            return True
        pipeline, stored = pipelined
        start = time.time_ns()
        for key in keys:
            pipeline.set(stored(key), start, nx=True)  # as `data_version` starts a version
            pipeline.incr(stored(key))
        pipeline.execute()
        return True

    return cache_call("page cache: version bump", call, default=False)


def _caught_up() -> bool:
    """After this process saw the cache fail, every data version moves on once before any is
    read again (the module's docstring says why). False while the cache still fails."""
    mark = outage_unsettled()
    if mark is None:
        return True
    if not all(_bump(key) for key in VERSION_KEYS):
        return False
    outage_settled(mark)
    return True


def rollups_changed() -> None:
    """Call inside the transaction that writes rollup rows."""
    # robust: the bump never raises, and nothing after the commit may fail the request.
    transaction.on_commit(lambda: data_version_bump(ROLLUP_VERSION_KEY), robust=True)


def kept_value(
    *, name: str, parts: tuple[Any, ...], version_key: str, compute: Callable[[], Any]
) -> Any:
    """`compute()`, kept for PAGE_CACHE_SECONDS under `version_key`'s version and `parts`."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds:
        return compute()
    version = data_version(version_key)
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"kept:{name}:{version}:{digest}"
    value = cache_get(key, kind="page cache: read")
    if value is None:
        value = compute()
        cache_set(key, value, seconds, kind="page cache: write")
    return value


# While set, a write moves only these users' versions (`changes_seen_only_by`).
_SEEN_ONLY_BY: ContextVar[frozenset[int] | None] = ContextVar(
    "page_cache_seen_only_by", default=None
)


@contextmanager
def changes_seen_only_by(user_ids: Collection[int] | None) -> Iterator[None]:
    """The writes inside change what these users alone can see (a draft report: its own
    agency's members, `ProgressReport.objects.visible_to`), so they move those users' kept
    pages and not every page of every viewer. A liaison saves drafts all day; without this,
    each save rebuilt every NIPA department's dashboards. None: a write everyone may see.

    The caller vouches that nothing written inside is shown to anyone else: a write that
    others see (a submit, an event) belongs outside the block."""
    token = _SEEN_ONLY_BY.set(None if user_ids is None else frozenset(user_ids))
    try:
        yield
    finally:
        _SEEN_ONLY_BY.reset(token)


def data_changed() -> None:
    """Call inside the transaction that writes: the version moves once it commits (only its
    viewers' versions inside `changes_seen_only_by`)."""
    seen_by = _SEEN_ONLY_BY.get()
    if seen_by is None:
        transaction.on_commit(data_version_bump, robust=True)
        return
    viewers_changed(seen_by)


def viewers_changed(user_ids: Collection[int]) -> None:
    """Call inside the transaction that writes what only these users see on every page of
    theirs (their bell: a notification delivered or read): their kept pages are rebuilt
    once it commits, nobody else's."""
    keys = [VIEWER_VERSION_KEY.format(user_id=pk) for pk in sorted(set(user_ids))]
    if keys:
        transaction.on_commit(lambda: _viewers_bump(keys), robust=True)


def _viewers_bump(keys: list[str]) -> None:
    # A bump the cache does not take marks the outage, and catching up moves the shared
    # version on (`_caught_up`): every copy, these viewers' included, is dropped then.
    if _caught_up():
        _bump_many(keys)


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
    """What every kept copy depends on besides the data version: the viewer, the language,
    the day (lights and "overdue" move with it) and the URL; plus what the kind adds. The
    version is kept inside the copy (`_lookup`), so one round trip reads both."""
    parts = [
        viewer,
        get_language() or "",
        timezone.localdate().isoformat(),
        *varies,
        request.get_full_path(),
    ]
    return f"{kind}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _lookup(key: str, user_id: int) -> tuple[tuple[int, int] | None, Any]:
    """The data versions (the shared one and the viewer's own) and what `key` keeps for
    them, read together in one round trip (a copy is kept with the versions it was rendered
    under, and only served under those same versions). (None, None) while there is no
    version to read: nothing is served or kept."""
    if not _caught_up():
        return None, None
    viewer_key = VIEWER_VERSION_KEY.format(user_id=user_id)
    found = cache_call(
        "page cache: data version",
        lambda: cache.get_many([VERSION_KEY, viewer_key, key]),
        default=None,
    )
    if found is None:  # the cache did not answer
        return None, None
    shared, own = found.get(VERSION_KEY), found.get(viewer_key)
    if shared is None or own is None:  # fresh or evicted: started as `data_version` starts it
        shared, own = data_version(), data_version(viewer_key)
        return (None, None) if shared is None or own is None else ((shared, own), None)
    version = (int(shared), int(own))
    kept = found.get(key)
    if not isinstance(kept, tuple) or len(kept) != 2 or kept[0] != version:
        return version, None
    return version, kept[1]


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
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
        )
        version, kept = _lookup(key, request.user.pk)
        if kept is not None:
            content_type, content = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (
            version is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Content-Disposition")
        ):
            cache_set(
                key,
                (version, (response["Content-Type"], response.content)),
                settings.PAGE_CACHE_SECONDS,
                kind="page cache: write",
            )
        return response

    return wrapped


def cached_api_list(method: View) -> View:
    """The same for an API list: the rendered response kept per token (or session),
    language, format and URL under the data version. DRF has authenticated and throttled the
    request before the method runs, so a revoked token or an exhausted rate is refused
    before any kept copy is looked at. What is kept is the rendered body, so a hit skips
    rendering the rows again: the same bytes, served as the renderer types them."""

    @wraps(method)
    def wrapped(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        if settings.PAGE_CACHE_SECONDS <= 0:
            return method(self, request, *args, **kwargs)
        auth = request.auth
        viewer = (
            f"token:{auth.pk}" if auth is not None else f"session:{request.session.session_key}"
        )
        renderer = request.accepted_renderer
        # The media type as accepted, parameters included: the bytes kept depend on them
        # (`application/json; indent=4`), not only on the format.
        key = _key("api-cache", request, viewer, request.accepted_media_type or "")
        version, kept = _lookup(key, request.user.pk)
        if kept is not None:
            content_type, content = kept
            return HttpResponse(content, content_type=content_type)
        response = method(self, request, *args, **kwargs)
        if version is not None and response.status_code == 200:
            content = renderer.render(
                response.data, request.accepted_media_type, self.get_renderer_context()
            )
            if isinstance(content, bytes):  # as DRF's Response types what it renders
                content_type = (
                    f"{renderer.media_type}; charset={renderer.charset}"
                    if renderer.charset is not None
                    else renderer.media_type
                )
                cache_set(
                    key,
                    (version, (content_type, content)),
                    settings.PAGE_CACHE_SECONDS,
                    kind="page cache: write",
                )
                # Answered from the bytes just rendered, as a hit is: DRF rendering the
                # rows a second time would double the cost of every miss.
                rendered = HttpResponse(content, content_type=content_type)
                for header, value in response.items():
                    if header.lower() != "content-type":
                        rendered[header] = value
                return rendered
        return response

    return wrapped
