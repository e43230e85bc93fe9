"""A province starts on its own (issue 18): from a region with no plan and one administrator,
through the product's pages only, to a liaison's first accepted report on the dashboard.

The administrator gives themselves the coordinator role, imports the Hainan plan text,
confirms an agency the import left 待核实, maps the collective unit 各市县 to member agencies
and imports the users from an Excel sheet; the coordinator (temporary password changed at
first login) sets the reporting schedule and the deadlines; the liaison writes and submits
the first report; the coordinator accepts it and, after the nightly rollup, the plan's
dashboard counts it. The ORM only builds the starting point and checks results; the
nightly rollup is called as the job would run it.

The journey's cost is recorded: page loads (main-frame navigations) and form submissions,
written to test-results/e2e/onboarding.json and bounded, so a change that adds many steps to
onboarding is noticed."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from openpyxl import Workbook
from playwright.sync_api import Locator, Page, expect

from agencies.models import Agency, Region, Role
from dashboards.rollups import rollup_build
from plans.models import Plan
from reports.models import ProgressReport, ReportState
from tasks.models import Task
from tests.e2e.conftest import SHOTS
from tests.factories import PASSWORD, AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
# What a freshly migrated database holds: the regions, NIPA and its departments, the table of
# short forms the importer resolves names with. Loaded again here because the journeys before
# this one flush the database. (serialized_rollback cannot restore it: once Playwright has
# started, the test sees another connection object than the one the setup serialized.)
DATA_MIGRATIONS = [
    "agencies.migrations.0002_reference_data",
    "agencies.migrations.0004_name_variants",
]

SOURCE = Path("plans/sources/hainan-2022.txt")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICE = "海南省知识产权局"
TASK_ONE = "推进知识产权管理体制机制改革"
LIAISON_AGENCY = "海南省委编办"  # carries task 1 only; the import leaves it 待核实
COLLECTIVE = "海南省各市县"
MEMBERS = ["三亚市政府", "海口市政府"]
NEW_PASSWORDS = {"hn_coordinator": "Qiongzhou-Coord-2026", "hn_liaison": "Wuzhishan-Liaison-2026"}
# Generous bounds: the journey takes about half of each (see onboarding.json).
MAX_PAGE_LOADS = 90
MAX_SUBMISSIONS = 36


@dataclass
class Cost:
    page_loads: int = 0
    form_submissions: int = 0
    steps: dict[str, dict[str, int]] = field(default_factory=dict)
    _mark: tuple[int, int] = (0, 0)

    def watch(self, page: Page) -> Page:
        """Count every navigation of the page's main frame (goto, link, form, redirect end)."""

        def navigated(frame: object) -> None:
            if frame == page.main_frame:
                self.page_loads += 1

        page.on("framenavigated", navigated)
        return page

    def step(self, name: str) -> None:
        """Close a step: what it took since the previous one."""
        loads, submissions = self._mark
        self.steps[name] = {
            "page_loads": self.page_loads - loads,
            "form_submissions": self.form_submissions - submissions,
        }
        self._mark = (self.page_loads, self.form_submissions)


def submit(cost: Cost, page: Page, button: Locator) -> None:
    """Press a form's submit button and wait for the page it leads to."""
    cost.form_submissions += 1
    with page.expect_navigation():
        button.click()


def log_in(cost: Cost, page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    submit(cost, page, page.get_by_role("button", name="登录"))
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


def change_temporary_password(cost: Cost, page: Page, old: str, new: str) -> None:
    """At first login a temporary password leads to 修改密码 before anything else."""
    expect(page).to_have_url(re.compile("/accounts/password/"))
    expect(page.get_by_role("status").first).to_contain_text("临时密码")
    page.fill("#id_old_password", old)
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    submit(cost, page, page.get_by_role("button", name="修改密码"))
    expect(page).to_have_url(re.compile("/accounts/password/done/"))


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name).click()


def reference_data_load() -> None:
    for name in DATA_MIGRATIONS:  # each loads what is missing and touches nothing else
        importlib.import_module(name).load(django_apps, None)


