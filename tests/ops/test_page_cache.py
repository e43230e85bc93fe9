"""Cached pages: the viewer's own copy, served again only while the data has not changed.

The page cache is off in the other tests (they change data without committing); here it is
on, and writes run their commit hooks, as they do in production.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.tokens import token_issue, token_revoke
from notifications.models import Kind, Notification
from notifications.services import Message, notification_fan_out, notification_mark_read
from reports.services import report_return, report_save, report_submit
from supervision.models import Level
from supervision.services import notice_issue
from tasks.models import Status
from tasks.services.status import task_set_status


@pytest.fixture(autouse=True)
def page_cache_on(settings) -> None:
    settings.PAGE_CACHE_SECONDS = 60


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_second_view_of_a_task_is_served_without_rendering(world) -> None:
    client = _client(world.users["coordinator"])
    url = reverse("tasks:task_detail", args=[world.a1.pk])
    with CaptureQueriesContext(connection) as rendered:
        first = client.get(url)
    with CaptureQueriesContext(connection) as served:
        second = client.get(url)
    assert second.status_code == 200 and second.content == first.content
    # Only the session, with its user, remains; none of the page's own queries, not the bell.
    assert len(served) == 1 < len(rendered)
    assert not any("tasks_task" in q["sql"] for q in served.captured_queries)


def test_a_status_change_by_someone_else_shows_at_once(
    world, django_capture_on_commit_callbacks
) -> None:
    viewer = _client(world.users["local_viewer"])
    url = reverse("tasks:task_detail", args=[world.a1.pk])
    assert "已完成" not in viewer.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        task_set_status(
            actor=world.users["coordinator"],
            task=world.a1,
            status=Status.COMPLETED,
            reason="已全部完成",
            expected_version=world.a1.version,
        )
    assert "已全部完成" in viewer.get(url).content.decode()


def test_a_supervision_notice_shows_at_once_on_a_cached_task_page(
    world, django_capture_on_commit_callbacks
) -> None:
    viewer = _client(world.users["local_viewer"])
    url = reverse("tasks:task_detail", args=[world.a1.pk])
    assert "请于月底前补报质押登记数据" not in viewer.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notice_issue(
            actor=world.users["coordinator"],
            target=world.a1,
            agency_ids=[world.hainan_commerce.pk],
            subject="请于月底前补报质押登记数据",
            reason="进度滞后",
            deadline=dt.date.today() + dt.timedelta(days=10),
            level=Level.KEY,
        )
    assert "请于月底前补报质押登记数据" in viewer.get(url).content.decode()


def test_each_viewer_gets_their_own_page_and_no_one_elses(world) -> None:
    url = reverse("tasks:task_detail", args=[world.a1.pk])
    status_form = reverse("tasks:task_set_status", args=[world.a1.pk])
    editor = _client(world.users["coordinator"]).get(url).content.decode()
    viewer = _client(world.users["local_viewer"]).get(url).content.decode()
    other = _client(world.users["other_liaison"]).get(url)
    assert status_form in editor  # the editor's copy, with the status form
    assert status_form not in viewer  # the viewer of the same agency: rendered for them
    assert other.status_code == 404  # another agency: refused, whatever was cached


def test_a_page_with_a_flash_message_is_rendered_with_it_and_not_kept(
    world, django_capture_on_commit_callbacks
) -> None:
    client = _client(world.users["coordinator"])
    url = reverse("tasks:task_detail", args=[world.a1.pk])
    client.get(url)  # cached without a message
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tasks:task_set_status", args=[world.a1.pk]),
            {"status": Status.ON_TRACK, "reason": "已启动", "version": world.a1.version},
            follow=True,
        )
    assert "任务状态已更新。" in response.content.decode()
    assert "任务状态已更新。" not in client.get(url).content.decode()  # shown once, then gone


def test_an_api_list_is_kept_per_token_refused_once_revoked_and_fresh_after_a_change(
    world, django_capture_on_commit_callbacks
) -> None:
    token, value = token_issue(user=world.users["local_viewer"], name="ci", issued_by=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {value}")
    url = f"/api/v1/tasks/?plan={world.plan_a.pk}"
    statuses = {t["id"]: t["status"] for t in client.get(url).json()["results"]}
    assert statuses[world.a1.pk] == Status.NOT_STARTED
    with CaptureQueriesContext(connection) as served:
        assert client.get(url).json()["results"][0]["id"] in statuses
    assert not any("tasks_task" in q["sql"] for q in served.captured_queries)  # kept
    with django_capture_on_commit_callbacks(execute=True):
        task_set_status(
            actor=world.users["coordinator"],
            task=world.a1,
            status=Status.BEHIND,
            reason="进度滞后",
            expected_version=world.a1.version,
        )
    fresh = {t["id"]: t["status"] for t in client.get(url).json()["results"]}
    assert fresh[world.a1.pk] == Status.BEHIND
    other_value = token_issue(user=world.users["other_liaison"], name="x", issued_by=None)[1]
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_value}")
    assert world.a1.pk not in {t["id"] for t in other.get(url).json()["results"]}
    token_revoke(token=token)
    assert client.get(url).status_code == 401


def test_the_overview_trend_is_kept_until_a_rollup_is_built(
    world, django_capture_on_commit_callbacks
) -> None:
    """The trend comes from nightly rows alone: a new page (another URL) reuses it until the
    next rollup, and then shows the new night."""
    import datetime as dt

    from django.utils import timezone

    from dashboards.rollups import rollup_build
    from tasks.models import Task

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        rollup_build(as_of=today - dt.timedelta(days=1))
    client = _client(world.users["nipa_viewer"])
    assert f'"{today.isoformat()}"' not in client.get("/dashboards/?a=1").content.decode()
    with CaptureQueriesContext(connection) as again:  # another URL: rendered, trend kept
        assert client.get("/dashboards/?b=1").status_code == 200
    assert not any("SUM(" in q["sql"] for q in again.captured_queries)
    Task.objects.filter(pk=world.a1.pk).update(status=Status.ON_TRACK)
    with django_capture_on_commit_callbacks(execute=True):
        rollup_build(as_of=today)
    page = client.get("/dashboards/?a=2").content.decode()
    assert f'"{today.isoformat()}"' in page  # the new night is on the trend at once


def test_a_page_built_after_a_miss_reads_the_bell_once_and_a_hit_not_at_all(world) -> None:
    client = _client(world.users["liaison"])
    with CaptureQueriesContext(connection) as built:
        assert client.get(reverse("home")).status_code == 200
    with CaptureQueriesContext(connection) as served:
        assert client.get(reverse("home")).status_code == 200
    bell = [q for q in built.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1
    assert len(served) == 1  # the session with its user: nothing of the page, not the bell


def _bell(page: bytes) -> str:
    found = re.search(
        r'class="bell"[^>]*>[^<]*(?:<span class="badge"[^>]*>(\d+)</span>)?', page.decode()
    )
    assert found, "the page has no bell"
    return found.group(1) or "0"


def test_a_notification_shows_on_its_recipients_kept_page_at_once_and_nobody_elses_moves(
    world, any_cache, django_capture_on_commit_callbacks
) -> None:
    recipient = _client(world.users["liaison"])
    colleague = _client(world.users["local_viewer"])
    url = reverse("tasks:task_detail", args=[world.a1.pk])
    assert _bell(recipient.get(url).content) == "0"
    kept = colleague.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        notification_fan_out(
            dedupe_key="test:bell",
            message=Message(kind=Kind.REPORT, title="报告已退回", body="请补充"),
            users=[world.users["liaison"]],
        )
    assert _bell(recipient.get(url).content) == "1"
    with CaptureQueriesContext(connection) as served:
        assert colleague.get(url).content == kept
    assert len(served) == 1  # served as kept: the session with its user

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_mark_read(user=world.users["liaison"]) == 1
    assert _bell(recipient.get(url).content) == "0"


def test_a_notification_an_admin_deletes_leaves_its_recipients_kept_page_at_once(
    world, django_capture_on_commit_callbacks
) -> None:
    admin_user = world.users["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    recipient = _client(world.users["liaison"])
    url = reverse("tasks:task_detail", args=[world.a1.pk])
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("test:one", "test:two"):
            notification_fan_out(
                dedupe_key=key,
                message=Message(kind=Kind.REPORT, title=key, body=""),
                users=[world.users["liaison"]],
            )
    assert _bell(recipient.get(url).content) == "2"
    [first, second] = Notification.objects.filter(recipient=world.users["liaison"])
    admin = _client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/admin/notifications/notification/{first.pk}/delete/", {"post": "yes"})
    assert _bell(recipient.get(url).content) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/admin/notifications/notification/",
            {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
        )
    assert _bell(recipient.get(url).content) == "0"


def test_an_api_hit_answers_the_bytes_and_headers_of_the_list_it_kept(world) -> None:
    """A hit serves the rendered body it kept: the same bytes, typed as DRF types them."""
    value = token_issue(user=world.users["local_viewer"], name="ci", issued_by=None)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {value}")
    url = f"/api/v1/reports/?plan={world.plan_a.pk}"
    built = client.get(url)
    with CaptureQueriesContext(connection) as served:
        kept = client.get(url)
    assert not any("reports_progressreport" in q["sql"] for q in served.captured_queries)
    assert (kept.status_code, kept.content) == (built.status_code, built.content)
    for header in ("Content-Type", "Vary", "Allow", "Content-Length"):
        assert kept[header] == built[header]


def _report_texts(client: Client, plan_pk: int) -> dict[int, tuple[str, str]]:
    rows = client.get(f"/api/v1/reports/?plan={plan_pk}").json()["results"]
    return {r["id"]: (r["state"], r["progress"]) for r in rows}


def _save(world, report, progress: str, *, submit: bool = False) -> None:
    """The commerce liaison saves (and, with `submit`, submits) their report on a1."""
    report_save(
        actor=world.users["liaison"],
        task=world.a1,
        agency=world.hainan_commerce,
        period=report.period,
        values={"progress": progress},
        expected_version=report.version,
        submit=submit,
    )


def test_a_draft_shows_at_once_to_its_agency_and_rebuilds_no_one_elses_page(
    world, django_capture_on_commit_callbacks
) -> None:
    """A draft is seen by its own agency alone: saving it rebuilds their pages, and every
    other viewer's kept page is still served, until the report is submitted."""
    draft = world.report_a1_commerce
    colleague = _client(world.users["local_viewer"])  # same agency, read-only
    other = _client(world.users["coordinator"])  # the lead agency: sees a1's reports, no drafts
    nipa = _client(world.users["nipa_viewer"])
    task_url = reverse("tasks:task_detail", args=[world.a1.pk])
    assert _report_texts(colleague, world.plan_a.pk)[draft.pk] == ("draft", draft.progress)
    before = _report_texts(other, world.plan_a.pk)
    assert draft.pk not in before
    nipa_page = nipa.get(task_url).content
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, draft, "第三季度已完成质押登记")
    assert _report_texts(colleague, world.plan_a.pk)[draft.pk] == (
        "draft",
        "第三季度已完成质押登记",
    )
    with CaptureQueriesContext(connection) as served:
        assert _report_texts(other, world.plan_a.pk) == before
        assert nipa.get(task_url).content == nipa_page
    assert not any("reports_progressreport" in q["sql"] for q in served.captured_queries)

    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, draft, "第三季度已完成质押登记", submit=True)
    assert _report_texts(other, world.plan_a.pk)[draft.pk] == (
        "submitted",
        "第三季度已完成质押登记",
    )
    assert nipa.get(task_url).content != nipa_page


def test_a_returned_report_edited_shows_at_once_to_its_reviewer(
    world, django_capture_on_commit_callbacks
) -> None:
    report = world.report_a1_commerce
    liaison, coordinator = world.users["liaison"], world.users["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        report = report_submit(actor=liaison, report=report, expected_version=report.version)
        report = report_return(actor=coordinator, report=report, reason="请补充数据")
    reviewer = _client(coordinator)
    assert _report_texts(reviewer, world.plan_a.pk)[report.pk][0] == "returned"
    with django_capture_on_commit_callbacks(execute=True):
        _save(world, report, "已补充质押登记数据")
    assert _report_texts(reviewer, world.plan_a.pk)[report.pk] == ("returned", "已补充质押登记数据")
