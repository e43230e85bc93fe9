"""Reminders: the right step on the right day, once ever, escalated from the second overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Role
from notifications.jobs import delivery_send
from notifications.models import Delivery, DeliveryState, Kind, Notification, Reminder
from notifications.reminders import reminder_step, reminders_send
from reports.models import ReportState
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    PeriodFactory,
    PlanFactory,
    ReportFactory,
    ResponsibilityFactory,
    TaskFactory,
    UserFactory,
)

D = dt.date
# Due Tuesday 30 Sep 2025; 1–8 Oct is the National Day holiday; Saturday 11 Oct is worked.
DUE = D(2025, 9, 30)


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
    liaison: object
    viewer: object
    coordinator: object
    other: object


@pytest.fixture
def setup(db) -> Setup:
    office = AgencyFactory(name="某省知识产权局")
    commerce = AgencyFactory(name="某省商务厅", region=office.region)
    plan = PlanFactory(region=office.region, lead_agency=office)
    task = TaskFactory(plan=plan, number=1, title="加快建设知识产权强省")
    ResponsibilityFactory(task=task, agency=office, order=0)
    ResponsibilityFactory(task=task, agency=commerce, order=1)
    PeriodFactory(plan=plan, label="2025年第三季度", opens_on=D(2025, 9, 1), due_on=DUE)
    people = {}
    for name, agency, role in [
        ("liaison", commerce, Role.LIAISON),
        ("viewer", commerce, Role.VIEWER),
        ("coordinator", office, Role.COORDINATOR),
        ("other", AgencyFactory(name="别省商务厅"), Role.LIAISON),
    ]:
        people[name] = UserFactory(username=name, email=f"{name}@example.gov.cn")
        MembershipFactory(user=people[name], agency=agency, role=role)
    return Setup(office=office, commerce=commerce, **people)


def _titles(user: object) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_reporters_are_reminded_by_bell_and_e_mail_and_nobody_else(
    setup: Setup, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders_send(as_of=D(2025, 9, 23))
    assert counts == {"sent": 2, "skipped": 0}  # one report each for the office and commerce
    [title] = _titles(setup.liaison)
    assert (
        title.startswith("【催报】") and "2025-09-30" in title and "加快建设知识产权强省" in title
    )
    assert _titles(setup.viewer) == [] and _titles(setup.other) == []
    assert "liaison@example.gov.cn" in [m.to[0] for m in mail.outbox]
    assert "viewer@example.gov.cn" not in [m.to[0] for m in mail.outbox]


def test_a_second_run_on_the_same_day_sends_nothing(
    setup: Setup, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(as_of=D(2025, 9, 23))
    sent_mail = len(mail.outbox)
    assert sent_mail == 2  # the liaison and the coordinator: each their agency's reminder
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_send(as_of=D(2025, 9, 24))
    assert again == {"sent": 0, "skipped": 2}
    assert len(mail.outbox) == sent_mail
    assert Notification.objects.filter(recipient=setup.liaison).count() == 1


def test_a_submitted_report_is_not_reminded_but_a_draft_is(setup: Setup) -> None:
    task = Reminder._meta.get_field("task").related_model.objects.get()
    period = task.plan.periods.get()
    ReportFactory(task=task, agency=setup.commerce, period=period, state=ReportState.SUBMITTED)
    ReportFactory(task=task, agency=setup.office, period=period, state=ReportState.DRAFT)
    assert reminders_send(as_of=D(2025, 9, 30)) == {"sent": 1, "skipped": 0}
    assert Reminder.objects.get().agency == setup.office
    assert _titles(setup.liaison) == []


def test_from_the_second_overdue_step_the_lead_agency_is_told(setup: Setup) -> None:
    reminders_send(as_of=D(2025, 10, 11))  # overdue_1
    assert not Notification.objects.filter(kind=Kind.ESCALATION).exists()
    coordinator_before = len(_titles(setup.coordinator))  # the office owes a report itself
    reminders_send(as_of=D(2025, 10, 15))  # overdue_2
    escalations = Notification.objects.filter(recipient=setup.coordinator, kind=Kind.ESCALATION)
    assert len(_titles(setup.coordinator)) == coordinator_before + 2  # its own and commerce's
    assert any("某省商务厅" in n.title and n.title.startswith("【督办】") for n in escalations)
    assert Notification.objects.get(recipient=setup.liaison, kind=Kind.ESCALATION)


def test_the_agency_robot_gets_the_reminder_and_a_failing_robot_stops_no_e_mail(
    setup: Setup, robot, django_capture_on_commit_callbacks
) -> None:
    setup.commerce.webhook_url = robot.url
    setup.commerce.save()
    robot.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders_send(as_of=D(2025, 9, 29))
    assert counts["sent"] == 2
    assert robot.received, "the robot was called"
    assert "liaison@example.gov.cn" in [m.to[0] for m in mail.outbox]
    hook = Delivery.objects.get(channel="webhook")
    assert hook.state == DeliveryState.PENDING and "500" in hook.last_error  # to be retried
    # Tried in the batch, then handed on alone (at once here: jobs run eagerly in tests).
    assert hook.attempts == 2
    assert Delivery.objects.filter(channel="email", state=DeliveryState.SENT).count() == 2

    robot.status = 200  # the retry finds the robot back
    delivery_send.apply(kwargs={"delivery_id": hook.pk}, retries=1)
    hook.refresh_from_db()
    assert hook.state == DeliveryState.SENT and hook.attempts == 3
    assert "某省商务厅" in robot.received[-1]["text"]["content"]


def test_periods_not_yet_open_are_left_alone(setup: Setup) -> None:
    PeriodFactory(
        plan=setup.office.led_plans.get(),
        label="2025年第四季度",
        opens_on=D(2025, 12, 1),
        due_on=D(2025, 12, 31),
    )
    assert reminders_send(as_of=D(2025, 9, 23))["sent"] == 2


def _pass_queries(as_of: dt.date) -> int:
    with CaptureQueriesContext(connection) as ctx:
        reminders_send(as_of=as_of)
    return len(ctx.captured_queries)


def test_a_pass_costs_the_same_statements_for_two_reports_or_two_hundred(setup: Setup) -> None:
    small = _pass_queries(D(2025, 9, 23))
    plan = setup.office.led_plans.get()
    for number in range(2, 101):  # 99 more tasks, each owed by both agencies
        task = TaskFactory(plan=plan, number=number)
        ResponsibilityFactory(task=task, agency=setup.office, order=0)
        ResponsibilityFactory(task=task, agency=setup.commerce, order=1)
    large = _pass_queries(D(2025, 9, 29))  # before_1: every report is reminded again
    assert Reminder.objects.filter(step="before_1").count() == 200
    assert Notification.objects.filter(recipient=setup.liaison).count() == 1 + 100
    assert large == small
