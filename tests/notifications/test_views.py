"""The bell: each user sees and marks only their own notifications."""

from __future__ import annotations

import pytest
from django.test import Client

from notifications.models import Kind, Notification


@pytest.fixture
def notes(world):
    editor, viewer = world.users["liaison"], world.users["local_viewer"]
    other = world.users["other_liaison"]
    made = {}
    for user in (editor, viewer, other):
        made[user.username] = Notification.objects.create(
            recipient=user,
            kind=Kind.REMINDER,
            title=f"给{user.username}的提醒",
            link="/tasks/",
            dedupe_key="t:1",
        )
    return made


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_bell_shows_the_unread_count_on_every_page(world, notes) -> None:
    page = _client(world.users["liaison"]).get("/").content.decode()
    assert 'class="badge"' in page and ">1</span>" in page


@pytest.mark.parametrize("name", ["liaison", "local_viewer", "other_liaison"])
def test_each_user_lists_only_their_own(world, notes, name: str) -> None:
    page = _client(world.users[name]).get("/notifications/").content.decode()
    assert f"给{name}的提醒" in page
    assert sum(f"给{n}的提醒" in page for n in notes) == 1


def test_opening_marks_read_and_follows_the_link(world, notes) -> None:
    note = notes["liaison"]
    response = _client(world.users["liaison"]).post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_another_users_notification_cannot_be_opened(world, notes) -> None:
    note = notes["liaison"]
    for name in ("local_viewer", "other_liaison"):
        assert _client(world.users[name]).post(f"/notifications/{note.pk}/open/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_ones_own(world, notes) -> None:
    response = _client(world.users["liaison"]).post("/notifications/read-all/")
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
    assert (
        "badge"
        not in _client(world.users["liaison"])
        .get("/")
        .content.decode()
        .split("user-menu")[1]
        .split("</div>")[0]
    )


def test_reading_needs_a_post_and_a_login(world, notes) -> None:
    note = notes["liaison"]
    assert _client(world.users["liaison"]).get(f"/notifications/{note.pk}/open/").status_code == 405
    assert Client().get("/notifications/").status_code == 302
