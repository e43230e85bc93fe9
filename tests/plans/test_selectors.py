"""The plan getter, read by SQL compiled once per process for each shape of the visibility
rule, finds exactly the plans `Plan.objects.visible_to` lets each kind of user see, and
nothing else: a plan out of reach is a 404 (`NotVisible`), never a hint that it exists."""

from __future__ import annotations

import pytest

from agencies import rules
from agencies.models import Role
from plans.models import Plan
from plans.selectors import get_plan_for_user
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    WorkItemFactory,
)

pytestmark = pytest.mark.django_db

USERS = [
    "liaison",  # own-agency editor: reaches plan A through its tasks
    "local_viewer",  # own-agency viewer
    "other_liaison",  # another agency's user: plan B only
    "coordinator",  # plan A's lead agency
    "nipa_viewer",  # reads every plan
    "superuser",
    "worker",  # named on a work item only
    "nobody",  # no agency
]


@pytest.fixture
def plans(world):
    """The world's two plans, a third that no one's agency touches, and a user whose only
    way into plan B is a work item naming their agency."""
    PlanFactory(region=world.plan_a.region, lead_agency=AgencyFactory(name="外省某局"))
    outsider = AgencyFactory(name="某区知识产权局")
    WorkItemFactory(task=world.b1, agencies=[outsider])
    worker = UserFactory(username="worker")
    MembershipFactory(user=worker, agency=outsider, role=Role.LIAISON)
    world.users["worker"] = worker
    world.users["superuser"] = UserFactory(username="root", is_superuser=True)
    return world


@pytest.mark.parametrize("name", USERS)
def test_the_getter_finds_what_the_rule_lets_see_and_nothing_else(plans, name):
    user = plans.users[name]
    reachable = set(Plan.objects.visible_to(user).values_list("pk", flat=True))
    found = set()
    for plan in Plan.objects.all():
        try:
            got = get_plan_for_user(user, plan.pk)
        except rules.NotVisible:
            continue
        assert got.pk == plan.pk
        assert got.region.name and got.lead_agency.name  # read with the plan
        found.add(got.pk)
    assert found == reachable
    with pytest.raises(rules.NotVisible):
        get_plan_for_user(user, max(reachable | {0}) + 1000)  # no such plan


def test_each_way_in_is_covered(plans):
    """The sample above reaches a plan by each branch of the rule, and misses one."""
    seen = {
        n: set(Plan.objects.visible_to(plans.users[n]).values_list("pk", flat=True)) for n in USERS
    }
    assert seen["coordinator"] >= {plans.plan_a.pk}  # leads it
    assert plans.plan_a.pk in seen["liaison"]  # carries a task in it
    assert seen["worker"] == {plans.plan_b.pk}  # named on a work item
    assert seen["nobody"] == set()
    assert len(seen["nipa_viewer"]) == Plan.objects.count() == 3


def test_the_getter_reads_one_query(plans, django_assert_num_queries):
    user = plans.users["liaison"]
    rules.agency_ids(user)  # the user's memberships, read once per request elsewhere
    with django_assert_num_queries(1):
        get_plan_for_user(user, plans.plan_a.pk)


def test_a_plans_indicators_come_in_order_with_their_confirmed_values_only(
    world, django_assert_num_queries
):
    from plans.models import Indicator, IndicatorValue, ValueState
    from plans.selectors import plan_indicators_counted

    with django_assert_num_queries(1):  # no indicator: no query for values
        assert plan_indicators_counted(plan=world.plan_a) == []
    second = Indicator.objects.create(
        plan=world.plan_a, name="专利质押融资额", target=50, target_year=2025, order=2
    )
    first = Indicator.objects.create(
        plan=world.plan_a, name="每万人口高价值发明专利拥有量", target=10, target_year=2025, order=1
    )
    Indicator.objects.create(plan=world.plan_b, name="别的方案的指标", target=1, target_year=2025)
    for indicator, year, state in (
        (first, 2024, ValueState.ACCEPTED),
        (first, 2023, ValueState.ACCEPTED),
        (first, 2025, ValueState.SUBMITTED),
        (second, 2024, ValueState.RETURNED),
    ):
        IndicatorValue.objects.create(
            indicator=indicator, year=year, value=year - 2000, state=state
        )
    with django_assert_num_queries(2):
        indicators = plan_indicators_counted(plan=world.plan_a)
        shown = [(i.name, [v.year for v in i.counted_values]) for i in indicators]
    assert shown == [("每万人口高价值发明专利拥有量", [2023, 2024]), ("专利质押融资额", [])]
