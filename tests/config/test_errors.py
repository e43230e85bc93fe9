"""A database outage answers 503 with Retry-After; any other failure stays a logged 500."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from config import urls
from config.errors import server_error


def _handle(exc: Exception, path: str):
    try:
        raise exc
    except Exception:
        # Django calls the handler while the exception is being handled, as here.
        return server_error(RequestFactory().get(path))


def test_the_site_uses_the_outage_aware_handler():
    assert urls.handler500 == "config.errors.server_error"


def test_a_page_during_a_database_outage_says_try_again_shortly():
    response = _handle(OperationalError("connection refused"), "/tasks/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "系统暂时无法访问" in response.content.decode()


def test_an_api_call_during_a_database_outage_gets_json_503():
    response = _handle(OperationalError("server closed the connection"), "/api/v1/tasks/")
    assert response.status_code == 503
    assert "database is unavailable" in json.loads(response.content)["detail"]


@pytest.mark.parametrize("exc", [ValueError("bug"), KeyError("x")])
def test_any_other_failure_is_still_a_500(exc):
    response = _handle(exc, "/tasks/")
    assert response.status_code == 500
    assert "Retry-After" not in response
