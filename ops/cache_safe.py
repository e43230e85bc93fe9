"""Django's cache, used so that a cache that does not answer never fails a request.

Every use of the cache on a request path goes through here (the page cache, the API
throttle): Redis holds nothing the product needs for correctness. When the cache does not
answer (Redis stopped, restarting, unreachable):

- a read is a miss, a write or an increment is skipped, and the caller carries on with what
  it would do without a cache (render the page, let the API call through);
- the failure is logged as a warning at most once a minute per kind and per process, never
  once per request;
- for CACHE_RETRY_SECONDS after a failure the cache is not asked at all: a Redis that drops
  packets instead of refusing them would otherwise cost its connect timeout on every call;
- the failure is remembered until a caller that has to catch up on what it missed says it
  has (`outage_unsettled` / `outage_settled`): the page cache moves its data versions on
  once the cache answers again (ops/page_cache.py says why).

Only the errors of an unavailable cache are caught; anything else is a bug and raises.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What a cache that is down, restarting or unreachable raises (redis-py wraps most socket
# errors in its ConnectionError/TimeoutError; a few reach us as OSError).
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)
LOG_EVERY_SECONDS = 60.0


@dataclass
class _State:
    retry_at: float = 0.0  # time.monotonic(): before it, the cache is not asked
    failures: int = 0  # failures this process has seen
    settled: int = 0  # how many of them a caller has caught up on
    logged_at: dict[str, float] = field(default_factory=dict)  # per kind
    lock: threading.Lock = field(default_factory=threading.Lock)


_state = _State()


def cache_call(kind: str, call: Callable[[], T], *, default: T) -> T:
    """`call()`, or `default` when the cache does not answer (or failed a moment ago)."""
    if time.monotonic() < _state.retry_at:
        return default
    try:
        return call()
    except CACHE_ERRORS as exc:
        _failed(kind, exc)
        return default


def cache_get(key: str, *, kind: str) -> Any:
    """The value kept under `key`; None when there is none or the cache does not answer."""
    return cache_call(kind, lambda: cache.get(key), default=None)


def cache_set(key: str, value: Any, timeout: float | None, *, kind: str) -> bool:
    """Keep `value`; False when the cache does not answer (nothing is kept, nothing raised)."""

    def call() -> bool:
        cache.set(key, value, timeout)
        return True

    return cache_call(kind, call, default=False)


def cache_add(key: str, value: Any, timeout: float | None, *, kind: str) -> bool:
    """Keep `value` unless `key` holds one; False when it does or the cache does not answer."""
    return cache_call(kind, lambda: bool(cache.add(key, value, timeout)), default=False)


def redis_pipeline() -> tuple[Any, Callable[[str], str]] | None:
    """A redis-py pipeline on the server the default cache writes to, and the function that
    turns a key into the one Django stores; None when the cache is not Redis (the embedded
    demo's memory cache). For a few calls Django's API makes two round trips (`incr` is
    EXISTS then INCRBY) or one per key: a pipeline sends them as one. Run it in
    `cache_call`, as any other cache call."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    # Django's Redis client sends every write to its first server: so does this pipeline.
    client = backend._cache.get_client(write=True)
    return client.pipeline(transaction=False), backend.make_and_validate_key


def outage_unsettled() -> int | None:
    """A mark to pass to `outage_settled` when this process has seen the cache fail since the
    last settlement, else None."""
    with _state.lock:
        return _state.failures if _state.failures > _state.settled else None


def outage_settled(mark: int) -> None:
    """The caller has caught up on every failure up to `mark` (later ones stay unsettled)."""
    with _state.lock:
        if mark <= _state.settled:
            return
        _state.settled = mark
        caught_up = _state.settled == _state.failures
    if caught_up:
        logger.warning("cache answers again: what was missed while it was down is caught up")


def _failed(kind: str, exc: BaseException) -> None:
    now = time.monotonic()
    with _state.lock:
        _state.failures += 1
        _state.retry_at = now + settings.CACHE_RETRY_SECONDS
        last = _state.logged_at.get(kind)
        if last is not None and now - last < LOG_EVERY_SECONDS:
            return
        _state.logged_at[kind] = now
    logger.warning(
        "cache unavailable (%s): carrying on without it, logged again in a minute at most: %s",
        kind,
        exc,
    )
