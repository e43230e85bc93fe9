"""Search: segmentation, the index, visibility, highlighting, filters, bad input, the page,
the API and the rebuild command."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import ReportState
from search import selectors
from search.indexing import reindex
from search.models import Kind, SearchEntry
from search.segment import query_words, words
from search.selectors import search_for
from tests.factories import (
    PeriodFactory,
    PlanFactory,
    RegionFactory,
    ReportFactory,
    ResponsibilityFactory,
    TaskFactory,
    WorkItemFactory,
)

GI_TASK = "大力实施地理标志运用促进工程"


def test_words_cut_for_search_and_drop_punctuation():
    found = words("加强知识产权保护中心建设，IPR Center！")
    assert {"知识产权", "知识", "产权", "知识产权保护中心", "保护", "中心", "ipr", "center"} <= set(
        found
    )
    assert "，" not in found and "！" not in found and " " not in found
    assert len(found) == len(set(found))


def test_query_words_are_the_precise_cut():
    assert query_words("地理标志 保护！") == ["地理标志", "保护"]
    assert query_words("，。！ ") == []


@pytest.fixture
def gi(world):
    """The world with the Hainan task 大力实施地理标志运用促进工程, handed-in reports, a
    typical case and a work item, indexed."""
    world.a1.title = GI_TASK
    world.a1.body = "实施海南省地理标志运用促进工程，推动地理标志与特色产业发展。"
    world.a1.save()
    world.b1.title = "加强商标品牌建设"
    world.b1.body = "推动地理标志产品保护，培育湖南商标品牌。"
    world.b1.save()
    ProgressReport = type(world.report_a1_office)
    ProgressReport.objects.filter(pk=world.report_a1_office.pk).update(
        state=ReportState.ACCEPTED, is_typical_case=True, progress="地理标志产品保护成效明显。"
    )
    ProgressReport.objects.filter(pk=world.report_a1_commerce.pk).update(
        state=ReportState.SUBMITTED, progress="开展地理标志保护专项行动。"
    )
    # Draft: private to its agency, never indexed.
    ProgressReport.objects.filter(pk=world.report_a2_office.pk).update(
        progress="地理标志草稿内容。"
    )
    ProgressReport.objects.filter(pk=world.report_b1_dept.pk).update(
        state=ReportState.SUBMITTED, progress="湖南地理标志保护工作。"
    )
    WorkItemFactory(task=world.a1, title="地理标志产品保护示范区建设", body="年度地理标志工作。")
    reindex()
    return world


def _ids(result, kind):
    return {hit.id for hit in result.hits if hit.kind == kind}


@pytest.mark.parametrize("username", ["coordinator", "nipa_viewer", "liaison", "local_viewer"])
def test_hainan_task_found_by_those_who_see_hainan(gi, username):
    result = search_for(user=gi.users[username], q="地理标志")
    assert gi.a1.pk in _ids(result, Kind.TASK)


@pytest.mark.parametrize("username", ["other_liaison", "other_coordinator"])
def test_hunan_users_find_nothing_of_hainan(gi, username):
    result = search_for(user=gi.users[username], q="地理标志")
    assert result.hits, "the Hunan task itself is found"
    assert {hit.plan_id for hit in result.hits} == {gi.plan_b.pk}
    assert gi.b1.pk in _ids(result, Kind.TASK)


def test_nobody_finds_nothing(gi):
    assert search_for(user=gi.users["nobody"], q="地理标志").hits == []


def test_nipa_viewer_sees_every_province(gi):
    result = search_for(user=gi.users["nipa_viewer"], q="地理标志")
    assert {hit.plan_id for hit in result.hits} == {gi.plan_a.pk, gi.plan_b.pk}


def test_reports_follow_the_report_rule_and_drafts_are_never_indexed(gi):
    assert not SearchEntry.objects.filter(object_id=gi.report_a2_office.pk, kind=Kind.REPORT)
    for username in ("coordinator", "liaison", "local_viewer", "nipa_viewer", "other_liaison"):
        user = gi.users[username]
        found = _ids(search_for(user=user, q="地理标志"), Kind.REPORT) | _ids(
            search_for(user=user, q="地理标志"), Kind.TYPICAL_CASE
        )
        visible = set(
            type(gi.report_a1_office)
            .objects.visible_to(user)
            .filter(state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED])
            .values_list("pk", flat=True)
        )
        assert found == visible, username


def test_kinds_and_typical_cases(gi):
    result = search_for(user=gi.users["coordinator"], q="地理标志")
    kinds = [group.kind for group in result.groups]
    assert kinds == [Kind.PLAN, Kind.TASK, Kind.WORK_ITEM, Kind.TYPICAL_CASE, Kind.REPORT] or (
        kinds == [Kind.TASK, Kind.WORK_ITEM, Kind.TYPICAL_CASE, Kind.REPORT]
    )
    assert _ids(result, Kind.TYPICAL_CASE) == {gi.report_a1_office.pk}
    assert _ids(result, Kind.REPORT) == {gi.report_a1_commerce.pk}
    only = search_for(user=gi.users["coordinator"], q="地理标志", kind=Kind.WORK_ITEM)
    assert [group.kind for group in only.groups] == [Kind.WORK_ITEM]


def test_title_match_ranks_first_and_is_highlighted(gi):
    result = search_for(user=gi.users["nipa_viewer"], q="地理标志", kind=Kind.TASK)
    top = result.hits[0]
    assert top.id == gi.a1.pk
    assert "<mark>地理标志</mark>" in top.title_html
    assert "<mark>地理标志</mark>" in top.snippet
    assert top.url == f"/tasks/{gi.a1.pk}/"


def test_highlight_escapes_the_text():
    pattern = selectors._pattern(["标志"])
    html = selectors.highlight("<b>地理标志</b>&", pattern)
    assert html == "&lt;b&gt;地理<mark>标志</mark>&lt;/b&gt;&amp;"


def test_two_words_must_both_match(gi):
    result = search_for(user=gi.users["nipa_viewer"], q="地理标志 湖南", kind=Kind.TASK)
    assert _ids(result, Kind.TASK) == {gi.b1.pk}


def test_filters(gi):
    user = gi.users["nipa_viewer"]
    by_plan = search_for(user=user, q="地理标志", plan=gi.plan_b.pk)
    assert {hit.plan_id for hit in by_plan.hits} == {gi.plan_b.pk}
    by_region = search_for(user=user, q="地理标志", region=gi.plan_a.region_id)
    assert {hit.plan_id for hit in by_region.hits} == {gi.plan_a.pk}
    by_status = search_for(user=user, q="地理标志", status=ReportState.SUBMITTED)
    assert {hit.kind for hit in by_status.hits} == {Kind.REPORT}


def test_city_plan_is_filed_under_its_province(db):
    shandong = RegionFactory(name="山东省")
    weihai = RegionFactory(name="威海市", level="municipal", parent=shandong)
    plan = PlanFactory(region=weihai, title="威海市地理标志实施意见")
    reindex()
    assert SearchEntry.objects.get(kind=Kind.PLAN, object_id=plan.pk).region_id == shandong.pk


def test_short_partial_query_matches_titles(gi):
    # One character: no index word, found through the title (pg_trgm on PostgreSQL).
    result = search_for(user=gi.users["nipa_viewer"], q="商", kind=Kind.TASK)
    assert _ids(result, Kind.TASK) == {gi.b1.pk}


@pytest.mark.parametrize(
    ("q", "message"),
    [("，。！？", "标点"), ("地" * 1000, "过长"), ("   ", "请输入")],
)
def test_bad_input_is_refused_with_a_message(gi, q, message):
    before = SearchEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        search_for(user=gi.users["coordinator"], q=q)
    assert message in " ".join(exc.value.messages)
    assert SearchEntry.objects.count() == before


def test_unknown_kind_is_refused(gi):
    with pytest.raises(ValidationError):
        search_for(user=gi.users["coordinator"], q="地理标志", kind="nonsense")


def test_sqlite_fallback_finds_the_same(gi, monkeypatch):
    user = gi.users["coordinator"]
    on_postgres = search_for(user=user, q="地理标志 保护")
    monkeypatch.setattr(selectors, "connection", SimpleNamespace(vendor="sqlite"))
    fallback = search_for(user=user, q="地理标志 保护")
    assert {(h.kind, h.id) for h in fallback.hits} == {(h.kind, h.id) for h in on_postgres.hits}


@pytest.mark.parametrize("username", ["coordinator", "other_liaison", "nipa_viewer"])
def test_query_count_does_not_grow_with_the_data(gi, username):
    user = gi.users[username]
    search_for(user=user, q="地理标志")  # the dictionary and the memberships, once

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            search_for(user=user, q="地理标志")
        return len(ctx.captured_queries)

    before = count()
    for n in range(5):
        task = TaskFactory(plan=gi.plan_a, title=f"地理标志工作{n}", number=100 + n)
        ResponsibilityFactory(task=task, agency=gi.hainan_office)
        WorkItemFactory(task=task, title=f"地理标志要点{n}")
        ReportFactory(
            task=task,
            agency=gi.hainan_office,
            period=PeriodFactory(plan=gi.plan_a),
            state=ReportState.SUBMITTED,
            progress="地理标志",
        )
    reindex()
    assert count() == before
    # One query per kind at most, plus the visible plans and the shared tasks.
    assert before <= len(Kind.values) + 2


def test_receivers_keep_the_index_current(gi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = TaskFactory(plan=gi.plan_a, title="专利导航服务基地建设", number=50)
    entry = SearchEntry.objects.get(kind=Kind.TASK, object_id=task.pk)
    assert " 专利导航 " in entry.title_words
    with django_capture_on_commit_callbacks(execute=True):
        task.title = "快速维权中心建设"
        task.save()
    entry.refresh_from_db()
    assert entry.title.endswith("快速维权中心建设")
    report = gi.report_a1_commerce
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        report.state = ReportState.RETURNED
        report.save()
    assert not SearchEntry.objects.filter(object_id=report.pk, kind=Kind.REPORT).exists()
    with django_capture_on_commit_callbacks(execute=True):
        task.delete()
    assert not SearchEntry.objects.filter(kind=Kind.TASK, object_id=task.pk).exists()


def test_reindex_command(gi):
    SearchEntry.objects.all().delete()
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "task 3" in out.getvalue()
    assert SearchEntry.objects.filter(kind=Kind.TASK).count() == 3
    call_command("search_reindex", "--plan", gi.plan_b.code, stdout=out)
    assert SearchEntry.objects.filter(kind=Kind.TASK).count() == 3
    with pytest.raises(CommandError):
        call_command("search_reindex", "--plan", "no-such-plan")


def test_page(gi, client):
    client.force_login(gi.users["coordinator"])
    response = client.get("/search/", {"q": "地理标志"})
    assert response.status_code == 200
    html = response.content.decode()
    assert GI_TASK.replace("地理标志", "<mark>地理标志</mark>") in html
    assert f'href="/tasks/{gi.a1.pk}/"' in html
    assert 'action="/search/"' in html  # the header's box
    bad = client.get("/search/", {"q": "！！！"})
    assert bad.status_code == 400
    assert "标点" in bad.content.decode()
    assert client.get("/search/").status_code == 200


def test_page_needs_login(client):
    assert client.get("/search/", {"q": "地理标志"}).status_code == 302


def test_api(gi, token_client, api):
    response = token_client(gi.users["coordinator"]).get("/api/v1/search/", {"q": "地理标志"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "地理标志"
    assert body["words"] == ["地理标志"]
    assert body["count"] == len(body["results"])
    first_task = next(r for r in body["results"] if r["kind"] == "task")
    assert set(first_task) == {
        "kind",
        "id",
        "title",
        "snippet",
        "plan",
        "region",
        "status",
        "url",
        "rank",
    }
    hunan = api(gi.users["other_liaison"]).get("/api/v1/search/", {"q": "地理标志"}).json()
    assert {r["plan"] for r in hunan["results"]} == {gi.plan_b.pk}
    for q in ("，，，", "地" * 1000):
        bad = api(gi.users["coordinator"]).get("/api/v1/search/", {"q": q})
        assert bad.status_code == 400
        assert bad.json()["error"]["fields"]["q"]
    assert (
        api(gi.users["coordinator"])
        .get("/api/v1/search/", {"q": "地理标志", "kind": "x"})
        .status_code
        == 400
    )


def test_decisions_are_found_and_link_to_their_meeting(gi, django_capture_on_commit_callbacks):
    import datetime as dt

    from meetings.models import Committee, Decision, Meeting

    committee = Committee.objects.create(plan=gi.plan_a, name="海南省知识产权强省建设委员会")
    meeting = Meeting.objects.create(
        committee=committee, title="2025年度工作会议", held_on=dt.date(2025, 3, 1)
    )
    item = WorkItemFactory(task=gi.a1, title="建设地理标志保护示范区")
    with django_capture_on_commit_callbacks(execute=True):
        decision = Decision.objects.create(
            meeting=meeting, order=1, text="年内建成两个地理标志保护示范区。", work_item=item
        )
    mine = search_for(user=gi.users["coordinator"], q="示范区", kind=Kind.DECISION)
    assert [hit.id for hit in mine.hits] == [decision.pk]
    assert mine.hits[0].url == f"/plans/meetings/{meeting.pk}/"
    theirs = search_for(user=gi.users["other_coordinator"], q="示范区", kind=Kind.DECISION)
    assert theirs.hits == []
    # The decision shows its work item's status: a status change on the item reaches it.
    with django_capture_on_commit_callbacks(execute=True):
        item.status = "on_track"
        item.save()
    assert SearchEntry.objects.get(kind=Kind.DECISION, object_id=decision.pk).status == ("on_track")
