"""The policy header written once per settings says exactly what django-csp writes, follows
the settings when they change, and a view's own adjustments still go through django-csp."""

from __future__ import annotations

from csp.decorators import csp_exempt, csp_update
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from security.csp import CSPMiddleware


def _plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _served(view, path: str = "/") -> HttpResponse:
    return CSPMiddleware(view)(RequestFactory().get(path))


def test_the_header_is_django_csps_own() -> None:
    assert _served(_plain)["Content-Security-Policy"] == build_policy()
    assert "frame-ancestors 'none'" in _served(_plain)["Content-Security-Policy"]


def test_changed_settings_change_the_header(settings) -> None:
    middleware = CSPMiddleware(_plain)  # one, as a process has: it keeps what it built
    before = middleware(RequestFactory().get("/"))["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    after = middleware(RequestFactory().get("/"))["Content-Security-Policy"]
    assert after == "default-src 'none'" != before
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": ["'self'"]}}
    report_only = middleware(RequestFactory().get("/"))["Content-Security-Policy-Report-Only"]
    assert report_only == build_policy(report_only=True) and "img-src 'self'" in report_only


def test_excluded_prefixes_get_no_header(settings) -> None:
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/outside/"],
        "DIRECTIVES": {"default-src": ["'self'"]},
    }
    assert "Content-Security-Policy" not in _served(_plain, "/outside/page")
    assert "Content-Security-Policy" in _served(_plain, "/inside/")


def test_a_views_own_update_goes_through_django_csp() -> None:
    view = csp_update({"img-src": ["https://maps.example"]})(_plain)
    assert "https://maps.example" in _served(view)["Content-Security-Policy"]
    assert "https://maps.example" not in _served(_plain)["Content-Security-Policy"]


def test_an_exempt_view_gets_no_header() -> None:
    assert "Content-Security-Policy" not in _served(csp_exempt()(_plain))
