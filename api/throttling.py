from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from ops.cache_safe import cache_call, redis_pipeline

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    """Systems calling with a token are limited per token; browsers are not throttled.

    The count is one number per token and window (a minute for "600/minute"), incremented
    in the cache: DRF's own throttle keeps the time of every call in the window as a list,
    read, grown and written back whole on every call — O(rate) per call, and two workers
    writing back at once lose each other's calls. Redis increments the count itself
    (INCR), so no worker's call is lost, and its size is fixed. A window is fixed, not
    sliding: a client may make up to twice the rate across a window's end, which a limit
    meant to stop runaway scripts allows.

    The counts live in the cache (Redis in production). When it does not answer the call
    goes through unthrottled (logged once a minute, ops/cache_safe.py): a limit we cannot
    count is not a reason to refuse, let alone fail, the call.
    """

    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{key}:{window}"
        return cache_call(
            "api throttle", lambda: self._counted(key) <= self.num_requests, default=True
        )

    def _counted(self, key: str) -> int:
        """This call's number in its window. The key lives a window past its creation, so it
        is there for every call of its window (an increment never recreates it without a
        time to live). On Redis, INCR and EXPIRE NX go in one round trip: Django's `incr`
        alone is two (EXISTS, then INCRBY), on every API call."""
        pipelined = redis_pipeline()
        if pipelined is not None:
            pipeline, stored = pipelined
            pipeline.incr(stored(key))
            pipeline.expire(stored(key), self.duration + 1, nx=True)  # the window's first call
            return int(pipeline.execute()[0])
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first call
            if self.cache.add(key, 1, self.duration + 1):
                return 1
            return self.cache.incr(key)  # another worker's first call came between

    def wait(self) -> float:
        """Seconds until the window ends (DRF's Retry-After)."""
        return max(self.window_ends - self.now, 0.0)
