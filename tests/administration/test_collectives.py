"""集合单位: marked by the administrator and mapped to its members (or to the agency that
reports for it); the members then carry its tasks, and the collective is never owed a report
nor reminded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from administration.services.collectives import collective_map, collective_mark
from agencies.models import Level, Role
from notifications.models import DigestEntry
from notifications.reminders import reminders_send
from reports.selectors import outstanding_reports
from security.models import Kind, SecurityEvent
from tasks.models import Event, EventKind, Responsibility, ResponsibilityRole
from tests.administration.factories_agencies import admin_of
from tests.factories import AgencyFactory, MembershipFactory, ResponsibilityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(world):
    """各市县 on tasks A1 (co) and A2 (lead), and two cities of Hainan."""
    hainan = world.hainan_office.region
    collective = AgencyFactory(name="各市县", region=hainan, is_collective=True)
    ResponsibilityFactory(task=world.a1, agency=collective, role=ResponsibilityRole.CO, order=7)
    ResponsibilityFactory(task=world.a2, agency=collective, role=ResponsibilityRole.LEAD, order=1)
    haikou = AgencyFactory(name="海口市人民政府", region=hainan, level=Level.MUNICIPAL)
    sanya = AgencyFactory(name="三亚市人民政府", region=hainan, level=Level.MUNICIPAL)
    return collective, haikou, sanya


def _via(collective):
    return set(
        Responsibility.objects.filter(via_collective=collective).values_list(
            "task__number", "agency__name", "role"
        )
    )


def test_mapping_to_members_gives_each_the_collectives_tasks(world, group):
    collective, haikou, _sanya = group
    counts = collective_map(
        actor=world.users["admin"], collective=collective, members=[haikou, world.hainan_office]
    )
    # The office is on both tasks already: skipped.
    assert _via(collective) == {(1, "海口市人民政府", "co"), (2, "海口市人民政府", "lead")}
    assert counts == {"added": 2, "removed": 0}
    assert set(collective.members.all()) == {haikou, world.hainan_office}
    event = Event.objects.get(kind=EventKind.COLLECTIVE_MAPPED)
    assert (event.plan, event.agency, event.data["added"]) == (world.plan_a, collective, 2)
    log = SecurityEvent.objects.get(kind=Kind.ADMINISTRATION, detail__action="collective_map")
    assert log.username == "admin"


def test_remapping_removes_only_the_rows_that_no_longer_apply(world, group):
    collective, haikou, sanya = group
    admin = world.users["admin"]
    collective_map(actor=admin, collective=collective, members=[haikou])
    ResponsibilityFactory(task=world.b1, agency=haikou, order=3)  # its own duty elsewhere
    collective_map(actor=admin, collective=collective, members=[sanya])
    assert _via(collective) == {(1, "三亚市人民政府", "co"), (2, "三亚市人民政府", "lead")}
    assert Responsibility.objects.filter(agency=haikou, via_collective=None).count() == 1
    assert Responsibility.objects.filter(agency=world.hainan_office).count() == 2
    assert Event.objects.filter(kind=EventKind.COLLECTIVE_MAPPED).count() == 2


def test_mapping_to_a_reporter(world, group):
    collective, haikou, sanya = group
    admin = world.users["admin"]
    collective_map(actor=admin, collective=collective, members=[haikou, sanya])
    collective_map(actor=admin, collective=collective, reporter=world.hainan_commerce)
    # Commerce is on A1 already (co): only A2 falls to it.
    assert _via(collective) == {(2, "海南省商务厅", "lead")}
    collective.refresh_from_db()
    assert collective.reporter == world.hainan_commerce
    assert not collective.members.exists()


def test_bad_mappings_are_refused_and_write_nothing(world, group):
    collective, haikou, _sanya = group
    admin = world.users["admin"]
    cases = [
        ({"members": [haikou], "reporter": haikou}, "只选择一种方式"),
        ({}, "请选择成员单位或代为报送单位"),
        ({"members": [world.hunan_dept]}, "不在您的管理范围内"),
        ({"members": [collective]}, "自身"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            collective_map(actor=admin, collective=collective, **kwargs)
    collective_mark(actor=admin, agency=collective, is_collective=False)
    with pytest.raises(ValidationError, match="不是集合单位"):
        collective_map(actor=admin, collective=collective, members=[haikou])
    assert _via(collective) == set()


def test_unmarking_removes_the_mapping(world, group):
    collective, haikou, _sanya = group
    admin = world.users["admin"]
    collective_map(actor=admin, collective=collective, members=[haikou])
    collective_mark(actor=admin, agency=collective, is_collective=False)
    collective.refresh_from_db()
    assert not collective.is_collective and not collective.members.exists()
    assert _via(collective) == set()
    assert Responsibility.objects.filter(agency=collective).count() == 2  # its own rows stay


def test_a_collective_is_never_owed_a_report_nor_reminded(world, group):
    collective, haikou, _sanya = group
    period = world.report_a1_commerce.period
    for name, agency in [("group_liaison", collective), ("haikou_liaison", haikou)]:
        MembershipFactory(user=UserFactory(username=name), agency=agency, role=Role.LIAISON)
    collective_map(actor=world.users["admin"], collective=collective, members=[haikou])
    owed = {agency for _, _, agency in outstanding_reports(period_ids=[period.pk])}
    assert haikou.pk in owed and collective.pk not in owed

    reminders_send(as_of=period.due_on + dt.timedelta(days=1))
    reminded = set(DigestEntry.objects.values_list("agency__name", flat=True))
    assert "海口市人民政府" in reminded and "各市县" not in reminded


# --- the pages -----------------------------------------------------------------------------


def test_marking_and_mapping_through_the_page(client, world):
    hainan = world.hainan_office.region
    agency = AgencyFactory(name="联席会议各成员单位", region=hainan)
    ResponsibilityFactory(task=world.a2, agency=agency, role=ResponsibilityRole.CO, order=4)
    client.force_login(world.users["admin"])
    mark = reverse("administration:collective_mark", args=[agency.pk])
    assert client.post(mark, {"is_collective": "1"}).status_code == 302
    agency.refresh_from_db()
    assert agency.is_collective
    url = reverse("administration:collective_map", args=[agency.pk])
    response = client.post(url, {"members": [world.hainan_commerce.pk]}, follow=True)
    assert "新增 1 条责任分工" in response.content.decode()
    assert _via(agency) == {(2, "海南省商务厅", "co")}
    response = client.post(url, {})
    assert response.status_code == 400
    assert "请选择成员单位或代为报送单位" in response.content.decode()


def test_collective_pages_are_refused_to_liaison_and_other_admin(client, world, group):
    collective, haikou, _sanya = group
    other_admin = admin_of(world.hunan_office, "other_admin")
    url = reverse("administration:collective_map", args=[collective.pk])
    mark = reverse("administration:collective_mark", args=[collective.pk])
    for user, status in [(world.users["liaison"], 403), (other_admin, 404)]:
        client.force_login(user)
        assert client.post(url, {"members": [haikou.pk]}).status_code == status
        assert client.post(mark, {"is_collective": "0"}).status_code == status
    assert _via(collective) == set()
    collective.refresh_from_db()
    assert collective.is_collective
