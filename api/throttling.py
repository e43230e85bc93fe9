from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from ops.cache_safe import cache_call

if TYPE_CHECKING:  # rest_framework.views imports this module while it loads
    from rest_framework.request import Request
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    """Systems calling with a token are limited per token; browsers are not throttled.

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
        allow = super().allow_request
        return cache_call("api throttle", lambda: allow(request, view), default=True)
