"""The security log: what an assessor asks for is in it, with who and from where, and
nobody can change or remove an entry younger than 180 days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from security.models import Kind, SecurityEvent
from security.services import security_event_record, security_log_purge
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _kinds(**filters) -> list[str]:
    entries = SecurityEvent.objects.filter(**filters).order_by("pk")
    return list(entries.values_list("kind", flat=True))


def test_logins_failures_lockout_and_logout_are_logged_with_name_and_address() -> None:
    user = UserFactory(username="liaison9")
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "liaison9", "password": "wrong"})
    assert _kinds(username="liaison9").count(Kind.LOGIN_FAILED) == settings.AXES_FAILURE_LIMIT
    assert Kind.LOCKED_OUT in _kinds(username="liaison9")
    failed = SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED).first()
    assert failed.ip == "10.1.2.3" and "wrong" not in str(failed.detail)  # no password kept

    other = UserFactory()
    client = Client()
    client.post("/accounts/login/", {"username": other.username, "password": PASSWORD})
    client.post("/accounts/logout/")
    assert _kinds(user_id=other.pk)[-2:] == [Kind.LOGIN, Kind.LOGOUT]
    assert user.pk not in SecurityEvent.objects.filter(kind=Kind.LOGIN).values_list(
        "user_id", flat=True
    )


def test_refusals_and_an_export_are_logged(world) -> None:
    viewer = Client()
    viewer.force_login(world.users["local_viewer"])  # may read the task, not change it
    assert viewer.post(f"/tasks/{world.a1.pk}/status/", {"status": "completed"}).status_code == 403
    outsider = Client()
    outsider.force_login(world.users["other_liaison"])  # another province: not even shown
    assert outsider.get(f"/tasks/{world.a1.pk}/").status_code == 404
    editor = Client()
    editor.force_login(world.users["liaison"])  # their own agency's task: nothing to log
    assert editor.get(f"/tasks/{world.a1.pk}/").status_code == 200
    refused = SecurityEvent.objects.filter(kind=Kind.REFUSED).order_by("pk")
    assert [(r.user_id, r.method, r.detail["status"]) for r in refused] == [
        (world.users["local_viewer"].pk, "POST", 403),
        (world.users["other_liaison"].pk, "GET", 404),
    ]
    nipa = Client()
    nipa.force_login(world.users["nipa_viewer"])
    assert nipa.get("/dashboards/?format=csv").status_code == 200
    export = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert export.user_id == world.users["nipa_viewer"].pk and "format=csv" in export.path


def test_an_api_refusal_is_logged(world, token_client) -> None:
    client = token_client(world.users["local_viewer"])  # reads the task, may not change it
    path = f"/api/v1/tasks/{world.a1.pk}/status/"
    response = client.post(path, {"status": "completed", "reason": "x"}, format="json")
    assert response.status_code == 403
    refused = SecurityEvent.objects.get(kind=Kind.REFUSED)
    assert refused.user_id == world.users["local_viewer"].pk and refused.path == path


def test_an_api_lookup_outside_the_callers_reach_is_logged(world, token_client) -> None:
    outsider = token_client(world.users["other_liaison"])
    assert outsider.get(f"/api/v1/tasks/{world.a1.pk}/").status_code == 404
    own = token_client(world.users["liaison"])
    assert own.get(f"/api/v1/tasks/{world.a1.pk}/").status_code == 200
    refused = SecurityEvent.objects.get(kind=Kind.REFUSED)
    assert refused.user_id == world.users["other_liaison"].pk
    assert refused.path == f"/api/v1/tasks/{world.a1.pk}/" and refused.detail == {"status": 404}


def test_admin_actions_are_logged() -> None:
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    target = UserFactory(username="to-deactivate")
    response = client.post(
        f"/admin/auth/user/{target.pk}/change/",
        {
            "username": "to-deactivate",
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/admin/auth/user/"
    action = SecurityEvent.objects.get(kind=Kind.ADMIN_ACTION)
    assert action.user_id == admin_user.pk and action.detail["object"] == "to-deactivate"
    assert action.detail["action"] == "change"


def test_entries_cannot_be_changed_or_deleted_before_180_days() -> None:
    entry = security_event_record(kind=Kind.LOGIN_FAILED, username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=entry.pk).update(username="y")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE security_securityevent SET kind = 'login' WHERE id = %s", [entry.pk])
    assert SecurityEvent.objects.get(pk=entry.pk).username == "x"


def test_the_purge_removes_only_what_is_past_the_retention() -> None:
    now = timezone.now()
    past = now - dt.timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS + 2)
    old = SecurityEvent.objects.create(kind=Kind.LOGIN, occurred_at=past)
    kept = SecurityEvent.objects.create(kind=Kind.LOGIN, occurred_at=now - dt.timedelta(days=200))
    assert security_log_purge(as_of=timezone.localdate()) == {"deleted": 1}
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=kept.pk).exists()


def test_a_retention_below_the_floor_still_keeps_180_days(settings) -> None:
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    entry = SecurityEvent.objects.create(
        kind=Kind.LOGIN, occurred_at=timezone.now() - dt.timedelta(days=100)
    )
    assert security_log_purge(as_of=timezone.localdate()) == {"deleted": 0}
    assert SecurityEvent.objects.filter(pk=entry.pk).exists()
