"""A small two-province world for permission tests.

Plan A (Hainan) is led by the Hainan IP office; its task A1 is led by that office with the
Hainan commerce department as co and a NIPA department on the NIPA side; task A2 is the
office's alone. Plan B (Hunan) is led by the Hunan IP office. Users hold every role, in the
plan's own agencies and in the other province's, and one user belongs nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agencies.models import Agency, Level, Role
from plans.models import Plan
from reports.models import ProgressReport
from tasks.models import ResponsibilityRole, Task
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    NipaAgencyFactory,
    PeriodFactory,
    PlanFactory,
    RegionFactory,
    ReportFactory,
    ResponsibilityFactory,
    TaskFactory,
    UserFactory,
)


@dataclass
class World:
    plan_a: Plan
    plan_b: Plan
    a1: Task
    a2: Task
    b1: Task
    hainan_office: Agency
    hainan_commerce: Agency
    hunan_office: Agency
    hunan_dept: Agency
    nipa_dept: Agency
    report_a1_commerce: ProgressReport
    report_a1_office: ProgressReport
    report_a2_office: ProgressReport
    report_b1_dept: ProgressReport
    users: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    hainan = RegionFactory(name="海南省")
    hunan = RegionFactory(name="湖南省")
    hainan_office = AgencyFactory(name="海南省知识产权局", region=hainan)
    hainan_commerce = AgencyFactory(name="海南省商务厅", region=hainan)
    hunan_office = AgencyFactory(name="湖南省知识产权局", region=hunan)
    hunan_dept = AgencyFactory(name="湖南省科学技术厅", region=hunan)
    nipa_dept = NipaAgencyFactory(name="国家知识产权局运用促进司", level=Level.NATIONAL)

    plan_a = PlanFactory(region=hainan, lead_agency=hainan_office)
    plan_b = PlanFactory(region=hunan, lead_agency=hunan_office)
    a1 = TaskFactory(plan=plan_a, number=1)
    a2 = TaskFactory(plan=plan_a, number=2)
    b1 = TaskFactory(plan=plan_b, number=1)
    ResponsibilityFactory(task=a1, agency=nipa_dept, role=ResponsibilityRole.CO, order=0)
    ResponsibilityFactory(task=a1, agency=hainan_office, role=ResponsibilityRole.LEAD, order=1)
    ResponsibilityFactory(task=a1, agency=hainan_commerce, role=ResponsibilityRole.CO, order=2)
    ResponsibilityFactory(task=a2, agency=hainan_office, role=ResponsibilityRole.LEAD, order=0)
    ResponsibilityFactory(task=b1, agency=hunan_office, role=ResponsibilityRole.LEAD, order=0)
    ResponsibilityFactory(task=b1, agency=hunan_dept, role=ResponsibilityRole.CO, order=1)

    period_a = PeriodFactory(plan=plan_a)
    period_b = PeriodFactory(plan=plan_b)
    world = World(
        plan_a=plan_a,
        plan_b=plan_b,
        a1=a1,
        a2=a2,
        b1=b1,
        hainan_office=hainan_office,
        hainan_commerce=hainan_commerce,
        hunan_office=hunan_office,
        hunan_dept=hunan_dept,
        nipa_dept=nipa_dept,
        report_a1_commerce=ReportFactory(task=a1, agency=hainan_commerce, period=period_a),
        report_a1_office=ReportFactory(task=a1, agency=hainan_office, period=period_a),
        report_a2_office=ReportFactory(task=a2, agency=hainan_office, period=period_a),
        report_b1_dept=ReportFactory(task=b1, agency=hunan_dept, period=period_b),
    )
    memberships = {
        "coordinator": (hainan_office, Role.COORDINATOR),
        "secretary": (hainan_office, Role.SECRETARY),
        "admin": (hainan_office, Role.ADMIN),
        "liaison": (hainan_commerce, Role.LIAISON),
        "local_viewer": (hainan_commerce, Role.VIEWER),
        "nipa_viewer": (nipa_dept, Role.VIEWER),
        "other_coordinator": (hunan_office, Role.COORDINATOR),
        "other_liaison": (hunan_dept, Role.LIAISON),
    }
    for name, (agency, role) in memberships.items():
        user = UserFactory(username=name)
        MembershipFactory(user=user, agency=agency, role=role)
        world.users[name] = user
    world.users["nobody"] = UserFactory(username="nobody")
    return world
