"""Every read endpoint × three users: the own agency's editor and viewer see the plan's
objects; another province's user sees none of them, in lists or by id."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards.rollups import rollup_build
from meetings.models import Committee, Meeting
from plans.models import Indicator, Section
from tasks.models import Event, Responsibility, WorkItem
from tasks.services import task_set_status

USERS = [("liaison", True), ("local_viewer", True), ("other_liaison", False)]


def _objects(world) -> dict[str, int]:
    plan = world.plan_a
    task_set_status(
        actor=world.users["coordinator"],
        task=world.a1,
        status="at_risk",
        reason="测试",
        expected_version=world.a1.version,
    )
    item = WorkItem.objects.create(
        task=world.a1, title="要点", year=2026, due_on=dt.date(2026, 6, 30)
    )
    rollup_build(as_of=dt.date(2026, 1, 1))
    committee = Committee.objects.create(plan=plan, name="委员会")
    return {
        "plans": plan.pk,
        "sections": Section.objects.create(
            plan=plan, label="一、", title="共建内容", kind="tasks", order=99
        ).pk,
        "indicators": Indicator.objects.create(
            plan=plan, name="指标", target=1, target_year=2025
        ).pk,
        "meetings": Meeting.objects.create(
            committee=committee, title="会议", held_on=dt.date(2026, 1, 1)
        ).pk,
        "tasks": world.a1.pk,
        "responsibilities": Responsibility.objects.filter(task=world.a1).first().pk,
        "work-items": item.pk,
        "events": Event.objects.filter(plan=plan).first().pk,
        "periods": world.report_a1_commerce.period_id,
        "reports": world.report_a1_commerce.pk,
        "rollups": plan.rollups.first().pk,
    }


ENDPOINTS = [
    "plans",
    "sections",
    "indicators",
    "meetings",
    "tasks",
    "responsibilities",
    "work-items",
    "events",
    "periods",
    "reports",
    "rollups",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(("name", "sees"), USERS)
def test_lists_and_details_show_only_what_the_user_may_see(
    world, api, endpoint: str, name: str, sees: bool
) -> None:
    pk = _objects(world)[endpoint]
    client = api(world.users[name])
    listed = client.get(f"/api/v1/{endpoint}/", {"page_size": 200})
    assert listed.status_code == 200
    ids = [row["id"] for row in listed.json()["results"]]
    assert (pk in ids) is sees
    if endpoint != "events":  # the timeline is a list only
        assert client.get(f"/api/v1/{endpoint}/{pk}/").status_code == (200 if sees else 404)


def test_anonymous_gets_401_in_the_common_error_format(db, client) -> None:
    response = client.get("/api/v1/tasks/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code in (401, 403)
    body = response.json()["error"]
    assert body["code"] == "not_authenticated" and body["message"]


def test_the_agency_directory_is_searchable(world, api) -> None:
    rows = api(world.users["other_liaison"]).get("/api/v1/agencies/", {"search": "商务"}).json()
    assert [r["name"] for r in rows["results"]] == ["海南省商务厅"]
    assert "webhook_url" not in rows["results"][0]


def test_notifications_are_ones_own(world, api) -> None:
    from notifications.models import Notification

    mine = Notification.objects.create(
        recipient=world.users["liaison"], kind="reminder", title="提醒", dedupe_key="k"
    )
    Notification.objects.create(
        recipient=world.users["other_liaison"], kind="reminder", title="别人的", dedupe_key="k"
    )
    client = api(world.users["liaison"])
    assert [n["id"] for n in client.get("/api/v1/notifications/").json()["results"]] == [mine.pk]
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"]
    other = api(world.users["other_liaison"])
    assert other.post(f"/api/v1/notifications/{mine.pk}/read/").status_code == 404
