"""The evaluation pages for three users: the own-agency editor (liaison of the commerce
department), the own-agency viewer, and another province's liaison; plus the coordinator and
NIPA's side-by-side page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import EvaluationPart, PartState
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def evaluation(world):
    return services.evaluation_open(actor=world.users["coordinator"], plan=world.plan_a, year=2025)


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _commerce_part(world, evaluation):
    return EvaluationPart.objects.get(evaluation=evaluation, agency=world.hainan_commerce)


def test_detail_visibility_three_users(client, world, evaluation):
    url = reverse("evaluations:detail", args=[evaluation.pk])
    part = _commerce_part(world, evaluation)
    save_url = reverse("evaluations:part_save", args=[part.pk])
    editor = _get(client, world.users["liaison"], url)
    assert editor.status_code == 200
    assert save_url in editor.content.decode()  # the editor gets the form for its own part
    viewer = _get(client, world.users["local_viewer"], url)
    assert viewer.status_code == 200
    assert save_url not in viewer.content.decode()  # reads, cannot edit
    assert _get(client, world.users["other_liaison"], url).status_code == 404


def test_editor_saves_viewer_and_stranger_cannot(client, world, evaluation):
    part = _commerce_part(world, evaluation)
    url = reverse("evaluations:part_save", args=[part.pk])
    form = {
        f"p{part.pk}-version": "1",
        f"p{part.pk}-completion": "done",
        f"p{part.pk}-score": "90",
        f"p{part.pk}-achievements": "成效",
        "action": "submit",
    }
    client.force_login(world.users["local_viewer"])
    assert client.post(url, form).status_code == 403
    client.force_login(world.users["other_liaison"])
    assert client.post(url, form).status_code == 404
    part.refresh_from_db()
    assert part.state == PartState.DRAFT
    client.force_login(world.users["liaison"])
    assert client.post(url, form).status_code == 302
    part.refresh_from_db()
    assert part.state == PartState.SUBMITTED


def test_bad_score_shows_message_and_changes_nothing(client, world, evaluation):
    part = _commerce_part(world, evaluation)
    client.force_login(world.users["liaison"])
    response = client.post(
        reverse("evaluations:part_save", args=[part.pk]),
        {f"p{part.pk}-version": "1", f"p{part.pk}-score": "150", "action": "save"},
    )
    assert response.status_code == 200
    assert "得分须在 0 到 100 之间" in response.content.decode()
    part.refresh_from_db()
    assert part.version == 1 and part.score is None


def test_coordinator_opens_reviews_and_freezes(client, world):
    client.force_login(world.users["coordinator"])
    plan_url = reverse("evaluations:plan", args=[world.plan_a.pk])
    assert "发起年度自评" in client.get(plan_url).content.decode()
    response = client.post(plan_url, {"year": "2025", "scale_max": "5"})
    assert response.status_code == 302
    evaluation = world.plan_a.self_evaluations.get()
    assert evaluation.scale_max == 5
    again = client.post(plan_url, {"year": "2025", "scale_max": "5"})
    assert "已经发起" in again.content.decode()
    freeze = reverse("evaluations:freeze", args=[evaluation.pk])
    client.post(freeze)
    client.post(freeze)
    evaluation.refresh_from_db()
    assert evaluation.is_frozen
    for name in ("liaison", "local_viewer"):
        client.force_login(world.users[name])
        assert client.post(plan_url, {"year": "2024", "scale_max": "100"}).status_code == 403


def test_downloads_for_the_coordinator_and_nipa_only(client, world, evaluation):
    url = reverse("evaluations:download", args=[evaluation.pk, "xlsx"])
    assert _get(client, world.users["coordinator"], url).status_code == 200
    assert _get(client, world.users["nipa_viewer"], url).status_code == 200
    assert _get(client, world.users["liaison"], url).status_code == 403
    assert _get(client, world.users["other_liaison"], url).status_code == 404


def test_side_by_side_page(client, world, evaluation):
    services.evaluation_open(actor=world.users["other_coordinator"], plan=world.plan_b, year=2025)
    url = reverse("evaluations:index")
    nipa = _get(client, world.users["nipa_viewer"], url).content.decode()
    assert world.plan_a.title in nipa and world.plan_b.title in nipa
    hunan = _get(client, world.users["other_liaison"], url).content.decode()
    assert world.plan_b.title in hunan and world.plan_a.title not in hunan
    hainan = _get(client, world.users["local_viewer"], url).content.decode()
    assert world.plan_a.title in hainan and world.plan_b.title not in hainan


def test_detail_queries_do_not_grow_with_parts(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ResponsibilityFactory, TaskFactory

    small = services.evaluation_open(actor=world.users["coordinator"], plan=world.plan_a, year=2024)
    for number in range(10, 20):
        task = TaskFactory(plan=world.plan_a, number=number)
        ResponsibilityFactory(task=task, agency=world.hainan_office)
        ResponsibilityFactory(task=task, agency=world.hainan_commerce)
    large = services.evaluation_open(actor=world.users["coordinator"], plan=world.plan_a, year=2025)
    assert large.parts.count() > 5 * small.parts.count()
    counts = []
    for user in ("coordinator", "liaison"):
        client.force_login(world.users[user])
        client.get(reverse("evaluations:index"))  # the session's first request does more
        for evaluation in (small, large):
            url = reverse("evaluations:detail", args=[evaluation.pk])
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[1] and counts[2] == counts[3]
