"""The reporting schedule as a rule, which side reports, and one period's dates: by the
plan's coordinators only, idempotent, logged with the actor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from agencies.models import Role
from reports import periods
from reports.models import ReportingPeriod
from security.models import Kind, SecurityEvent
from tests.factories import MembershipFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _labels(plan) -> list[str]:
    return list(plan.periods.order_by("starts_on").values_list("label", flat=True))


def test_the_rule_creates_every_period_from_the_first_up_to_the_current_one(world):
    plan = world.plan_b  # its one period covers 1 January to 30 June 2025
    created, kept = periods.period_schedule_apply(
        actor=world.users["other_coordinator"],
        plan=plan,
        cadence="quarterly",
        year=2024,
        first=3,
        due_days_after_end=20,
        today=D(2025, 8, 10),
    )
    assert [p.label for p in created] == ["2024年第三季度", "2024年第四季度", "2025年第三季度"]
    assert kept == 2  # the first two quarters of 2025 are covered already
    assert created[0].ends_on == D(2024, 9, 30) and created[0].due_on == D(2024, 10, 20)


def test_applying_the_rule_again_keeps_what_exists_and_never_duplicates(world):
    plan, coordinator = world.plan_a, world.users["coordinator"]
    first, _ = periods.period_schedule_apply(
        actor=coordinator, plan=plan, cadence="half_yearly", year=2024, today=D(2025, 3, 1)
    )
    # 2024 H1 and H2; 2025 H1 is already covered by the world's period (1 Jan–30 Jun 2025)
    assert [p.label for p in first] == ["2024年上半年", "2024年下半年"]
    again, kept = periods.period_schedule_apply(
        actor=coordinator, plan=plan, cadence="half_yearly", year=2024, today=D(2025, 9, 1)
    )
    assert [p.label for p in again] == ["2025年下半年"] and kept == 3
    assert len(_labels(plan)) == len(set(_labels(plan))) == 4


def test_the_rule_stops_at_the_plans_last_year_and_refuses_bad_input(world):
    plan, coordinator = world.plan_a, world.users["coordinator"]
    created, _ = periods.period_schedule_apply(
        actor=coordinator, plan=plan, cadence="yearly", year=2026, today=D(2030, 1, 1)
    )
    assert [p.label for p in created] == ["2026年年度"]
    with pytest.raises(ValidationError, match="期数"):
        periods.period_schedule_apply(
            actor=coordinator, plan=plan, cadence="half_yearly", year=2024, first=3
        )
    with pytest.raises(ValidationError, match="实施期"):
        periods.period_schedule_apply(actor=coordinator, plan=plan, cadence="yearly", year=2030)
    with pytest.raises(PermissionDenied):
        periods.period_schedule_apply(
            actor=world.users["liaison"], plan=plan, cadence="yearly", year=2024
        )


def test_a_periods_dates_are_edited_in_order_and_without_overlap(world):
    period = world.plan_a.periods.get()
    coordinator = world.users["coordinator"]
    other = PeriodFactory(
        plan=world.plan_a,
        label="2025年下半年",
        starts_on=D(2025, 7, 1),
        ends_on=D(2025, 12, 31),
        opens_on=D(2025, 12, 1),
        due_on=D(2026, 1, 15),
    )
    values = {
        "label": "2025年上半年",
        "starts_on": D(2025, 1, 1),
        "ends_on": D(2025, 6, 30),
        "opens_on": D(2025, 6, 15),
        "due_on": D(2025, 7, 31),
    }
    period = periods.period_update(actor=coordinator, period=period, values=values)
    assert (period.label, period.due_on) == ("2025年上半年", D(2025, 7, 31))
    entry = SecurityEvent.objects.filter(kind=Kind.ADMINISTRATION).latest("occurred_at")
    assert entry.username == "coordinator" and entry.detail["action"] == "period_update"
    with pytest.raises(ValidationError, match="2025年下半年"):
        periods.period_update(
            actor=coordinator, period=period, values={**values, "ends_on": D(2025, 7, 31)}
        )
    with pytest.raises(ValidationError, match="不能早于开放报送日期"):
        periods.period_update(
            actor=coordinator, period=period, values={**values, "due_on": D(2025, 6, 1)}
        )
    with pytest.raises(PermissionDenied):
        periods.period_update(actor=world.users["liaison"], period=other, values=values)
    assert ReportingPeriod.objects.get(pk=other.pk).ends_on == D(2025, 12, 31)


def test_which_side_reports_is_a_plan_setting_logged_with_its_actor(world):
    plan = periods.plan_reporting_side_set(
        actor=world.users["coordinator"], plan=world.plan_a, nipa_reports_required=True
    )
    assert plan.nipa_reports_required
    assert world.a1.responsibilities.owing_reports().filter(agency=world.nipa_dept).exists()
    entry = SecurityEvent.objects.get(kind=Kind.ADMINISTRATION)
    assert entry.detail == {
        "action": "nipa_reports_required",
        "plan": plan.pk,
        "from": False,
        "to": True,
    }
    with pytest.raises(PermissionDenied):
        periods.plan_reporting_side_set(
            actor=world.users["admin"], plan=world.plan_a, nipa_reports_required=False
        )


# --- the page ---------------------------------------------------------------------------


def test_the_page_by_role(world):
    url = f"/reports/plan/{world.plan_a.pk}/periods/"
    other_admin = UserFactory(username="hunan_admin")
    MembershipFactory(user=other_admin, agency=world.hunan_office, role=Role.ADMIN)
    rule = {
        "action": "schedule",
        "cadence": "yearly",
        "year": "2023",
        "due_days_after_end": "30",
        "opens_days_before_end": "10",
    }
    assert _client(world.users["liaison"]).post(url, rule).status_code == 403
    assert _client(world.users["admin"]).post(url, rule).status_code == 403
    assert _client(other_admin).get(url).status_code == 404
    assert _client(other_admin).post(url, rule).status_code == 404
    assert "生成" not in _client(world.users["liaison"]).get(url).content.decode()
    response = _client(world.users["coordinator"]).post(url, rule, follow=True)
    assert "已新增" in response.content.decode()
    assert "2023年年度" in _labels(world.plan_a)
    assert world.plan_a.periods.get(label="2023年年度").due_on == D(2024, 1, 30)


def test_the_page_sets_the_side_and_edits_a_period(world):
    url = f"/reports/plan/{world.plan_a.pk}/periods/"
    client = _client(world.users["coordinator"])
    assert client.post(url, {"action": "side", "nipa_reports_required": "on"}).status_code == 302
    world.plan_a.refresh_from_db()
    assert world.plan_a.nipa_reports_required
    period = world.plan_a.periods.get()
    page = client.get(f"{url}?edit={period.pk}").content.decode()
    assert "修改报送周期" in page
    edit = {
        "action": "period",
        "period": period.pk,
        "label": "2025年上半年",
        "starts_on": "2025-01-01",
        "ends_on": "2025-06-30",
        "opens_on": "2025-06-01",
        "due_on": "2025-07-20",
    }
    assert client.post(url, edit).status_code == 302
    assert ReportingPeriod.objects.get(pk=period.pk).due_on == D(2025, 7, 20)
    bad = client.post(url, {**edit, "due_on": "2025-05-01"})
    assert bad.status_code == 400 and "不能早于开放报送日期" in bad.content.decode()


def test_the_page_opens_with_the_rule_prefilled_and_no_errors(world):
    response = _client(world.users["coordinator"]).get(f"/reports/plan/{world.plan_a.pk}/periods/")
    form = response.context["schedule_form"]
    assert response.status_code == 200 and not form.is_bound
    assert "该字段是必填项" not in response.content.decode()
    last = world.plan_a.periods.order_by("-starts_on").first()
    assert form.initial["due_days_after_end"] == (last.due_on - last.ends_on).days
