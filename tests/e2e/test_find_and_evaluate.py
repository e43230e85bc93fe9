"""Issue 23 in a real browser (zh-hans): a NIPA department searches from the header and
reaches a task and its counterparts in other provinces; a province's office opens the year's
self-evaluation, an agency submits its part, the coordinator accepts it, freezes the year and
downloads the report."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from evaluations.models import EvaluationPart, EvaluationState, PartState, SelfEvaluation
from tasks.models import Event
from tests.factories import PASSWORD, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_nipa_department_searches_and_compares_across_provinces(world, open_session) -> None:
    hainan = TaskFactory(plan=world.plan_a, number=9, title="大力实施地理标志运用促进工程")
    TaskFactory(plan=world.plan_b, number=5, title="推进地理标志运用促进工程建设")
    viewer = open_session("nipa-search")
    viewer.login(world.users["nipa_viewer"].username, PASSWORD)
    page = viewer.page
    page.fill("#header-search-q", "地理标志")
    page.press("#header-search-q", "Enter")
    result = page.get_by_role("link", name="大力实施地理标志运用促进工程")
    expect(result).to_be_visible()
    expect(page.locator("mark").first).to_have_text("地理标志")
    viewer.shot("20-search-results")
    result.click()
    expect(page.locator("h1")).to_contain_text("大力实施地理标志运用促进工程")
    # The task page loads its counterparts in other provinces after it is drawn (htmx).
    expect(page.get_by_role("link", name="推进地理标志运用促进工程建设")).to_be_visible()
    assert page.url.endswith(f"/tasks/{hainan.pk}/")
    viewer.shot("21-task-similar-elsewhere")

    other = open_session("hunan-search")
    other.login(world.users["other_liaison"].username, PASSWORD)
    other.page.goto("/search/?q=地理标志")
    expect(other.page.get_by_role("link", name="推进地理标志运用促进工程建设")).to_be_visible()
    expect(other.page.get_by_text("大力实施地理标志运用促进工程")).to_have_count(0)


def test_a_province_evaluates_its_year_and_freezes_it(world, open_session) -> None:
    year = dt.date.today().year
    coordinator = open_session("evaluation-coordinator")
    coordinator.login(world.users["coordinator"].username, PASSWORD)
    page = coordinator.page
    page.goto(f"/plans/{world.plan_a.pk}/")
    page.get_by_role("link", name="年度自评").click()
    page.fill("input[name=year]", str(year))
    page.get_by_role("button", name="发起年度自评").click()
    expect(page.get_by_text("已发起年度自评。")).to_be_visible()
    evaluation = SelfEvaluation.objects.get(plan=world.plan_a, year=year)

    part = EvaluationPart.objects.get(evaluation=evaluation, agency=world.hainan_commerce)
    liaison = open_session("evaluation-liaison")
    liaison.login(world.users["liaison"].username, PASSWORD)
    form = liaison.page
    form.goto(f"/evaluations/{evaluation.pk}/#part-{part.pk}")
    block = form.locator(f"#part-{part.pk}")
    block.locator(f"select[name=p{part.pk}-completion]").select_option(index=1)
    block.locator(f"input[name=p{part.pk}-score]").fill("92")
    block.locator(f"textarea[name=p{part.pk}-achievements]").fill("建成自贸港知识产权服务中心")
    block.locator(f"textarea[name=p{part.pk}-problems]").fill("专业人才不足")
    block.locator(f"textarea[name=p{part.pk}-next_steps]").fill("引进代理机构")
    block.get_by_role("button", name="提交").click()
    expect(form.get_by_text("已提交自评分项。")).to_be_visible()
    liaison.shot("22-evaluation-part-submitted")

    page.reload()  # the coordinator's page, drawn before the part was submitted
    page.locator(f"#part-{part.pk}").get_by_role("button", name="采纳").click()
    expect(page.get_by_text("已采纳。")).to_be_visible()
    page.get_by_role("button", name="冻结本年度自评").click()
    expect(page.get_by_text("已冻结本年度自评。")).to_be_visible()
    coordinator.shot("23-evaluation-frozen")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    evaluation.refresh_from_db()
    part.refresh_from_db()
    assert evaluation.state == EvaluationState.FROZEN
    assert part.state == PartState.ACCEPTED and part.score == 92
    kinds = set(Event.objects.filter(data__evaluation=evaluation.pk).values_list("kind", flat=True))
    assert {"evaluation_opened", "evaluation_submitted", "evaluation_accepted",
            "evaluation_frozen"} <= kinds  # fmt: skip
