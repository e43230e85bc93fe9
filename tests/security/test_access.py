"""Across agencies and plans: every page, download, attachment and export of one plan, for
the three users — the agency's own editor and viewer open them, another province's user
gets 404 (nothing says the object exists) and the refusal is in the security log."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dashboards.rollups import rollup_build
from meetings.packs.services import pack_request
from meetings.services import meeting_create
from reports.services import attachment_add
from security.models import Kind, SecurityEvent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def paths(world, django_capture_on_commit_callbacks) -> list[str]:
    import datetime as dt

    from django.utils import timezone

    rollup_build(as_of=timezone.localdate())
    attachment = attachment_add(
        actor=world.users["liaison"],
        report=world.report_a1_commerce,
        upload=SimpleUploadedFile("照片.png", PNG),
    )
    meeting = meeting_create(
        actor=world.users["secretary"], plan=world.plan_a, title="年度会议", held_on=dt.date.today()
    )
    with django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(
            actor=world.users["secretary"], plan=world.plan_a, meeting=meeting, formats=["xlsx"]
        )
    plan, task, report = world.plan_a.pk, world.a1.pk, world.report_a1_commerce.pk
    return [
        f"/tasks/{task}/",
        f"/reports/{report}/",
        f"/reports/attachments/{attachment.pk}/",
        f"/plans/{plan}/",
        f"/plans/{plan}/meetings/",
        f"/plans/meetings/{meeting.pk}/",
        f"/reports/packs/{pack.pk}/",
        f"/reports/packs/{pack.pk}/xlsx/",
        f"/dashboards/plans/{plan}/",
        f"/dashboards/plans/{plan}/?table=agencies&format=xlsx",
        f"/dashboards/plans/{plan}/?table=sections&format=csv",
        f"/dashboards/agencies/{world.hainan_commerce.pk}/",
        f"/dashboards/agencies/{world.hainan_commerce.pk}/?format=csv",
    ]


@pytest.mark.parametrize("name", ["liaison", "local_viewer"])
def test_the_agencys_own_people_open_every_address(world, paths, name: str) -> None:
    client = Client()
    client.force_login(world.users[name])
    answers = {path: client.get(path).status_code for path in paths}
    assert answers == dict.fromkeys(paths, 200)


def test_another_provinces_user_is_refused_at_every_address_and_it_is_logged(world, paths) -> None:
    outsider = world.users["other_liaison"]
    client = Client()
    client.force_login(outsider)
    answers = {path: client.get(path).status_code for path in paths}
    assert answers == dict.fromkeys(paths, 404)
    logged = SecurityEvent.objects.filter(kind=Kind.REFUSED, user_id=outsider.pk)
    assert sorted(logged.values_list("path", flat=True)) == sorted(paths)
