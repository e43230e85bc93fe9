"""API clients for tests: by session (the browser) or by token (a provincial system)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.tokens import token_issue


@pytest.fixture
def api():
    """An API client logged in (by session) as the named user of the world."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def token_client():
    """An API client that authenticates the way a provincial system does: with a token."""

    def make(user) -> APIClient:
        _token, value = token_issue(user=user, name="测试系统", issued_by=None)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {value}")
        return client

    return make
