"""Indicators: the coordinator sets baseline and target and reviews actual values; a
responsible agency enters a value with its source and evidence. Each entry and review is an
event; only confirmed values count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agencies.models import Role
from plans.models import Indicator, IndicatorValue, ValueState
from reports import indicators as services
from security.models import Kind, SecurityEvent
from tasks.models import Event, EventKind
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def indicator(world):
    return Indicator.objects.create(
        plan=world.plan_a,
        name="每万人口高价值发明专利拥有量",
        unit="件",
        target=Decimal("10.2"),
        target_year=2025,
    )


@pytest.fixture
def other_admin(world):
    user = UserFactory(username="hunan_admin")
    MembershipFactory(user=user, agency=world.hunan_office, role=Role.ADMIN)
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submit(world, indicator, **overrides) -> IndicatorValue:
    values = {
        "agency": world.hainan_commerce,
        "year": 2024,
        "value": Decimal("8.6"),
        "source": "省统计局年报",
    }
    return services.indicator_value_submit(
        actor=world.users["liaison"], indicator=indicator, **{**values, **overrides}
    )


# --- services ---------------------------------------------------------------------------


def test_the_coordinator_edits_baseline_and_target_logged_with_the_actor(world, indicator):
    values = {
        "baseline": Decimal("6.3"),
        "baseline_year": 2020,
        "target": Decimal("11"),
        "target_year": 2026,
    }
    indicator = services.indicator_update(
        actor=world.users["coordinator"], indicator=indicator, values=values
    )
    assert (indicator.baseline, indicator.target, indicator.target_year) == (
        Decimal("6.3"),
        Decimal("11"),
        2026,
    )
    entry = SecurityEvent.objects.get(kind=Kind.ADMINISTRATION)
    assert entry.username == "coordinator" and entry.detail["target"] == ["10.2", "11"]
    with pytest.raises(ValidationError, match="基期年份不能晚于目标年份"):
        services.indicator_update(
            actor=world.users["coordinator"],
            indicator=indicator,
            values={**values, "baseline_year": 2027},
        )
    with pytest.raises(PermissionDenied):
        services.indicator_update(actor=world.users["liaison"], indicator=indicator, values=values)


def test_a_responsible_agency_enters_a_value_waiting_for_review(world, indicator):
    value = _submit(world, indicator, evidence=SimpleUploadedFile("年报.png", PNG))
    assert value.state == ValueState.SUBMITTED
    assert (value.entered_by, value.reported_by) == (world.users["liaison"], world.hainan_commerce)
    assert value.evidence.name.endswith(".png")
    event = Event.objects.get(kind=EventKind.INDICATOR_VALUE)
    assert event.actor == world.users["liaison"] and event.plan == world.plan_a
    assert "8.6" in event.to_value and event.data["state"] == "submitted"


def test_bad_input_names_its_field_and_writes_nothing(world, indicator):
    with pytest.raises(ValidationError) as exc:
        _submit(world, indicator, source="  ")
    assert "source" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _submit(world, indicator, year=2030)
    assert "year" in exc.value.message_dict
    with pytest.raises(ValidationError, match="仅支持"):
        _submit(world, indicator, evidence=SimpleUploadedFile("x.pdf", b"not a pdf at all"))
    assert not IndicatorValue.objects.exists()
    assert not Event.objects.filter(kind=EventKind.INDICATOR_VALUE).exists()


def test_only_an_agency_on_the_plan_enters_values(world, indicator):
    with pytest.raises(PermissionDenied):
        services.indicator_value_submit(
            actor=world.users["other_liaison"],
            indicator=indicator,
            agency=world.hunan_dept,
            year=2024,
            value=Decimal(1),
            source="x",
        )
    with pytest.raises(PermissionDenied):  # a viewer of a responsible agency
        services.indicator_value_submit(
            actor=world.users["local_viewer"],
            indicator=indicator,
            agency=world.hainan_commerce,
            year=2024,
            value=Decimal(1),
            source="x",
        )


def test_the_coordinator_confirms_or_returns_with_a_reason(world, indicator):
    coordinator = world.users["coordinator"]
    value = _submit(world, indicator)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        services.indicator_value_return(actor=coordinator, value=value, reason=" ")
    value = services.indicator_value_return(actor=coordinator, value=value, reason="口径不符")
    assert (value.state, value.return_reason, value.reviewed_by) == (
        ValueState.RETURNED,
        "口径不符",
        coordinator,
    )
    value = _submit(world, indicator, value=Decimal("8.7"))  # entered again
    assert value.state == ValueState.SUBMITTED and value.return_reason == ""
    with pytest.raises(ValidationError, match=r"已被改为 8\.7"):
        services.indicator_value_accept(
            actor=coordinator, value=value, expected_value=Decimal("8.6")
        )
    with pytest.raises(PermissionDenied):
        services.indicator_value_accept(actor=world.users["liaison"], value=value)
    value = services.indicator_value_accept(
        actor=coordinator, value=value, expected_value=Decimal("8.7")
    )
    assert value.state == ValueState.ACCEPTED and value.reviewed_at is not None
    with pytest.raises(ValidationError, match="已确认"):
        _submit(world, indicator, value=Decimal("9"))
    kinds = Event.objects.filter(kind=EventKind.INDICATOR_VALUE)
    assert [e.data["state"] for e in kinds.order_by("pk")] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


# --- pages ------------------------------------------------------------------------------


def test_the_indicators_page_by_role(world, indicator, other_admin):
    url = f"/reports/plan/{world.plan_a.pk}/indicators/"
    coordinator_page = _client(world.users["coordinator"]).get(url).content.decode()
    assert "修改基期值和目标" in coordinator_page and indicator.name in coordinator_page
    liaison_page = _client(world.users["liaison"]).get(url).content.decode()
    assert "填报实际值" in liaison_page and "修改基期值和目标" not in liaison_page
    assert _client(other_admin).get(url).status_code == 404


def test_the_edit_page_is_the_coordinators(world, indicator, other_admin):
    url = f"/reports/indicators/{indicator.pk}/edit/"
    data = {"baseline": "6.3", "baseline_year": "2020", "target": "12", "target_year": "2025"}
    assert _client(world.users["liaison"]).post(url, data).status_code == 403
    assert _client(world.users["admin"]).post(url, data).status_code == 403
    assert _client(other_admin).post(url, data).status_code == 404
    assert _client(world.users["coordinator"]).post(url, data).status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).target == Decimal("12")
    bad = _client(world.users["coordinator"]).post(url, {**data, "target": "很多"})
    assert bad.status_code == 400 and "目标值" in bad.content.decode()


def test_a_liaison_enters_a_value_with_evidence_on_the_page(world, indicator, other_admin):
    url = f"/reports/indicators/{indicator.pk}/values/new/"
    data = {
        "agency": world.hainan_commerce.pk,
        "year": "2024",
        "value": "8.6",
        "source": "省统计局年报",
        "evidence": SimpleUploadedFile("年报.png", PNG),
    }
    assert _client(world.users["admin"]).get(url).status_code == 403
    assert _client(other_admin).get(url).status_code == 404
    response = _client(world.users["liaison"]).post(url, data, follow=True)
    assert "等待方案协调员确认" in response.content.decode()
    value = IndicatorValue.objects.get()
    assert value.state == ValueState.SUBMITTED
    download = f"/reports/indicator-values/{value.pk}/evidence/"
    assert (
        _client(world.users["coordinator"])
        .get(download)["Content-Disposition"]
        .startswith("attachment")
    )
    assert _client(other_admin).get(download).status_code == 404
    missing = _client(world.users["liaison"]).post(url, {**data, "source": "", "year": "2023"})
    assert missing.status_code == 400 and IndicatorValue.objects.count() == 1


def test_the_review_on_the_page(world, indicator, other_admin):
    value = _submit(world, indicator)
    url = f"/reports/indicator-values/{value.pk}/review/"
    assert (
        _client(world.users["liaison"]).post(url, {"action": "accept", "value": "8.6"}).status_code
        == 403
    )
    assert _client(other_admin).post(url, {"action": "accept", "value": "8.6"}).status_code == 404
    client = _client(world.users["coordinator"])
    page = client.post(url, {"action": "return", "value": "8.6"}, follow=True).content.decode()
    assert "请填写退回原因" in page
    client.post(url, {"action": "accept", "value": "8.6"})
    assert IndicatorValue.objects.get().state == ValueState.ACCEPTED
