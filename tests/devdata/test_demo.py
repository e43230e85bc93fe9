from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from agencies.models import Membership, Role

pytestmark = pytest.mark.django_db

LOGIN_LINE = re.compile(r"^DEMO-LOGIN (\w+) (\S+) (\S+)$")


def _load() -> list[tuple[str, str, str]]:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return [m.groups() for line in out.getvalue().splitlines() if (m := LOGIN_LINE.match(line))]


def test_demo_prints_a_login_for_every_role_and_each_one_works():
    logins = _load()
    assert {role for role, _, _ in logins} == set(Role.values)
    for role, username, password in logins:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, (role, username)
        assert Membership.objects.filter(user__username=username, role=role).exists()
        assert client.get("/").status_code == 200


def test_demo_runs_again_without_duplicating_anything():
    first = _load()
    counts = Membership.objects.count()
    assert _load() == first
    assert Membership.objects.count() == counts


def test_demo_admin_opens_the_admin():
    logins = {role: (u, p) for role, u, p in _load()}
    client = Client()
    username, password = logins["admin"]
    client.post("/accounts/login/", {"username": username, "password": password})
    for url in [
        "/admin/",
        "/admin/agencies/agency/",
        "/admin/plans/plan/",
        "/admin/tasks/task/",
        "/admin/reports/progressreport/",
        "/admin/tasks/event/",
    ]:
        assert client.get(url).status_code == 200, url


@override_settings(DEMO_ALLOWED=False)
def test_demo_is_refused_where_not_allowed():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        call_command("load_demo", stdout=StringIO())
    assert not Membership.objects.exists()


def test_demo_shows_the_plans_in_motion():
    import datetime as dt

    from plans.models import Plan
    from reports.models import ProgressReport
    from reports.selectors import expected_reports
    from tasks.models import ExtensionRequest, Task, WorkItem

    _load()
    plans = Plan.objects.filter(is_demo=True)
    assert set(plans.values_list("code", flat=True)) == {"hi-2022", "hn-2022", "sd-2021-muni"}
    hainan = plans.get(code="hi-2022")
    reports = ProgressReport.objects.filter(task__plan=hainan)
    assert set(reports.values_list("state", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    assert reports.filter(is_late=True).exists()
    assert reports.filter(is_typical_case=True).exists()
    assert set(Task.objects.filter(plan=hainan).values_list("status", flat=True)) == {
        "not_started",
        "on_track",
        "at_risk",
        "behind",
        "completed",
        "ongoing",
    }
    assert hainan.periods.count() == 2
    first = hainan.periods.order_by("starts_on").first()
    assert any(
        row.is_missing(today=dt.date(2100, 1, 1))
        for row in expected_reports(plan=hainan, period=first)
    )
    assert WorkItem.objects.filter(task__plan=hainan, closed_at__isnull=False).exists()
    assert ExtensionRequest.objects.filter(state="pending").exists()
