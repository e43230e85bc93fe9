"""督办 items of the reminder digest: one per recipient agency that owes a move, keys stable
for a day and a step."""

import datetime as dt

import pytest
from django.utils import timezone

from supervision import services
from supervision.reminders import supervision_items
from tests.supervision.factories import issue, recipient

pytestmark = pytest.mark.django_db


def _items(as_of):
    return list(supervision_items(as_of=as_of))


def test_steps_from_issue_to_overdue(world):
    notice = issue(world, agencies=[world.hainan_office, world.hainan_commerce], days=10)
    today = timezone.localdate()
    prefix = f"supervision:{notice.pk}:{world.hainan_commerce.pk}"
    issued = _items(today)
    assert len(issued) == 2 and {i.agency_id for i in issued} == {
        world.hainan_office.pk,
        world.hainan_commerce.pk,
    }
    assert f"{prefix}:issued" in {i.key for i in issued}
    assert issued[0].kind == "supervision" and issued[0].link.endswith(f"/supervision/{notice.pk}/")
    assert _items(today) == issued  # same day, same keys
    assert {i.key for i in _items(notice.deadline - dt.timedelta(days=1))} >= {f"{prefix}:before_1"}
    assert f"{prefix}:due" in {i.key for i in _items(notice.deadline)}
    late = notice.deadline + dt.timedelta(days=2)
    overdue = [i for i in _items(late) if i.agency_id == world.hainan_commerce.pk]
    assert [(i.key, i.escalate) for i in overdue] == [
        (f"{prefix}:overdue:{late.isoformat()}", True)
    ]


def test_responded_and_closed_are_not_chased(world):
    notice = issue(world)
    row = recipient(notice, world.hainan_commerce)
    services.notice_acknowledge(actor=world.users["liaison"], recipient=row)
    services.notice_respond(actor=world.users["liaison"], recipient=row, text="已办")
    assert _items(notice.deadline + dt.timedelta(days=3)) == []


def test_an_urge_is_listed_by_the_next_digest_once(world):
    notice = issue(world, days=20)
    row = recipient(notice, world.hainan_commerce)
    services.notice_acknowledge(actor=world.users["liaison"], recipient=row)
    today = timezone.localdate()
    assert _items(today) == []  # acknowledged, deadline far: nothing owed yet
    services.notice_urge(actor=world.users["coordinator"], recipient=row)
    items = _items(today + dt.timedelta(days=1))
    assert [i.key for i in items] == [
        f"supervision:{notice.pk}:{world.hainan_commerce.pk}:urge:{today.isoformat()}"
    ]
    later = _items(today + dt.timedelta(days=30))  # overdue by then, the urge long listed
    assert later and not any(":urge:" in i.key for i in later)
