"""Merging two agencies: every row moves to the survivor in one transaction with one event,
or, where a move would collide (both on one task, both reported on one task and period), the
merge is refused with the conflicts listed and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from administration.services.agencies import agency_confirm, agency_merge
from agencies import rules
from agencies.models import Agency, AgencyAlias, Membership, Role
from dashboards.models import Rollup, Scope
from notifications.models import Digest, DigestEntry
from reports.models import ProgressReport
from security.models import Kind, SecurityEvent
from tasks.models import Event, EventKind, Responsibility, ResponsibilityRole
from tests.administration.factories_agencies import (
    CommitteeMemberFactory,
    IndicatorValueFactory,
    MeetingFactory,
    admin_of,
)
from tests.factories import (
    AgencyFactory,
    ExtensionRequestFactory,
    MembershipFactory,
    ReportFactory,
    ResponsibilityFactory,
    UserFactory,
    WorkItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dup(world) -> Agency:
    """海南省商务厅 written another way by an import: 待核实, carrying task A2."""
    other = AgencyFactory(name="海南省商务厅（导入）", region=world.hainan_office.region)
    Agency.objects.filter(pk=other.pk).update(needs_review=True, short_name="省商务厅")
    ResponsibilityFactory(task=world.a2, agency=other, role=ResponsibilityRole.CO, order=5)
    return other


def _merge(world, other):
    return agency_merge(actor=world.users["admin"], survivor=world.hainan_commerce, other=other)


def test_every_row_moves_to_the_survivor_with_one_event(world, dup):
    survivor, period = world.hainan_commerce, world.report_a1_commerce.period
    hainan = world.hainan_office.region
    report = ReportFactory(task=world.a2, agency=dup, period=period)
    liaison = UserFactory(username="dup_liaison")
    MembershipFactory(user=liaison, agency=dup, role=Role.LIAISON)
    AgencyAlias.objects.create(region=hainan, name="商务厅", agency=dup)
    child = AgencyFactory(name="海南省商务厅下属单位", region=hainan, parent=dup)
    item = WorkItemFactory(task=world.a2, agencies=[dup])
    extension = ExtensionRequestFactory(work_item=item, agency=dup)
    value = IndicatorValueFactory(indicator__plan=world.plan_a, reported_by=dup)
    member = CommitteeMemberFactory(committee__plan=world.plan_a, agency=dup)
    meeting = MeetingFactory(committee=member.committee)
    meeting.attendees.add(dup, survivor)
    digest = Digest.objects.create(
        addressee="user:1", recipient=world.users["liaison"], day=period.due_on
    )
    reminder = DigestEntry.objects.create(
        digest=digest,
        addressee="user:1",
        key="report:due",
        kind="report_due",
        plan=world.a2.plan,
        agency=dup,
        title="报送提醒",
    )
    Rollup.objects.create(
        as_of=dt.date(2025, 7, 1),
        scope=Scope.AGENCY,
        scope_key=f"agency:{dup.pk}",
        plan=world.plan_a,
        agency=dup,
        tasks_total=1,
    )

    moved = _merge(world, dup)

    assert not Agency.objects.filter(pk=dup.pk).exists()
    assert Responsibility.objects.get(task=world.a2, agency=survivor).role == ResponsibilityRole.CO
    report.refresh_from_db()
    assert report.agency == survivor
    assert Membership.objects.get(user=liaison).agency == survivor
    assert AgencyAlias.objects.get(region=hainan, name="商务厅").agency == survivor
    # The merged agency's names now mean the survivor in its region.
    assert AgencyAlias.objects.get(region=hainan, name="海南省商务厅（导入）").agency == survivor
    assert AgencyAlias.objects.get(region=hainan, name="省商务厅").agency == survivor
    child.refresh_from_db()
    assert child.parent == survivor
    assert list(item.agencies.all()) == [survivor]
    extension.refresh_from_db()
    assert extension.agency == survivor
    value.refresh_from_db()
    assert value.reported_by == survivor
    member.refresh_from_db()
    assert member.agency == survivor
    assert list(meeting.attendees.all()) == [survivor]  # both attended: one row
    reminder.refresh_from_db()
    assert reminder.agency == survivor
    rollup = Rollup.objects.get(plan=world.plan_a, scope=Scope.AGENCY)
    assert (rollup.agency, rollup.scope_key) == (survivor, f"agency:{survivor.pk}")
    assert moved["tasks.Responsibility.agency"] == 1

    event = Event.objects.get(kind=EventKind.AGENCY_MERGED)
    assert (event.agency, event.plan, event.actor) == (survivor, None, world.users["admin"])
    assert event.data["merged"] == {"id": dup.pk, "name": "海南省商务厅（导入）"}
    assert event.data["survivor"]["name"] == "海南省商务厅"
    log = SecurityEvent.objects.get(kind=Kind.ADMINISTRATION, detail__action="agency_merge")
    assert (log.username, log.detail["merged"]["name"]) == ("admin", "海南省商务厅（导入）")


def test_nightly_rollups_of_the_same_day_add_up(world, dup):
    day = dt.date(2025, 7, 1)
    for agency, total in [(world.hainan_commerce, 2), (dup, 1)]:
        Rollup.objects.create(
            as_of=day,
            scope=Scope.AGENCY,
            scope_key=f"agency:{agency.pk}",
            plan=world.plan_a,
            agency=agency,
            tasks_total=total,
            reports_missing=1,
        )
    _merge(world, dup)
    row = Rollup.objects.get(plan=world.plan_a, scope=Scope.AGENCY)
    assert (row.agency, row.tasks_total, row.reports_missing) == (world.hainan_commerce, 3, 2)


def test_a_user_with_the_same_role_in_both_keeps_one_membership(world, dup):
    user = UserFactory(username="both")
    MembershipFactory(user=user, agency=world.hainan_commerce, role=Role.LIAISON)
    MembershipFactory(user=user, agency=dup, role=Role.LIAISON)
    _merge(world, dup)
    assert list(Membership.objects.filter(user=user).values_list("agency__name", "role")) == [
        ("海南省商务厅", Role.LIAISON)
    ]


def test_both_on_one_task_refuses_and_lists_the_task(world, dup):
    ResponsibilityFactory(task=world.a1, agency=dup, order=9)  # commerce is on A1 already
    with pytest.raises(ValidationError) as refused:
        _merge(world, dup)
    text = " ".join(refused.value.messages)
    assert "两家单位都承担任务 1." in text and world.plan_a.title in text
    assert Agency.objects.filter(pk=dup.pk).exists()
    assert Responsibility.objects.filter(agency=dup).count() == 2
    assert not Event.objects.filter(kind=EventKind.AGENCY_MERGED).exists()
    assert not SecurityEvent.objects.filter(detail__action="agency_merge").exists()


def test_both_reported_on_one_task_and_period_refuses_and_names_the_period(world, dup):
    period = world.report_a1_commerce.period
    ReportFactory(task=world.a1, agency=dup, period=period)
    ProgressReport.objects.filter(task=world.a1, agency=dup).update(progress="重复")
    with pytest.raises(ValidationError) as refused:
        _merge(world, dup)
    assert f"“{period.label}”的进展报告" in " ".join(refused.value.messages)
    assert ProgressReport.objects.filter(agency=dup).count() == 1


def test_an_agency_with_history_is_kept_as_merged_and_leaves_every_list(world, dup):
    agency_confirm(actor=world.users["admin"], agency=dup)  # the timeline now names it
    _merge(world, dup)
    dup.refresh_from_db()
    assert dup.merged_into == world.hainan_commerce
    assert Event.objects.filter(agency=dup, kind=EventKind.AGENCY_CONFIRMED).exists()
    assert not Responsibility.objects.filter(agency=dup).exists()
    assert dup not in rules.administered_agencies(world.users["admin"])


def test_an_agency_cannot_merge_with_itself_or_outside_the_scope(world, dup):
    admin = world.users["admin"]
    with pytest.raises(ValidationError, match="自身"):
        agency_merge(actor=admin, survivor=dup, other=dup)
    with pytest.raises(ValidationError, match="不在您的管理范围内"):
        agency_merge(actor=admin, survivor=dup, other=world.hunan_dept)


# --- the page ------------------------------------------------------------------------------


def test_the_merge_form_keeps_the_chosen_name(client, world, dup):
    client.force_login(world.users["admin"])
    url = reverse("administration:agency_merge", args=[dup.pk])
    data = {"other": world.hainan_commerce.pk, "keep": "other", "confirm": "on"}
    response = client.post(url, data)
    assert response["Location"] == reverse(
        "administration:agency_detail", args=[world.hainan_commerce.pk]
    )
    assert not Agency.objects.filter(pk=dup.pk).exists()


def test_the_merge_form_shows_the_conflicts(client, world, dup):
    ResponsibilityFactory(task=world.a1, agency=dup, order=9)
    client.force_login(world.users["admin"])
    url = reverse("administration:agency_merge", args=[dup.pk])
    response = client.post(
        url, {"other": world.hainan_commerce.pk, "keep": "other", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "两家单位都承担任务" in response.content.decode()


def test_the_merge_needs_the_confirmation(client, world, dup):
    client.force_login(world.users["admin"])
    url = reverse("administration:agency_merge", args=[dup.pk])
    response = client.post(url, {"other": world.hainan_commerce.pk, "keep": "this"})
    assert response.status_code == 400
    assert Agency.objects.filter(pk=dup.pk).exists()


def test_merging_is_refused_to_liaison_and_other_admin(client, world, dup):
    other_admin = admin_of(world.hunan_office, "other_admin")
    url = reverse("administration:agency_merge", args=[dup.pk])
    data = {"other": world.hainan_commerce.pk, "keep": "this", "confirm": "on"}
    client.force_login(world.users["liaison"])
    assert client.post(url, data).status_code == 403
    client.force_login(other_admin)
    assert client.post(url, data).status_code == 404
    # Nor may the own admin name another province's agency.
    client.force_login(world.users["admin"])
    response = client.post(url, {**data, "other": world.hunan_dept.pk})
    assert response.status_code == 400
    assert Agency.objects.filter(pk__in=[dup.pk, world.hunan_dept.pk]).count() == 2
