"""The demo data of `make demo`: demo users of every role, and the plans in motion.

Demo data is marked (`Plan.is_demo`), created only where settings.DEMO_ALLOWED is true
(never in production) and loaded idempotently: running it again keeps what is there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Role
from agencies.services import user_with_membership_ensure
from meetings.models import Meeting
from meetings.services import decision_record, meeting_create
from plans.importer.parse import parse_plan
from plans.models import Plan
from reports import services as report_services
from reports.models import Cadence
from tasks import services as task_services
from tasks.models import Status
from tasks.services.plan_import import plan_import

SOURCES = Path(settings.BASE_DIR) / "plans" / "sources"
DEMO_PLANS = ["hainan-2022.txt", "hunan-2022.txt", "weihai-2021.txt"]

DEMO_PASSWORD = "ipplan-demo-2026"  # noqa: S105 - a published demo login, never in production  # nosec B105


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


def demo_plans_import() -> list[Plan]:
    """The three official texts, imported as any coordinator would (idempotent by sha256)."""
    plans = []
    for name in DEMO_PLANS:
        text = (SOURCES / name).read_text(encoding="utf-8")
        plan = plan_import(parsed=parse_plan(text=text), text=text, actor=None).plan
        if not plan.is_demo:
            Plan.objects.filter(pk=plan.pk).update(is_demo=True)
        plans.append(plan)
    return plans


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    if not getattr(settings, "DEMO_ALLOWED", False):
        raise ImproperlyConfigured("Demo data is not allowed here (settings.DEMO_ALLOWED).")
    demo_plans_import()
    office = Agency.objects.get(name="海南省知识产权局")
    commerce = Agency.objects.get(name="海南省商务厅")
    nipa_dept = Agency.objects.get(name="国家知识产权局知识产权运用促进司")
    people = [
        (Role.COORDINATOR, "hainan_coordinator", office, {}),
        (Role.LIAISON, "hainan_liaison", commerce, {}),
        (Role.VIEWER, "nipa_viewer", nipa_dept, {}),
        (Role.SECRETARY, "hainan_secretary", office, {}),
        (Role.ADMIN, "hainan_admin", office, {"is_staff": True, "is_superuser": True}),
    ]
    logins, users = [], {}
    for role, username, agency, flags in people:
        users[role] = user_with_membership_ensure(
            username=username, password=DEMO_PASSWORD, agency=agency, role=role, **flags
        )
        logins.append(DemoLogin(role=str(role), username=username, password=DEMO_PASSWORD))
    hainan = Plan.objects.get(lead_agency=office, is_demo=True)
    demo_in_motion(plan=hainan, coordinator=users[Role.COORDINATOR], liaison=users[Role.LIAISON])
    demo_meetings(plan=hainan, secretary=users[Role.SECRETARY], coordinator=users[Role.COORDINATOR])
    return logins


def demo_meetings(*, plan: Plan, secretary, coordinator) -> None:
    """Last year's meeting with two decisions (one done), and this year's, not yet frozen:
    the secretary can freeze it, generate its pack and see the decisions followed up."""
    if Meeting.objects.filter(committee__plan=plan).exists():
        return
    year = timezone.localdate().year
    office = plan.lead_agency
    tasks = {t.number: t for t in plan.tasks.all()}
    last = meeting_create(
        actor=secretary,
        plan=plan,
        title=_("%(year)d年度共建工作会议") % {"year": year - 1},
        held_on=dt.date(year - 1, 12, 20),
        place=_("海口"),
        agenda=_("听取年度共建工作汇报\n审议下一年度工作要点"),
        attendee_ids=[office.pk],
    )
    done = decision_record(
        actor=secretary,
        meeting=last,
        text=_("加快建设知识产权保护中心,年内投入运行。"),
        task=tasks[1],
        agency_ids=[office.pk],
        due_on=dt.date(year, 6, 30),
    )
    task_services.work_item_close(
        actor=coordinator, work_item=done.work_item, note=_("已投入运行。")
    )
    decision_record(
        actor=secretary,
        meeting=last,
        text=_("建立重点产业知识产权运营基金。"),
        task=tasks[2],
        agency_ids=[office.pk],
        due_on=dt.date(year, 12, 31),
    )
    meeting_create(
        actor=secretary,
        plan=plan,
        title=_("%(year)d年度共建工作会议") % {"year": year},
        held_on=dt.date(year, 12, 20),
        place=_("海口"),
        agenda=_("听取年度共建工作汇报\n通报进展报告报送情况\n审议议定事项"),
        attendee_ids=[office.pk],
    )


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def demo_in_motion(*, plan: Plan, coordinator, liaison) -> None:
    """Two reporting periods with reports in every state, tasks in every status, work items,
    an extension request and a typical case: what a plan looks like a few months in.
    Runs once per plan (a plan with periods is left as it is)."""
    if plan.periods.exists():
        return
    today = timezone.localdate()
    year = min(max(today.year, plan.period_start), plan.period_end)
    first, second = report_services.period_schedule_create(
        actor=coordinator, plan=plan, cadence=Cadence.HALF_YEARLY, year=year
    )
    office, commerce = plan.lead_agency, Agency.objects.get(name="海南省商务厅")
    tasks = {t.number: t for t in plan.tasks.all()}
    for number, status in [(1, Status.ON_TRACK), (2, Status.AT_RISK), (3, Status.BEHIND),
                           (4, Status.COMPLETED), (5, Status.ONGOING)]:  # fmt: skip
        task_services.task_set_status(
            actor=coordinator,
            task=tasks[number],
            status=status,
            reason=_("演示：年度调度"),
            expected_version=tasks[number].version,
        )

    def report(task_no, agency, period, user, **values):
        return report_services.report_save_draft(
            actor=user,
            task=tasks[task_no],
            agency=agency,
            period=period,
            values={"progress": DEMO_PROGRESS, "next_steps": DEMO_NEXT, "percent": 50, **values},
        )

    def submit(rep, user, on_time=True):
        when = _at(rep.period.due_on - dt.timedelta(days=3)) if on_time else None
        return report_services.report_submit(
            actor=user, report=rep, expected_version=rep.version, now=when
        )

    typical = submit(report(1, office, first, coordinator, achievements=DEMO_CASE), coordinator)
    typical = report_services.report_accept(actor=coordinator, report=typical)
    report_services.report_flag_typical(actor=coordinator, report=typical, flagged=True)
    report_services.report_accept(
        actor=coordinator, report=submit(report(4, office, first, coordinator), coordinator)
    )
    submit(report(2, commerce, first, liaison), liaison, on_time=today <= first.due_on)
    returned = submit(report(8, commerce, first, liaison, problems=_("数据尚未汇总。")), liaison)
    report_services.report_return(actor=coordinator, report=returned, reason=_("请补充量化数据。"))
    # Task 9's report from the commerce department for the first period stays missing (缺报).
    report(2, commerce, second, liaison, progress=_("草稿：本期进展正在汇总。"))
    submit(report(1, office, second, coordinator), coordinator)

    item = task_services.work_item_create(
        actor=coordinator,
        task=tasks[1],
        title=_("出台知识产权综合管理改革实施细则"),
        body="",
        year=year,
        due_on=dt.date(year, 6, 30),
        agency_ids=[office.pk],
    )
    task_services.work_item_close(actor=coordinator, work_item=item, note=_("细则已印发。"))
    item = task_services.work_item_create(
        actor=coordinator,
        task=tasks[2],
        title=_("完善重点产业知识产权政策配套"),
        body="",
        year=year,
        due_on=dt.date(year, 12, 31),
        agency_ids=[office.pk, commerce.pk],
    )
    task_services.extension_request(
        actor=liaison,
        work_item=item,
        agency=commerce,
        new_due_on=dt.date(year + 1, 3, 31),
        reason=_("相关配套文件需待上位法规出台后制定。"),
    )


DEMO_PROGRESS = _("已召开专题推进会，制定年度工作方案，各项工作按计划推进。")
DEMO_NEXT = _("持续跟踪落实，按期报送下一阶段进展。")
DEMO_CASE = _("探索“一站式”知识产权综合服务，企业办事时间缩短一半，可复制推广。")
