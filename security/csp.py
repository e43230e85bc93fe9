"""django-csp's middleware, with the settings' policy written once instead of per response.

django-csp builds the header from the settings on every response (copying the policy's
parts, then joining every directive), though nothing here changes it per request: the
policy asks for no nonce and no view adjusts it (`csp_update`, `csp_replace`, `csp_exempt`
are not used). A response whose request took a nonce or whose view set any of those
attributes goes through django-csp unchanged, so they would still work as documented.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What a view's decorators set on its response (django-csp's own names).
_PER_VIEW = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_DEBUG_EXEMPT = (404, 500)  # as django-csp leaves them under DEBUG: Django's debug pages


class CSPMiddleware(DjangoCSPMiddleware):
    # The settings the headers were built from (held, so compared by identity: a test that
    # overrides them gets new objects) and the headers.
    _built: tuple[Any, Any, str, str] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_VIEW
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in _DEBUG_EXEMPT:
            return response
        header, header_ro = self._headers()
        for name, value, setting in (
            (HEADER, header, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, header_ro, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if value and name not in response and not request.path_info.startswith(tuple(excluded)):
                response[name] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    def _headers(self) -> tuple[str, str]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        policy_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built is None or built[0] is not policy or built[1] is not policy_ro:
            built = (policy, policy_ro, build_policy(), build_policy(report_only=True))
            self._built = built
        return built[2], built[3]
