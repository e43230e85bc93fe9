"""The timeline pages: the task page's timeline filtered by kind, the plan's timeline, and their
CSV/XLSX downloads for audit, each for whoever may see the task or plan, each download in the
security log. A draft's evidence events stay with the draft's own agency."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from agencies.models import Role
from reports.services import attachment_add
from security.models import Kind, SecurityEvent
from tasks.events import event_record
from tasks.models import EventKind, Status
from tests.factories import MembershipFactory, UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def timeline(world):
    """A status change and a comment on A1, a status change on A2, and evidence uploaded to
    the commerce department's draft report on A1. Adds another province's administrator."""
    coordinator = world.users["coordinator"]
    for task, reason in ((world.a1, "资金未到位"), (world.a2, "按计划推进")):
        event_record(
            actor=coordinator,
            kind=EventKind.STATUS_CHANGED,
            plan=world.plan_a,
            task=task,
            from_value=Status.NOT_STARTED,
            to_value=Status.BEHIND if task == world.a1 else Status.ON_TRACK,
            reason=reason,
        )
    event_record(
        actor=world.users["nipa_viewer"],
        kind=EventKind.COMMENTED,
        plan=world.plan_a,
        task=world.a1,
        reason="建议总结典型经验",
    )
    attachment_add(
        actor=world.users["liaison"],
        report=world.report_a1_commerce,
        upload=SimpleUploadedFile("草稿佐证.png", PNG),
    )
    other_admin = UserFactory(username="other_admin")
    MembershipFactory(user=other_admin, agency=world.hunan_office, role=Role.ADMIN)
    world.users["other_admin"] = other_admin
    return world


def _client(world, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def test_the_plan_timeline_is_for_whoever_may_see_the_plan(timeline) -> None:
    url = f"/tasks/plan/{timeline.plan_a.pk}/timeline/"
    for name, status in [("coordinator", 200), ("liaison", 200), ("other_admin", 404)]:
        assert _client(timeline, name).get(url).status_code == status, name
        assert _client(timeline, name).get(url + "?format=csv").status_code == status, name
    body = _client(timeline, "coordinator").get(url).content.decode()
    assert "状态由“未启动”改为“滞后”" in body and "状态由“未启动”改为“正常推进”" in body
    assert "not_started" not in body and "建议总结典型经验" in body
    assert f'href="/tasks/{timeline.a2.pk}/"' in body  # each event names its task


def test_the_plan_page_links_to_its_timeline(timeline) -> None:
    body = _client(timeline, "liaison").get(f"/plans/{timeline.plan_a.pk}/").content.decode()
    assert f"/tasks/plan/{timeline.plan_a.pk}/timeline/" in body


def test_a_drafts_evidence_events_are_seen_by_its_own_agency_only(timeline) -> None:
    task_url = f"/tasks/{timeline.a1.pk}/timeline/"
    plan_url = f"/tasks/plan/{timeline.plan_a.pk}/timeline/"
    for name, shown in [("liaison", True), ("coordinator", False), ("nipa_viewer", False)]:
        client = _client(timeline, name)
        for url in (task_url, plan_url, plan_url + "?format=csv"):
            body = client.get(url).content.decode("utf-8-sig")
            assert ("草稿佐证.png" in body) is shown, (name, url)
    # The task page itself shows no draft's evidence to anyone.
    page = _client(timeline, "coordinator").get(f"/tasks/{timeline.a1.pk}/").content.decode()
    assert "草稿佐证.png" not in page and "资金未到位" in page


def test_the_task_timeline_is_filtered_by_kind_in_place(timeline) -> None:
    client = _client(timeline, "local_viewer")
    url = f"/tasks/{timeline.a1.pk}/timeline/?kind={EventKind.COMMENTED}"
    response = client.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<section id="timeline"')
    assert "建议总结典型经验" in body and "资金未到位" not in body
    assert f'<option value="{EventKind.COMMENTED}" selected>' in body
    # Without JavaScript the same filter is a page of its own; an unknown kind shows all.
    page = client.get(url).content.decode()
    assert "<html" in page and "建议总结典型经验" in page and "资金未到位" not in page
    everything = client.get(f"/tasks/{timeline.a1.pk}/timeline/?kind=nonsense").content.decode()
    assert "建议总结典型经验" in everything and "资金未到位" in everything
    assert _client(timeline, "other_admin").get(url).status_code == 404


def test_the_task_page_offers_the_filter_and_the_downloads(timeline) -> None:
    body = _client(timeline, "liaison").get(f"/tasks/{timeline.a1.pk}/").content.decode()
    assert 'name="kind"' in body and f"/tasks/{timeline.a1.pk}/timeline/?format=xlsx" in body


def test_the_plan_timeline_is_paginated_and_keeps_the_filter(timeline) -> None:
    for n in range(55):
        event_record(
            actor=timeline.users["coordinator"],
            kind=EventKind.COMMENTED,
            plan=timeline.plan_a,
            task=timeline.a2,
            reason=f"第{n}条意见",
        )
    url = f"/tasks/plan/{timeline.plan_a.pk}/timeline/?kind={EventKind.COMMENTED}"
    first = _client(timeline, "coordinator").get(url).content.decode()
    assert "第54条意见" in first and "第0条意见" not in first
    assert f"?kind={EventKind.COMMENTED}&amp;page=2" in first
    second = _client(timeline, "coordinator").get(url + "&page=2").content.decode()
    assert "第0条意见" in second and "资金未到位" not in second


def test_the_csv_download_is_the_filtered_timeline_and_is_logged(timeline) -> None:
    client = _client(timeline, "coordinator")
    url = f"/tasks/{timeline.a1.pk}/timeline/?format=csv&kind={EventKind.STATUS_CHANGED}"
    response = client.get(url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="task-{timeline.a1.pk}-timeline.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["时间", "操作人", "类型", "任务", "内容", "变更前", "变更后", "原因"]
    assert [r[1:] for r in rows[1:]] == [
        [
            "coordinator",
            "状态变更",
            timeline.a1.label,
            "状态由“未启动”改为“滞后”",
            "未启动",
            "滞后",
            "资金未到位",
        ]
    ]
    export = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert export.user_id == timeline.users["coordinator"].pk and "format=csv" in export.path


def test_the_xlsx_download_of_a_plan_has_every_event_oldest_first(timeline) -> None:
    client = _client(timeline, "nipa_viewer")
    response = client.get(f"/tasks/plan/{timeline.plan_a.pk}/timeline/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4] == "内容"
    assert [r[4] for r in rows[1:]] == [
        "状态由“未启动”改为“滞后”",
        "状态由“未启动”改为“正常推进”",
        "发表了评论",
    ]  # the draft's evidence is not the viewer's to see
    assert SecurityEvent.objects.filter(kind=Kind.EXPORT, user_id=timeline.users["nipa_viewer"].pk)
