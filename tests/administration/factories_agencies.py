"""Factories for the agency pages' tests: the rows a merge must move that tests/factories.py
does not build (committees, meetings, indicators), and the administrators of the world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from agencies.models import Agency, Role
from meetings.models import Committee, CommitteeMember, Meeting
from plans.models import Indicator, IndicatorValue
from tests.factories import MembershipFactory, PlanFactory, UserFactory


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    plan = factory.SubFactory(PlanFactory)
    name = "知识产权强省建设委员会"


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory)
    position = "委员"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    title = "2025年度工作会议"
    held_on = dt.date(2025, 3, 1)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"每万人口高价值发明专利拥有量{n}")
    target = Decimal("12")
    target_year = 2025


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2024
    value = Decimal("10.5")


def admin_of(agency: Agency, username: str) -> object:
    """A 管理员 of the agency (so of its region's agencies)."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, agency=agency, role=Role.ADMIN)
    return user
