"""Every page carries the Content-Security-Policy, and no page needs an inline script."""

from __future__ import annotations

import re

import pytest
from django.test import Client

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


@pytest.mark.parametrize(
    "path",
    ["/", "/plans/", "/dashboards/", "/notifications/", "/api/docs/", "/accounts/login/"],
)
def test_pages_have_the_policy_and_no_inline_script(world, path: str) -> None:
    client = Client()
    client.force_login(world.users["coordinator"])
    response = client.get(path, follow=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert not INLINE_SCRIPT.findall(response.content.decode())


def test_the_swagger_init_script_is_served_as_a_file(world) -> None:
    client = Client()
    client.force_login(world.users["coordinator"])
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    assert "SwaggerUIBundle" in script.content.decode()
