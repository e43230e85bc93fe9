"""The digest page (今日待办) is one's own; a plan's reminder settings are its coordinators'."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from notifications.models import Digest, DigestEntry, ReminderSettings
from notifications.plan_settings import reminder_settings_set
from security.models import Kind as SecurityKind
from security.models import SecurityEvent


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def digest(world) -> Digest:
    liaison = world.users["liaison"]
    made = Digest.objects.create(
        addressee=f"user:{liaison.pk}", recipient=liaison, day=dt.date(2025, 9, 23), item_count=1
    )
    DigestEntry.objects.create(
        digest=made,
        addressee=made.addressee,
        key="report:1:2:3:before_7",
        kind="report_due",
        plan=world.plan_a,
        agency=world.hainan_commerce,
        title="2025年第三季度进展报告将于2025-09-30截止(还有7天):1.加快建设",
        link=f"/tasks/{world.a1.pk}/",
        due_on=dt.date(2025, 9, 30),
    )
    return made


def test_the_digest_lists_its_items_by_plan_with_links(world, digest) -> None:
    page = _client(world.users["liaison"]).get(f"/notifications/digests/{digest.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert world.plan_a.title in html and "海南省商务厅" in html
    assert f'href="/tasks/{world.a1.pk}/"' in html and "还有7天" in html


@pytest.mark.parametrize("name", ["coordinator", "local_viewer", "other_liaison"])
def test_another_persons_digest_is_not_found(world, digest, name: str) -> None:
    response = _client(world.users[name]).get(f"/notifications/digests/{digest.pk}/")
    assert response.status_code == 404


def _settings_url(world) -> str:
    return f"/notifications/plans/{world.plan_a.pk}/settings/"


def test_the_coordinator_sets_the_hour_and_the_escalation(world) -> None:
    client = _client(world.users["coordinator"])
    assert client.get(_settings_url(world)).status_code == 200
    response = client.post(
        _settings_url(world),
        {"digest_hour": "17", "escalate_to": "with_admins", "returned_every_workdays": "3"},
    )
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(plan=world.plan_a)
    assert (saved.digest_hour, saved.escalate_to, saved.returned_every_workdays) == (
        17,
        "with_admins",
        3,
    )
    logged = SecurityEvent.objects.get(kind=SecurityKind.ADMINISTRATION)
    assert logged.user_id == world.users["coordinator"].pk
    assert logged.detail["to"]["digest_hour"] == 17


@pytest.mark.parametrize("hour", ["24", "-1", "八点"])
def test_an_hour_out_of_range_is_refused_with_a_clear_message(world, hour: str) -> None:
    response = _client(world.users["coordinator"]).post(
        _settings_url(world),
        {"digest_hour": hour, "escalate_to": "coordinators", "returned_every_workdays": "2"},
    )
    assert response.status_code == 400
    assert "每日提醒时间应为 0 到 23 之间的整点" in response.content.decode()
    assert not ReminderSettings.objects.exists()


@pytest.mark.parametrize(
    ("name", "status"), [("liaison", 403), ("admin", 403), ("other_coordinator", 404)]
)
def test_only_the_plans_coordinators_see_or_change_the_settings(world, name, status) -> None:
    client = _client(world.users[name])
    assert client.get(_settings_url(world)).status_code == status
    posted = client.post(
        _settings_url(world),
        {"digest_hour": "9", "escalate_to": "coordinators", "returned_every_workdays": "2"},
    )
    assert posted.status_code == status
    assert not ReminderSettings.objects.exists()


def test_the_service_refuses_an_hour_out_of_range_from_any_caller(world) -> None:
    with pytest.raises(ValidationError) as refused:
        reminder_settings_set(
            actor=world.users["coordinator"],
            plan=world.plan_a,
            digest_hour=24,
            escalate_to="coordinators",
            returned_every_workdays=2,
        )
    assert "digest_hour" in refused.value.message_dict
    assert not ReminderSettings.objects.exists()
