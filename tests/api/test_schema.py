"""The OpenAPI schema and its documentation pages; then schemathesis generates requests from
the schema, a few examples per operation, and no response may be a server error."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from api.tokens import token_issue


def test_the_schema_is_openapi_3_and_lists_every_resource(client, db) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    for resource in ("plans", "tasks", "reports", "attachments", "rollups", "notifications"):
        assert any(path.startswith(f"/api/v1/{resource}/") for path in schema["paths"])
    assert "token" in schema["components"]["securitySchemes"]


def test_the_docs_page_uses_no_cdn(client, db) -> None:
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower() and "unpkg" not in page


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request; inside the test's
    transaction it must stay open (Django's own test client does the same)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


def test_no_generated_request_gets_a_server_error(world, keep_connection) -> None:
    """Every operation, a few generated requests each (bounded, derandomized: the same
    requests on every run), as a coordinator so most get past the permission checks."""
    _token, value = token_issue(
        user=world.users["coordinator"], name="schemathesis", issued_by=None
    )
    headers = {"Authorization": f"Bearer {value}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    failures: list[str] = []
    calls: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert failures == []
    assert len(calls) >= 2 * len(operations)  # the generator did reach every operation
