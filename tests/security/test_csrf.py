"""CSRF on every form: a POST without the token is refused before any view runs, on every
route the site has, browser pages, the admin and the API under a session alike."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tasks.models import Task

pytestmark = pytest.mark.django_db


def _part(entry: URLPattern | URLResolver) -> str:
    """One level of a route as a path: converters and regex groups filled with a value, the
    anchors of regex routes (DRF's router, the admin) dropped."""
    text = str(entry.pattern)
    text = re.sub(r"\(\?P<format>[^)]*\)", "json", text)
    # A group of named alternatives (`(?P<fmt>xlsx|docx)`): the first of them.
    text = re.sub(r"\(\?P<[a-z_]+>([a-z]+)(?:\|[a-z]+)+\)", r"\1", text)
    text = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", text)
    text = re.sub(r"<drf_format_suffix:[a-z_]+>", ".json", text)
    text = re.sub(r"<str:[a-z_]+>", "docx", text)
    text = re.sub(r"<path:[a-z_]+>", "x", text)
    text = re.sub(r"<(?:[a-z_]+:)?[a-z_]+>", "1", text)
    text = text.replace("\\Z", "").replace("\\.", ".").replace("/?", "/")
    return text.strip("^$")


def _routes(patterns: list | None = None, prefix: str = "") -> list[str]:
    """Every route of the site; the check runs before any view looks its object up."""
    found: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + _part(entry)
        if isinstance(entry, URLResolver):
            found |= set(_routes(entry.url_patterns, route))
        else:
            found.add("/" + route)
    return sorted(found)


def test_every_route_refuses_a_post_without_the_csrf_token(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    routes = _routes()
    assert len(routes) > 40  # the sweep really covers the site
    allowed = {
        route: status
        for route in routes
        if (status := client.post(route, {"text": "x"}).status_code) != 403
    }
    assert allowed == {}


def test_the_same_post_with_the_token_gets_through(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["coordinator"])
    page = client.get(f"/tasks/{world.a1.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/tasks/{world.a1.pk}/comment/", {"text": "请各单位按时报送", "csrfmiddlewaretoken": token}
    )
    assert response.status_code in (200, 302)
    assert Task.objects.get(pk=world.a1.pk).events.filter(kind="commented").exists()