def users_sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "用户名", "单位", "角色", "手机", "邮箱"])
    sheet.append(["李协调", "hn_coordinator", OFFICE, "协调员", "13800000001", "li@hnipa.gov.cn"])
    sheet.append(
        ["张联络", "hn_liaison", LIAISON_AGENCY, "联络员", "13800000002", "zhang@hnbb.gov.cn"]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_province_goes_from_its_plan_text_to_a_first_accepted_report(open_session) -> None:
    # The starting point: Hainan (from the reference data) with its IP office and one
    # administrator, no plan, no other user; nobody is Django staff.
    reference_data_load()
    hainan = Region.objects.get(name="海南省")
    office = AgencyFactory(name=OFFICE, short_name="省知识产权局", region=hainan)
    admin_user = UserFactory(username="hn_admin", first_name="王管理")
    MembershipFactory(user=admin_user, agency=office, role=Role.ADMIN)
    assert not Plan.objects.filter(region=hainan).exists()
    assert not admin_user.is_staff and not admin_user.is_superuser
    cost = Cost()

    # 0. The administrator gives themselves the coordinator role: importing needs it.
    admin = open_session("admin")
    page = cost.watch(admin.page)
    log_in(cost, page, admin_user.username, PASSWORD)
    nav(page, "管理")
    page.get_by_role("link", name="用户与角色").click()
    page.get_by_role("link", name="王管理").click()
    page.get_by_label("单位", exact=True).select_option(label=OFFICE)
    page.get_by_label("角色", exact=True).select_option(label="协调员")
    submit(cost, page, page.get_by_role("button", name="添加"))
    expect(page.get_by_role("status")).to_contain_text("角色已添加")
    cost.step("0-admin-takes-coordinator-role")

    # 1. Import the plan: upload, preview, confirm.
    nav(page, "方案")
    page.get_by_role("link", name="导入方案").click()
    page.get_by_label("方案文件").set_input_files(str(SOURCE))
    submit(cost, page, page.get_by_role("button", name="预览"))
    expect(page.locator("h1")).to_have_text("导入预览")
    expect(page.get_by_role("row", name=re.compile(TASK_ONE))).to_be_visible()
    expect(page.locator("tr.unknown", has_text="各市县").first).to_contain_text("集合单位")
    office_row = page.locator("tr.unknown td:first-child", has_text=re.compile("^省知识产权局$"))
    expect(office_row).to_have_count(0)  # the written short form resolves to the office
    admin.shot("onboarding-01-import-preview")
    submit(cost, page, page.get_by_role("button", name="确认导入"))
    expect(page.get_by_role("status")).to_contain_text("方案已导入")
    plan = Plan.objects.get(region=hainan)
    expect(page.locator("h1")).to_have_text(plan.title)
    assert plan.lead_agency == office and plan.tasks.count() == 12
    admin.shot("onboarding-02-plan")
    cost.step("1-plan-imported")

    # 2. Confirm an agency the import left 待核实.
    nav(page, "管理")
    expect(page.locator(".admin-home")).to_contain_text("待核实")
    page.get_by_role("link", name="本地区单位").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=LIAISON_AGENCY))
    expect(row).to_contain_text("待核实")
    submit(cost, page, row.get_by_role("button", name="核实"))
    expect(page.get_by_role("status")).to_contain_text(f"已核实“{LIAISON_AGENCY}”")
    admin.shot("onboarding-03-agency-confirmed")
    assert not Agency.objects.get(name=LIAISON_AGENCY).needs_review
    cost.step("2-agency-confirmed")

    # 3. Map the collective unit 各市县 to its member agencies.
    page.get_by_role("link", name=COLLECTIVE, exact=True).click()
    expect(page.locator("h1")).to_contain_text("集合单位")
    page.get_by_label("成员单位").select_option(label=MEMBERS)
    submit(cost, page, page.get_by_role("button", name="保存分解"))
    expect(page.get_by_role("status")).to_contain_text("集合单位分解已保存")
    duties = page.get_by_role("table").filter(has_text="经此集合单位承担的任务")
    for member in MEMBERS:
        expect(duties).to_contain_text(member)
    admin.shot("onboarding-04-collective-mapped")
    collective = Agency.objects.get(name=COLLECTIVE)
    assert sorted(collective.members.values_list("name", flat=True)) == sorted(MEMBERS)
    cost.step("3-collective-mapped")

    # 4. Import the users from an Excel sheet; read the temporary passwords shown once.
    nav(page, "管理")
    page.get_by_role("link", name="从 Excel 导入用户").click()
    page.get_by_label("Excel 文件").set_input_files(
        files=[{"name": "海南用户.xlsx", "mimeType": XLSX, "buffer": users_sheet()}]
    )
    submit(cost, page, page.get_by_role("button", name="预览"))
    expect(page.get_by_role("status")).to_contain_text("均可导入")
    submit(cost, page, page.get_by_role("button", name="确认导入"))
    expect(page.locator("h1")).to_have_text("用户已导入")
    temporary = {
        name: page.get_by_role("row", name=re.compile(name)).locator("code.secret").inner_text()
        for name in NEW_PASSWORDS
    }
    admin.shot("onboarding-05-users-imported")
    cost.step("4-users-imported")

    # 5. The coordinator's first login: a new password, then the schedule and deadlines.
    coordinator = open_session("coordinator")
    review = cost.watch(coordinator.page)
    log_in(cost, review, "hn_coordinator", temporary["hn_coordinator"])
    change_temporary_password(
        cost, review, temporary["hn_coordinator"], NEW_PASSWORDS["hn_coordinator"]
    )
    nav(review, "方案")
    review.get_by_role("link", name=plan.title).click()
    review.get_by_role("link", name="报送规则与报送单位").click()
    year = min(max(dt.date.today().year, plan.period_start), plan.period_end)
    review.get_by_label("报送频次").select_option(label="半年")
    review.get_by_label("首个周期所在年度").fill(str(year))
    review.get_by_label("首个周期（当年第几期）").fill("1")
    review.get_by_label("报送截止日（周期结束后第几天）").fill("15")
    review.get_by_label("周期结束前几天开放报送").fill("15")
    submit(cost, review, review.get_by_role("button", name="生成"))
    expect(review.get_by_role("status")).to_contain_text("报送周期")
    expect(review.get_by_role("cell", name=f"{year}年上半年")).to_be_visible()
    coordinator.shot("onboarding-06-periods")
    assert plan.periods.exists()
    review.get_by_role("link", name=plan.title).click()
    review.get_by_role("link", name="完成时限与牵头单位").click()
    column = "\n".join(f"{plan.period_end}-12-31" for _ in range(plan.tasks.count()))
    review.get_by_label("从 Excel 粘贴完成时限").fill(column)
    submit(cost, review, review.get_by_role("button", name="保存"))
    expect(review.get_by_role("status")).to_contain_text("已保存 12 项任务的修改")
    coordinator.shot("onboarding-07-deadlines")
    due = dt.date(plan.period_end, 12, 31)
    assert not Task.objects.filter(plan=plan).exclude(due_on=due).exists()
    cost.step("5-schedule-and-deadlines")

    # 6. The liaison's first login, and the first report on task 1.
    liaison = open_session("liaison")
    write = cost.watch(liaison.page)
    log_in(cost, write, "hn_liaison", temporary["hn_liaison"])
    change_temporary_password(cost, write, temporary["hn_liaison"], NEW_PASSWORDS["hn_liaison"])
    nav(write, "我的任务")
    write.get_by_role("link", name=TASK_ONE).first.click()
    expect(write.locator("h1")).to_contain_text(TASK_ONE)
    write.get_by_role("link", name="填报").first.click()
    write.fill("#id_progress", "已梳理知识产权综合管理职责清单，报省委编办研究机构设置方案。")
    write.fill("#id_problems", "跨部门职责边界仍需协调。")
    write.fill("#id_next_steps", "下一期完成综合管理体制改革方案征求意见。")
    submit(cost, write, write.get_by_role("button", name="提交"))
    expect(write.locator(".badge.report-submitted")).to_be_visible()
    liaison.shot("onboarding-08-report-submitted")
    report = ProgressReport.objects.get(task__plan=plan, agency__name=LIAISON_AGENCY)
    assert report.state == ReportState.SUBMITTED and report.task.title == TASK_ONE
    cost.step("6-first-report-submitted")

    # 7. The coordinator accepts it; after the nightly rollup the dashboard counts it.
    nav(review, "方案")
    review.get_by_role("link", name=plan.title).click()
    review.get_by_role("link", name=TASK_ONE).click()
    review.get_by_role("link", name="审核").first.click()
    submit(cost, review, review.get_by_role("button", name="采纳"))
    expect(review.locator(".badge.report-accepted")).to_be_visible()
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    rollup_build(as_of=dt.date.today())  # as the nightly job does
    nav(review, "方案")
    review.get_by_role("link", name=plan.title).click()
    review.get_by_role("link", name="方案看板").click()
    league = review.get_by_role("table").filter(has_text="报送情况通报")
    headers = league.locator("thead th").all_inner_texts()
    cells = league.get_by_role("row").filter(has_text=LIAISON_AGENCY).locator("th, td")
    submitted = cells.nth(headers.index("已报"))
    expect(submitted).to_have_text("1")
    coordinator.shot("onboarding-09-dashboard")
    cost.step("7-accepted-and-on-the-dashboard")

    SHOTS.mkdir(parents=True, exist_ok=True)
    figures = {
        "page_loads": cost.page_loads,
        "form_submissions": cost.form_submissions,
        "steps": cost.steps,
    }
    (SHOTS / "onboarding.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(f"onboarding: {cost.page_loads} page loads, {cost.form_submissions} form submissions")
    assert cost.page_loads <= MAX_PAGE_LOADS, figures
    assert cost.form_submissions <= MAX_SUBMISSIONS, figures
