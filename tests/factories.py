"""factory_boy factories for the domain: each builds a valid object with its parents."""

from __future__ import annotations

import datetime as dt
import hashlib

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, Level, Membership, Region, Role, Side
from plans.models import Plan, PlanKind, Section, SectionKind
from reports.models import Cadence, ProgressReport, ReportingPeriod
from tasks.models import Responsibility, ResponsibilityRole, Task

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试省{n}")
    level = Level.PROVINCIAL


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试单位{n}")
    level = Level.PROVINCIAL
    side = Side.LOCAL
    region = factory.SubFactory(RegionFactory)


class NipaAgencyFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"国家知识产权局测试司{n}")
    level = Level.NATIONAL
    side = Side.NIPA
    region = factory.SubFactory(RegionFactory, name="全国", level=Level.NATIONAL)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.LIAISON


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"测试知识产权强省实施方案{n}")
    kind = PlanKind.JOINT
    region = factory.SubFactory(RegionFactory)
    lead_agency = factory.SubFactory(AgencyFactory, region=factory.SelfAttribute("..region"))
    period_start = 2022
    period_end = 2026
    source_text = factory.LazyAttribute(lambda o: f"{o.title}\n一、共建内容\n")
    source_sha256 = factory.LazyAttribute(
        lambda o: hashlib.sha256(o.source_text.encode()).hexdigest()
    )


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    label = "(一)"
    title = "共同打造知识产权保护高地"
    kind = SectionKind.TASKS
    order = factory.Sequence(lambda n: n)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    label = factory.LazyAttribute(lambda o: f"{o.number}.")
    title = factory.Sequence(lambda n: f"推进知识产权工作{n}")
    body = "加强知识产权保护。"


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    task = factory.SubFactory(TaskFactory)
    agency = factory.SubFactory(AgencyFactory)
    side = factory.LazyAttribute(lambda o: o.agency.side)
    role = ResponsibilityRole.LEAD
    order = factory.Sequence(lambda n: n)
    written = factory.LazyAttribute(lambda o: o.agency.name)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    plan = factory.SubFactory(PlanFactory)
    label = factory.Sequence(lambda n: f"2025年第{n}期")
    cadence = Cadence.HALF_YEARLY
    starts_on = dt.date(2025, 1, 1)
    ends_on = dt.date(2025, 6, 30)
    opens_on = dt.date(2025, 6, 1)
    due_on = dt.date(2025, 7, 15)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    task = factory.SubFactory(TaskFactory)
    agency = factory.SubFactory(AgencyFactory)
    period = factory.SubFactory(PeriodFactory, plan=factory.SelfAttribute("..task.plan"))
    progress = "已完成年度目标的一半。"


# --- tasks workflow ---


class WorkItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tasks.WorkItem"
        skip_postgeneration_save = True

    task = factory.SubFactory(TaskFactory)
    title = factory.Sequence(lambda n: f"年度工作要点{n}")
    body = "完成年度工作。"
    year = 2025
    due_on = dt.date(2025, 12, 31)

    @factory.post_generation
    def agencies(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.agencies.set(extracted)


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tasks.ExtensionRequest"

    work_item = factory.SubFactory(WorkItemFactory)
    agency = factory.SubFactory(AgencyFactory)
    requested_due_on = factory.LazyAttribute(lambda o: o.work_item.due_on + dt.timedelta(days=90))
    reason = "受客观因素影响，需延期完成。"
