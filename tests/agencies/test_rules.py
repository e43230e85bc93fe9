"""The permission matrix: each role × own agency / other agency / other plan."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies import rules
from plans.models import Plan
from reports.models import ProgressReport

pytestmark = pytest.mark.django_db

ROLES = [
    "coordinator",
    "secretary",
    "admin",
    "liaison",
    "local_viewer",
    "nipa_viewer",
    "other_coordinator",
    "other_liaison",
    "nobody",
]


def _fresh(world, name):
    # A new instance per check: the membership cache lives on the user object.
    user = world.users[name]
    return type(user).objects.get(pk=user.pk)


# Which plans each role sees: own plan A (Hainan) and the other plan B (Hunan).
VISIBLE_PLANS = {
    "coordinator": {"a"},
    "secretary": {"a"},
    "admin": {"a"},
    "liaison": {"a"},
    "local_viewer": {"a"},
    "nipa_viewer": {"a", "b"},
    "other_coordinator": {"b"},
    "other_liaison": {"b"},
    "nobody": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_plans(world, role):
    user = _fresh(world, role)
    names = {"a": world.plan_a, "b": world.plan_b}
    expected = {names[k].pk for k in VISIBLE_PLANS[role]}
    assert set(Plan.objects.visible_to(user).values_list("pk", flat=True)) == expected
    assert rules.can_view_plan(user, world.plan_a) == ("a" in VISIBLE_PLANS[role])
    assert rules.can_view_task(user, world.b1) == ("b" in VISIBLE_PLANS[role])


# Which reports each role reads.
VISIBLE_REPORTS = {
    "coordinator": {"a1_commerce", "a1_office", "a2_office"},
    "secretary": {"a1_commerce", "a1_office", "a2_office"},
    "admin": {"a1_commerce", "a1_office", "a2_office"},
    # The commerce department shares A1, so it reads A1's reports, but not A2's.
    "liaison": {"a1_commerce", "a1_office"},
    "local_viewer": {"a1_commerce", "a1_office"},
    "nipa_viewer": {"a1_commerce", "a1_office", "a2_office", "b1_dept"},
    "other_coordinator": {"b1_dept"},
    "other_liaison": {"b1_dept"},
    "nobody": set(),
}


# A draft is its own agency's alone: nobody else reads it, NIPA and the plan's office included.
DRAFTS_SEEN = {
    "coordinator": {"a1_office", "a2_office"},
    "secretary": {"a1_office", "a2_office"},
    "admin": {"a1_office", "a2_office"},
    "liaison": {"a1_commerce"},
    "local_viewer": {"a1_commerce"},
    "nipa_viewer": set(),
    "other_coordinator": set(),
    "other_liaison": {"b1_dept"},
    "nobody": set(),
}


def _reports(world) -> dict:
    return {
        "a1_commerce": world.report_a1_commerce,
        "a1_office": world.report_a1_office,
        "a2_office": world.report_a2_office,
        "b1_dept": world.report_b1_dept,
    }


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_seen_by_their_own_agency_only(world, role):
    user = _fresh(world, role)
    expected = {r.pk for name, r in _reports(world).items() if name in DRAFTS_SEEN[role]}
    assert set(ProgressReport.objects.visible_to(user).values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("role", ROLES)
def test_visible_reports(world, role):
    ProgressReport.objects.update(state="submitted")  # handed in: read beyond the agency
    user = _fresh(world, role)
    by_name = _reports(world)
    expected = {by_name[k].pk for k in VISIBLE_REPORTS[role]}
    assert set(ProgressReport.objects.visible_to(user).values_list("pk", flat=True)) == expected
    for name, report in by_name.items():
        assert rules.can_view_report(user, report) == (name in VISIBLE_REPORTS[role])


# (edit own plan's task, edit other plan's task, review own plan's report, manage meetings)
ACTIONS = {
    "coordinator": (True, False, True, False),
    "secretary": (False, False, False, True),
    "admin": (False, False, False, False),
    "liaison": (False, False, False, False),
    "local_viewer": (False, False, False, False),
    "nipa_viewer": (False, False, False, False),
    "other_coordinator": (False, True, False, False),
    "other_liaison": (False, False, False, False),
    "nobody": (False, False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_plan_actions(world, role):
    user = _fresh(world, role)
    edit_a, edit_b, review_a, meetings_a = ACTIONS[role]
    assert rules.can_edit_task(user, world.a1) == edit_a
    assert rules.can_edit_task(user, world.b1) == edit_b
    assert rules.can_review_report(user, world.report_a1_commerce) == review_a
    assert rules.can_manage_meetings(user, world.plan_a) == meetings_a


# Who writes a report for which (task, agency).
def test_liaison_writes_only_for_own_agency_on_tasks_it_carries(world):
    liaison = _fresh(world, "liaison")
    assert rules.can_write_report(liaison, world.a1, world.hainan_commerce.pk)
    # Not for another agency on the same task, nor on a task the agency does not carry.
    assert not rules.can_write_report(liaison, world.a1, world.hainan_office.pk)
    assert not rules.can_write_report(liaison, world.a2, world.hainan_commerce.pk)
    # Nor in the other province's plan.
    assert not rules.can_write_report(liaison, world.b1, world.hunan_dept.pk)


def test_viewer_and_outsider_write_no_report(world):
    for name in ("local_viewer", "nipa_viewer", "nobody", "other_liaison"):
        user = _fresh(world, name)
        assert not rules.can_write_report(user, world.a1, world.hainan_commerce.pk)


def test_nipa_reports_only_when_plan_requires_them(world):
    from tests.factories import MembershipFactory

    nipa_liaison = MembershipFactory(agency=world.nipa_dept, role="liaison").user
    assert not rules.can_write_report(nipa_liaison, world.a1, world.nipa_dept.pk)
    world.plan_a.nipa_reports_required = True
    world.plan_a.save()
    world.a1.refresh_from_db()
    assert rules.can_write_report(nipa_liaison, world.a1, world.nipa_dept.pk)


def test_coordinator_may_report_for_own_agency(world):
    coordinator = _fresh(world, "coordinator")
    assert rules.can_write_report(coordinator, world.a2, world.hainan_office.pk)
    other = _fresh(world, "other_coordinator")
    assert not rules.can_write_report(other, world.a2, world.hainan_office.pk)


def test_import_and_administer(world):
    assert rules.can_import_plan(_fresh(world, "coordinator"))
    assert not rules.can_import_plan(_fresh(world, "liaison"))
    assert not rules.can_import_plan(_fresh(world, "nipa_viewer"))
    assert rules.can_administer(_fresh(world, "admin"))
    assert not rules.can_administer(_fresh(world, "coordinator"))


def test_comment_follows_visibility(world):
    assert rules.can_comment(_fresh(world, "nipa_viewer"), world.b1)
    assert not rules.can_comment(_fresh(world, "liaison"), world.b1)


def test_who_reads_every_plan_is_not_asked_about_one(world, django_assert_num_queries):
    nipa, liaison = _fresh(world, "nipa_viewer"), _fresh(world, "liaison")
    rules.memberships_of(nipa), rules.memberships_of(liaison)  # read once per request
    with django_assert_num_queries(0):
        assert rules.can_view_task(nipa, world.b1)
    with django_assert_num_queries(1):
        assert not rules.can_view_task(liaison, world.b1)


def test_anonymous_sees_nothing(world):
    anon = AnonymousUser()
    assert not Plan.objects.visible_to(anon).exists()
    assert not ProgressReport.objects.visible_to(anon).exists()
    assert not rules.can_edit_task(anon, world.a1)


def test_visible_plans_is_one_query(world, django_assert_num_queries):
    user = _fresh(world, "liaison")
    with django_assert_num_queries(2):  # memberships once, then the plans
        list(Plan.objects.visible_to(user))
    with django_assert_num_queries(1):
        list(Plan.objects.visible_to(user))
