"""The task list's query, compiled once per shape of request, lists what the FilterSet lists
over the caller's visible tasks: the same tasks, order, count and pages, for every filter,
every kind of user, and on whatever day `overdue` is asked."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks import api as tasks_api
from tasks.filters import TaskFilterSet
from tasks.models import Status, Task
from tests.factories import ResponsibilityFactory, TaskFactory

USERS = ["coordinator", "liaison", "nipa_viewer", "other_liaison", "nobody"]


def _expected(user, query: dict[str, str]) -> list[int]:
    """What the FilterSet gives over `Task.objects.visible_to`: the list before it was
    compiled."""
    tasks = Task.objects.visible_to(user).order_by("plan_id", "number")
    return list(TaskFilterSet(data=query, queryset=tasks).qs.values_list("pk", flat=True))


def _listed(client, query: dict[str, str]) -> tuple[list[int], int]:
    ids, count, page = [], None, 1
    while True:
        body = client.get("/api/v1/tasks/", {**query, "page": page, "page_size": 2}).json()
        ids += [t["id"] for t in body["results"]]
        count = body["count"]
        if body["next"] is None:
            return ids, count
        page += 1


@pytest.fixture
def busy_world(world):
    """More tasks than one page of two, with several statuses, due dates and roles."""
    for n in range(3, 8):
        task = TaskFactory(
            plan=world.plan_a,
            number=n,
            status=[Status.BEHIND, Status.AT_RISK, Status.COMPLETED][n % 3],
            due_on=dt.date(2020, 1, n) if n % 2 else None,
        )
        ResponsibilityFactory(
            task=task, agency=world.hainan_commerce, role=["lead", "co"][n % 2], order=0
        )
    Task.objects.filter(pk=world.a2.pk).update(status=Status.BEHIND, due_on=dt.date(2020, 1, 1))
    return world


@pytest.mark.parametrize("name", USERS)
def test_every_shape_lists_what_the_filterset_lists(busy_world, api, name) -> None:
    world = busy_world
    user = world.users[name]
    client = api(user)
    choices = {
        "plan": ["", str(world.plan_a.pk), "abc"],
        "agency": ["", str(world.hainan_commerce.pk)],
        "status": ["", Status.BEHIND, "nope"],
        "role": ["", "lead"],
        "overdue": ["", "true", "false"],
    }
    for values in itertools.product(*choices.values()):
        query = {k: v for k, v in zip(choices, values, strict=True) if v}
        ids, count = _listed(client, query)
        expected = _expected(user, query)
        assert (ids, count) == (expected, len(expected)), query
    if name != "nobody":
        assert _expected(user, {}), "the user sees tasks: the comparison means something"


def test_a_page_is_one_query_and_its_sql_is_the_same_for_every_page(busy_world, api) -> None:
    client = api(busy_world.users["coordinator"])
    client.get("/api/v1/tasks/")  # memberships read, as on any request
    sent: list[str] = []

    def keep(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(keep):
            client.get("/api/v1/tasks/", {"page": page, "page_size": 2, "status": "behind"})
        assert sum("pagination_total" in q["sql"] for q in captured) == 1
    listings = {sql for sql in sent if "pagination_total" in sql}
    # The page's bounds are parameters: one prepared statement serves every page.
    assert len(listings) == 1 and listings.pop().endswith("LIMIT %s OFFSET %s")


def test_overdue_is_judged_on_the_day_asked(busy_world, api, monkeypatch) -> None:
    """The day is a value of the compiled query, not a constant kept from its first build."""
    world = busy_world
    Task.objects.filter(pk=world.a1.pk).update(status=Status.ON_TRACK, due_on=dt.date(2030, 6, 1))
    client = api(world.users["coordinator"])
    overdue = lambda: [t["id"] for t in client.get("/api/v1/tasks/?overdue=yes").json()["results"]]  # noqa: E731
    assert world.a1.pk not in overdue()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2030, 6, 2))
    assert world.a1.pk in overdue()
    assert overdue() == _expected(world.users["coordinator"], {"overdue": "yes"})


def test_the_last_page_and_a_page_past_it(busy_world, api) -> None:
    client = api(busy_world.users["coordinator"])
    total = client.get("/api/v1/tasks/").json()["count"]
    with CaptureQueriesContext(connection) as captured:
        last = client.get("/api/v1/tasks/", {"page": "last", "page_size": 2}).json()
    assert last["count"] == total and last["next"] is None
    # Counted by a plain count, then the page read: not the window's pass twice.
    sql = [q["sql"] for q in captured]
    assert sum("pagination_total" in q for q in sql) == 1
    assert sum('COUNT(*) AS "n"' in q for q in sql) == 1
    assert len(last["results"]) == total - 2 * (-(-total // 2) - 1)
    assert client.get("/api/v1/tasks/", {"page": 99, "page_size": 2}).status_code == 404


def test_each_shape_is_compiled_once(busy_world, api, monkeypatch) -> None:
    monkeypatch.setattr(tasks_api._TASK_LISTS, "_queries", {})
    client = api(busy_world.users["liaison"])
    for query in ({}, {"status": "behind"}, {"status": "at_risk"}, {}, {"overdue": "no"}):
        client.get("/api/v1/tasks/", query)
    assert len(tasks_api._TASK_LISTS) == 3  # none; a status; overdue no
