"""Reminders: the right step on the right day, escalated from the second overdue, as one
digest per person per day and channel, each item once ever."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency, Role
from meetings.models import Decision
from notifications.digest import DigestItem
from notifications.jobs import delivery_send
from notifications.models import (
    Delivery,
    DeliveryState,
    Digest,
    DigestEntry,
    EscalateTo,
    Kind,
    Notification,
    ReminderSettings,
)
from notifications.reminders import reminder_step, reminders_send
from reports.models import ReportState
from tasks.models import Status, Task
from tests.administration.factories_agencies import MeetingFactory
from tests.factories import (
    AgencyFactory,
    ExtensionRequestFactory,
    MembershipFactory,
    PeriodFactory,
    PlanFactory,
    ReportFactory,
    ResponsibilityFactory,
    TaskFactory,
    UserFactory,
    WorkItemFactory,
)

D = dt.date
# Due Tuesday 30 Sep 2025; 1–8 Oct is the National Day holiday; Saturday 11 Oct is worked.
DUE = D(2025, 9, 30)


@pytest.fixture(autouse=True)
def _our_sources(settings) -> None:
    """The report and work-item sources only: 督办 adds its own, tested in its app."""
    settings.REMINDER_ITEM_SOURCES = [
        "notifications.reminders.report_items",
        "notifications.reminders.work_item_items",
    ]


@pytest.mark.parametrize(
    ("as_of", "step"),
    [
        (D(2025, 9, 22), None),
        (D(2025, 9, 23), "before_7"),
        (D(2025, 9, 28), "before_7"),
        (D(2025, 9, 29), "before_1"),
        (D(2025, 9, 30), "due"),
        (D(2025, 10, 8), "due"),  # the holiday does not count
        (D(2025, 10, 10), "due"),
        (D(2025, 10, 11), "overdue_1"),  # third working day: 9, 10 and the make-up Saturday
        (D(2025, 10, 14), "overdue_1"),
        (D(2025, 10, 15), "overdue_2"),
    ],
)
def test_the_step_follows_the_chinese_calendar(as_of: dt.date, step: str | None) -> None:
    found = reminder_step(due_on=DUE, as_of=as_of)
    assert (found.name if found else None) == step


def test_escalation_starts_at_the_second_overdue_step() -> None:
    assert not reminder_step(due_on=DUE, as_of=D(2025, 10, 11)).escalated
    assert reminder_step(due_on=DUE, as_of=D(2025, 10, 15)).escalated


@dataclass
class Setup:
    office: Agency
    commerce: Agency
    task: Task
    liaison: object
    viewer: object
    coordinator: object
    admin: object
    other: object


@pytest.fixture
def setup(db) -> Setup:
    office = AgencyFactory(name="某省知识产权局")
    commerce = AgencyFactory(name="某省商务厅", region=office.region)
    plan = PlanFactory(region=office.region, lead_agency=office, title="某省知识产权强省建设方案")
    task = TaskFactory(plan=plan, number=1, label="1.", title="加快建设知识产权强省")
    ResponsibilityFactory(task=task, agency=office, order=0)
    ResponsibilityFactory(task=task, agency=commerce, order=1)
    PeriodFactory(plan=plan, label="2025年第三季度", opens_on=D(2025, 9, 1), due_on=DUE)
    people = {}
    for name, agency, role in [
        ("liaison", commerce, Role.LIAISON),
        ("viewer", commerce, Role.VIEWER),
        ("coordinator", office, Role.COORDINATOR),
        ("admin", office, Role.ADMIN),
        ("other", AgencyFactory(name="别省商务厅"), Role.LIAISON),
    ]:
        people[name] = UserFactory(username=name, email=f"{name}@example.gov.cn")
        MembershipFactory(user=people[name], agency=agency, role=role)
    return Setup(office=office, commerce=commerce, task=task, **people)


def _bell(user: object) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def _mail_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def _listed(user: object, *, day: dt.date | None = None) -> list[DigestEntry]:
    entries = DigestEntry.objects.filter(digest__recipient=user).order_by("pk")
    return list(entries.filter(digest__day=day) if day else entries)


def test_reporters_get_one_digest_by_bell_and_e_mail_and_nobody_else(
    setup: Setup, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders_send(as_of=D(2025, 9, 23))
    # One report each for the office and commerce; the liaison and the coordinator each get
    # a bell item and an e-mail.
    assert counts | {"waiting": 0} == {
        "items": 2,
        "recipients": 2,
        "messages": 4,
        "sent": 2,
        "skipped": 0,
        "entries": 2,
        "waiting": 0,
    }
    [note] = _bell(setup.liaison)
    digest = Digest.objects.get(recipient=setup.liaison)
    assert note.kind == Kind.DIGEST and note.title == "今日待办 1 项"
    assert note.link == f"/notifications/digests/{digest.pk}/"
    [email] = _mail_to("liaison@example.gov.cn")
    assert "某省知识产权强省建设方案" in email.body
    assert "某省商务厅" in email.body and "2025-09-30" in email.body
    assert "1.加快建设知识产权强省" in email.body
    assert _bell(setup.viewer) == [] and _bell(setup.other) == [] and _bell(setup.admin) == []
    assert _mail_to("viewer@example.gov.cn") == []


def test_a_hundred_owed_reports_are_one_message_per_channel(
    setup: Setup, django_capture_on_commit_callbacks
) -> None:
    """The coordinator who got 93 e-mails: now one bell item and one e-mail listing them."""
    for number in range(2, 101):
        task = TaskFactory(plan=setup.task.plan, number=number)
        ResponsibilityFactory(task=task, agency=setup.office, order=0)
        ResponsibilityFactory(task=task, agency=setup.commerce, order=1)
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders_send(as_of=D(2025, 10, 15))  # overdue_2: escalated
    assert counts["items"] == 200 and counts["sent"] == 200
    [note] = _bell(setup.coordinator)
    assert note.title == "今日待办 200 项"  # its own 100 and commerce's 100
    assert len(_mail_to("coordinator@example.gov.cn")) == 1
    assert len(_listed(setup.coordinator)) == 200
    assert len(_bell(setup.liaison)) == 1 and len(_mail_to("liaison@example.gov.cn")) == 1
    assert counts["messages"] <= counts["recipients"] * 3  # bell, e-mail, robot


def test_a_second_run_sends_nothing_the_same_day_nor_the_same_step_later(
    setup: Setup, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=D(2025, 9, 23))
    sent_mail = len(mail.outbox)
    assert sent_mail == 2  # the liaison and the coordinator: each their agency's reminder
    for day in (D(2025, 9, 23), D(2025, 9, 24)):  # the same day; before_7 again
        with django_capture_on_commit_callbacks(execute=True):
            again = reminders_send(as_of=day)
        assert again["sent"] == 0 and again["messages"] == 0 and again["skipped"] == 2
    assert len(mail.outbox) == sent_mail
    assert len(_bell(setup.liaison)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(as_of=D(2025, 9, 29))["sent"] == 2  # before_1 is a new step


def test_a_submitted_report_is_not_reminded_but_a_draft_is(setup: Setup) -> None:
    period = setup.task.plan.periods.get()
    ReportFactory(
        task=setup.task, agency=setup.commerce, period=period, state=ReportState.SUBMITTED
    )
    ReportFactory(task=setup.task, agency=setup.office, period=period, state=ReportState.DRAFT)
    assert reminders_send(as_of=D(2025, 9, 30))["sent"] == 1
    assert {e.agency for e in DigestEntry.objects.all()} == {setup.office}
    assert _bell(setup.liaison) == []


def test_from_the_second_overdue_step_the_plans_coordinators_are_told(setup: Setup) -> None:
    reminders_send(as_of=D(2025, 10, 11))  # overdue_1
    assert not DigestEntry.objects.filter(escalated=True).exists()
    assert [e.agency for e in _listed(setup.coordinator)] == [setup.office]  # its own only
    reminders_send(as_of=D(2025, 10, 15))  # overdue_2
    today = DigestEntry.objects.filter(
        digest__recipient=setup.coordinator, digest__day=D(2025, 10, 15)
    )
    assert {(e.agency.name, e.escalated) for e in today} == {
        ("某省知识产权局", True),
        ("某省商务厅", True),
    }
    assert len(_bell(setup.coordinator)) == 2  # one digest a day, two days
    [liaisons] = DigestEntry.objects.filter(
        digest__recipient=setup.liaison, digest__day=D(2025, 10, 15)
    )
    assert liaisons.escalated and "逾期15天" in liaisons.title
    assert _bell(setup.admin) == []  # the plan escalates to its coordinators only


def test_the_plan_may_escalate_to_the_lead_agencys_administrators_too(setup: Setup) -> None:
    ReminderSettings.objects.create(plan=setup.task.plan, escalate_to=EscalateTo.WITH_ADMINS)
    reminders_send(as_of=D(2025, 10, 11))
    assert _bell(setup.admin) == []  # not escalated yet
    reminders_send(as_of=D(2025, 10, 15))
    assert {e.agency.name for e in _listed(setup.admin)} == {"某省知识产权局", "某省商务厅"}


def test_the_agency_robot_gets_one_digest_and_a_failing_robot_stops_no_e_mail(
    setup: Setup, robot, django_capture_on_commit_callbacks
) -> None:
    setup.commerce.webhook_url = robot.url
    setup.commerce.save()
    robot.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders_send(as_of=D(2025, 9, 29))
    assert counts["sent"] == 2 and counts["recipients"] == 3  # two people, one robot
    assert robot.received, "the robot was called"
    assert _mail_to("liaison@example.gov.cn")
    hook = Delivery.objects.get(channel="webhook")
    assert hook.state == DeliveryState.PENDING and "500" in hook.last_error  # to be retried
    assert hook.attempts == 2  # tried in the batch, then alone (jobs run eagerly in tests)
    assert Delivery.objects.filter(channel="email", state=DeliveryState.SENT).count() == 2

    robot.status = 200  # the retry finds the robot back
    delivery_send.apply(kwargs={"delivery_id": hook.pk}, retries=1)
    hook.refresh_from_db()
    assert hook.state == DeliveryState.SENT and hook.attempts == 3
    content = robot.received[-1]["text"]["content"]
    assert "今日待办 1 项" in content and "某省商务厅" in content


def test_periods_not_yet_open_are_left_alone(setup: Setup) -> None:
    PeriodFactory(
        plan=setup.task.plan,
        label="2025年第四季度",
        opens_on=D(2025, 12, 1),
        due_on=D(2025, 12, 31),
    )
    assert reminders_send(as_of=D(2025, 9, 23))["items"] == 2


def test_a_returned_report_is_chased_every_two_working_days_from_its_return(
    setup: Setup,
) -> None:
    period = setup.task.plan.periods.get()
    returned_at = timezone.make_aware(dt.datetime(2025, 10, 13, 10))  # a Monday
    ReportFactory(
        task=setup.task,
        agency=setup.commerce,
        period=period,
        state=ReportState.RETURNED,
        reviewed_at=returned_at,
        return_reason="请补充佐证材料",
    )
    # Tuesday: one working day since the return: not yet, and not as an overdue report.
    reminders_send(as_of=D(2025, 10, 14))
    assert _listed(setup.liaison) == []
    reminders_send(as_of=D(2025, 10, 15))  # two working days
    [entry] = _listed(setup.liaison)
    assert entry.kind == "report_returned" and "已退回" in entry.title
    reminders_send(as_of=D(2025, 10, 16))  # the same step: nothing
    assert len(_listed(setup.liaison)) == 1
    reminders_send(as_of=D(2025, 10, 17))  # four working days: again
    assert len(_listed(setup.liaison)) == 2


def test_work_items_and_decisions_are_reminded_but_not_completed_ones(setup: Setup) -> None:
    due = D(2025, 10, 20)
    open_item = WorkItemFactory(task=setup.task, title="建设保护中心", due_on=due)
    open_item.agencies.set([setup.commerce])
    decided = WorkItemFactory(task=setup.task, title="出台专项政策", due_on=due)
    decided.agencies.set([setup.commerce])
    meeting = MeetingFactory(committee__plan=setup.task.plan)
    Decision.objects.create(meeting=meeting, order=1, text="出台专项政策", work_item=decided)
    done = WorkItemFactory(task=setup.task, due_on=due, status=Status.COMPLETED)
    done.agencies.set([setup.commerce])
    reminders_send(as_of=D(2025, 10, 19))  # the day before
    listed = {e.kind: e for e in _listed(setup.liaison) if e.kind != "report_overdue"}
    assert set(listed) == {"work_item", "decision"}
    assert "建设保护中心" in listed["work_item"].title
    assert listed["decision"].link == f"/tasks/work-items/{decided.pk}/"


def test_a_pending_extension_request_reaches_the_coordinators_before_the_due_date(
    setup: Setup,
) -> None:
    item = WorkItemFactory(task=setup.task, title="建设保护中心", due_on=D(2025, 10, 20))
    item.agencies.set([setup.commerce])
    ExtensionRequestFactory(work_item=item, agency=setup.commerce)
    reminders_send(as_of=D(2025, 10, 13))  # seven days before
    [entry] = [e for e in _listed(setup.coordinator) if e.kind == "extension"]
    assert entry.escalated and "延期申请待审批" in entry.title


def test_a_plans_digest_goes_out_at_its_hour(setup: Setup) -> None:
    ReminderSettings.objects.create(plan=setup.task.plan, digest_hour=17)
    early = reminders_send(as_of=D(2025, 9, 23), hour=8)
    assert early["sent"] == 0 and early["waiting"] == 2 and not Digest.objects.exists()
    assert reminders_send(as_of=D(2025, 9, 23), hour=17)["sent"] == 2


def test_run_job_prints_the_counts_and_a_second_run_sends_nothing(setup: Setup) -> None:
    def run() -> dict:
        out = StringIO()
        call_command("run_job", "reminders", "--as-of", "2025-09-23", stdout=out)
        return json.loads(out.getvalue())

    first = run()
    assert {"job", "as_of", "items", "recipients", "messages", "sent", "skipped"} <= set(first)
    assert first["as_of"] == "2025-09-23" and first["sent"] == 2
    assert 0 < first["messages"] <= first["recipients"] * 3
    assert run()["sent"] == 0


def _pass_queries(as_of: dt.date) -> int:
    with CaptureQueriesContext(connection) as ctx:
        reminders_send(as_of=as_of)
    return len(ctx.captured_queries)


def test_a_pass_costs_the_same_statements_for_two_reports_or_two_hundred(setup: Setup) -> None:
    small = _pass_queries(D(2025, 9, 23))
    for number in range(2, 101):  # 99 more tasks, each owed by both agencies
        task = TaskFactory(plan=setup.task.plan, number=number)
        ResponsibilityFactory(task=task, agency=setup.office, order=0)
        ResponsibilityFactory(task=task, agency=setup.commerce, order=1)
    large = _pass_queries(D(2025, 9, 29))  # before_1: every report is reminded again
    assert (
        DigestEntry.objects.filter(key__endswith=":before_1").values("key").distinct().count()
        == 200
    )
    assert len(_bell(setup.liaison)) == 2  # one digest a day
    assert large == small


# A source for the next test: more items in one day than one query can name (65,535).
_MANY: dict[str, int] = {}


def many_items(*, as_of: dt.date) -> list[DigestItem]:
    count = _MANY["count"] + (as_of > D(2025, 9, 23))  # one item more the next day
    return [
        DigestItem(
            kind="report_due",
            key=f"test:{i}",
            plan_id=_MANY["plan"],
            agency_id=_MANY["agency"],
            title=f"事项 {i}",
            link="/",
        )
        for i in range(count)
    ]


def test_a_day_with_more_items_than_one_query_can_name_is_sent_and_remembered(
    setup: Setup, settings, django_capture_on_commit_callbacks
) -> None:
    settings.REMINDER_ITEM_SOURCES = ["tests.notifications.test_reminders.many_items"]
    _MANY.update(count=66_000, plan=setup.task.plan_id, agency=setup.commerce.pk)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=D(2025, 9, 23))
    assert len(_listed(setup.liaison, day=D(2025, 9, 23))) == 66_000
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=D(2025, 9, 24))
    assert [e.key for e in _listed(setup.liaison, day=D(2025, 9, 24))] == ["test:66000"]
