"""What every page pays for its layout (templates/base.html), whatever it shows: the session
with its user (one read), the user's roles (the 管理 link) and the bell, and the header's
links reversed once, not on every render."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_script_prefix
from django.urls import reverse

from config.context_processors import LINKS
from notifications.models import Kind, Notification


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ["liaison", "admin", "nipa_viewer"])
def test_a_page_on_the_layout_costs_three_queries(world, name: str) -> None:
    """The password page shows nothing but the layout and a form: what it reads is what the
    layout costs every page. (A session's first request also writes when it was last seen.)"""
    client = _client(world.users[name])
    client.get(reverse("password_change"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("password_change"))
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    tables = ("security_session", "agencies_membership", "notifications_notification")
    assert len(sql) == len(tables), sql
    for query, table in zip(sql, tables, strict=True):
        assert f'FROM "{table}"' in query
    assert 'JOIN "auth_user"' in sql[0]  # the user comes with the session


def test_the_header_links_are_the_urls_they_name(world) -> None:
    world.users["admin"].is_staff = True
    world.users["admin"].save()
    page = _client(world.users["admin"]).get(reverse("password_change")).content.decode()
    for name in LINKS.values():
        assert f'"{reverse(name)}"' in page, name
    assert 'href=""' not in page and 'action=""' not in page


def test_the_header_links_follow_the_script_prefix(world) -> None:
    """Behind a proxy mounting the site under a path, the links carry it (the once-reversed
    links are kept per prefix)."""
    client = _client(world.users["liaison"])
    client.get(reverse("password_change"))  # the links reversed without a prefix first
    with override_script_prefix("/ipplan/"):
        page = client.get("/accounts/password/").content.decode()
    assert 'href="/ipplan/accounts/password/"' in page
    assert 'href="/ipplan/notifications/"' in page
    assert 'action="/ipplan/accounts/logout/"' in page


def test_the_current_section_is_marked_and_the_admin_link_only_for_administrators(
    world,
) -> None:
    page = _client(world.users["liaison"]).get(reverse("home")).content.decode()
    assert f'<a href="{reverse("home")}" aria-current="page">' in page
    assert reverse("administration:home") not in page
    admin_page = _client(world.users["admin"]).get(reverse("home")).content.decode()
    assert reverse("administration:home") in admin_page


def test_the_bell_count_is_read_once_and_shown(world) -> None:
    Notification.objects.create(
        recipient=world.users["liaison"], kind=Kind.REMINDER, title="提醒", dedupe_key="t:1"
    )
    with CaptureQueriesContext(connection) as queries:
        page = _client(world.users["liaison"]).get(reverse("home")).content.decode()
    bell = [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1
    assert 'class="badge"' in page and ">1</span>" in page
