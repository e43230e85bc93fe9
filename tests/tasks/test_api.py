"""Task status through the API: the coordinator only, with the ETag in If-Match."""

from __future__ import annotations

import pytest

from tasks.models import Event, EventKind, Task

URL = "/api/v1/tasks/{}/status/"


def test_the_task_carries_its_version_as_etag(world, api) -> None:
    response = api(world.users["coordinator"]).get(f"/api/v1/tasks/{world.a1.pk}/")
    assert response["ETag"] == f'"v{world.a1.version}"'
    assert response.json()["responsibilities"][0]["agency_name"]


def test_the_coordinator_changes_the_status_with_if_match(world, api) -> None:
    client = api(world.users["coordinator"])
    etag = client.get(f"/api/v1/tasks/{world.a1.pk}/")["ETag"]
    response = client.post(
        URL.format(world.a1.pk), {"status": "at_risk", "reason": "资金未到位"}, HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200 and response.json()["status"] == "at_risk"
    assert response["ETag"] != etag
    event = Event.objects.get(kind=EventKind.STATUS_CHANGED, task=world.a1)
    assert event.actor == world.users["coordinator"] and event.reason == "资金未到位"


def test_a_stale_etag_gets_412_and_nothing_changes(world, api) -> None:
    client = api(world.users["coordinator"])
    stale = client.get(f"/api/v1/tasks/{world.a1.pk}/")["ETag"]
    client.post(URL.format(world.a1.pk), {"status": "behind", "reason": "一"}, HTTP_IF_MATCH=stale)
    response = client.post(
        URL.format(world.a1.pk), {"status": "completed", "reason": "二"}, HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    error = response.json()["error"]
    assert error["code"] == "precondition_failed" and error["current_version"] == 2
    assert Task.objects.get(pk=world.a1.pk).status == "behind"


def test_no_if_match_gets_428(world, api) -> None:
    response = api(world.users["coordinator"]).post(
        URL.format(world.a1.pk), {"status": "behind", "reason": "一"}
    )
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"


@pytest.mark.parametrize(
    ("name", "status"), [("liaison", 403), ("local_viewer", 403), ("other_liaison", 404)]
)
def test_others_cannot_change_the_status(world, api, name: str, status: int) -> None:
    response = api(world.users[name]).post(
        URL.format(world.a1.pk), {"status": "behind", "reason": "一"}, HTTP_IF_MATCH='"v1"'
    )
    assert response.status_code == status
    assert Task.objects.get(pk=world.a1.pk).status == world.a1.status


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "不是合法选项"), ("en", "is not a valid choice")]
)
def test_a_bad_value_is_explained_in_the_asked_language(
    world, api, language: str, expected: str
) -> None:
    response = api(world.users["coordinator"]).post(
        URL.format(world.a1.pk),
        {"status": "finished", "reason": "x"},
        HTTP_IF_MATCH=f'"v{world.a1.version}"',
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and expected in error["fields"]["status"][0]


def test_filters_by_agency_role_status_and_overdue(world, api) -> None:
    client = api(world.users["coordinator"])
    Task.objects.filter(pk=world.a2.pk).update(status="behind", due_on="2020-01-01")
    ids = lambda **q: [t["id"] for t in client.get("/api/v1/tasks/", q).json()["results"]]  # noqa: E731
    assert ids(agency=world.hainan_commerce.pk) == [world.a1.pk]
    assert ids(agency=world.hainan_office.pk, role="lead") == [world.a1.pk, world.a2.pk]
    assert ids(status="behind") == [world.a2.pk]
    assert ids(overdue="true") == [world.a2.pk]
    assert world.a2.pk not in ids(overdue="false")


def test_the_task_list_reads_as_drf_s_fields_in_a_fixed_number_of_queries(
    world, api, django_assert_num_queries
) -> None:
    """The list's plain-value serializers give what the declared fields give, for a task with
    and without a section, dates and responsibilities; the query count does not grow."""
    import datetime as dt

    from django.utils import timezone
    from rest_framework import serializers

    from tasks.api import ResponsibilitySerializer, TaskSerializer
    from tests.factories import ResponsibilityFactory, TaskFactory

    Task.objects.filter(pk=world.a1.pk).update(
        status_changed_at=timezone.now(), due_on=dt.date(2026, 6, 30)
    )
    coordinator = world.users["coordinator"]

    def fresh():  # memberships not yet read, as in a new request
        return api(type(coordinator).objects.get(pk=coordinator.pk))

    client = fresh()
    # memberships, tasks with their count (on its generic plan: plan_cache_mode set before
    # and reset after, ops/compiled.py), responsibilities with their agencies
    with django_assert_num_queries(5) as captured:
        body = client.get("/api/v1/tasks/").json()
    for task in Task.objects.filter(pk__in=[t["id"] for t in body["results"]]):
        generic = serializers.Serializer.to_representation(TaskSerializer(), task)
        generic["responsibilities"] = [
            serializers.Serializer.to_representation(ResponsibilitySerializer(), r)
            for r in task.responsibilities.all()
        ]
        [listed] = [t for t in body["results"] if t["id"] == task.pk]
        assert listed == generic
    few = len(captured.captured_queries)
    for n in range(5):
        more = TaskFactory(plan=world.plan_a, number=100 + n)
        ResponsibilityFactory(task=more, agency=world.hainan_office, order=0)
    client = fresh()
    with django_assert_num_queries(few):
        assert len(client.get("/api/v1/tasks/").json()["results"]) == len(body["results"]) + 5
