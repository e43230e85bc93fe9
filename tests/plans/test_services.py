"""The importer's database layer: creating, re-importing and revising plans."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from agencies.models import Agency, AgencyAlias, NameVariant, Region
from plans import services
from plans.importer.parse import parse_plan
from plans.models import Plan
from plans.services import PlanImportError, plan_preview
from reports.models import ProgressReport
from tasks.models import Event, EventKind, Responsibility, Task
from tasks.services.plan_import import plan_import
from tests.factories import AgencyFactory, PeriodFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).resolve().parents[2] / "plans" / "sources"


def _text(name: str) -> str:
    return (SOURCES / name).read_text(encoding="utf-8")


def _operator():
    """Whoever runs an import outside a coordinator's page (the CLI's operator)."""
    return UserFactory(is_superuser=True)


def _import(text: str, **kwargs):
    return plan_import(parsed=parse_plan(text=text), text=text, actor=_operator(), **kwargs)


def test_hainan_becomes_a_plan_with_tasks_responsibilities_and_measures():
    outcome = _import(_text("hainan-2022.txt"))
    plan = outcome.plan
    assert outcome.created
    assert plan.code == "hi-2022"
    assert plan.doc_number == "琼府〔2022〕39号"
    assert str(plan.issued_on) == "2022-11-07"
    assert plan.region.name == "海南省"
    assert plan.lead_agency.name == "海南省知识产权局"
    assert plan.tasks.count() == 12
    assert plan.guarantee_measures.count() == 4
    task6 = plan.tasks.get(number=6)
    leads = list(task6.responsibilities.filter(role="lead").values_list("agency__name", flat=True))
    assert leads == ["国家知识产权局知识产权运用促进司"]
    # Short NIPA names resolve to the one department through the national alias table.
    assert Agency.objects.filter(name__contains="运用促进司").count() == 1
    event = Event.objects.get(plan=plan, kind=EventKind.PLAN_IMPORTED)
    assert event.actor is not None


def test_weihai_is_a_city_plan_with_indicators():
    plan = _import(_text("weihai-2021.txt")).plan
    assert plan.region.name == "山东省威海市"
    assert plan.region.parent.name == "山东省"
    assert plan.kind == "implementation"
    assert plan.lead_agency.name == "威海市市场监管局"
    targets = {i.name: (i.target, i.unit, i.target_year) for i in plan.indicators.all()}
    assert targets["每万人口高价值发明专利拥有量"][0] == Decimal("10.2")
    assert targets["商标有效注册量"][:2] == (80000, "件")
    responsible = plan.tasks.get(number=3).responsibilities.values_list("role", flat=True)
    assert set(responsible) == {"responsible"}


def test_the_same_document_again_changes_nothing():
    text = _text("hunan-2022.txt")
    first = _import(text)
    counts = (Plan.objects.count(), Task.objects.count(), Responsibility.objects.count())
    events = Event.objects.count()
    again = _import(text)
    assert again.plan == first.plan
    assert not again.changed
    assert (Plan.objects.count(), Task.objects.count(), Responsibility.objects.count()) == counts
    assert Event.objects.count() == events


def test_a_revised_text_updates_in_place_and_keeps_reports_and_events():
    text = _text("hainan-2022.txt")
    plan = _import(text).plan
    task = plan.tasks.get(number=2)
    report = ReportFactory(task=task, agency=plan.lead_agency, period=PeriodFactory(plan=plan))
    revised = text.replace("2.完善知识产权政策制度体系。", "2.健全知识产权政策制度体系。")
    revised = revised.replace("省贸促会、", "", 1)
    preview = plan_preview(parsed=parse_plan(text=revised), text=revised)
    assert preview.existing == plan and not preview.unchanged
    assert any("健全知识产权政策制度体系" in change for change in preview.changes)
    outcome = _import(revised)
    assert outcome.plan == plan and outcome.changed and not outcome.created
    task.refresh_from_db()
    assert task.title == "健全知识产权政策制度体系"
    assert ProgressReport.objects.filter(pk=report.pk).exists()
    assert Event.objects.filter(plan=plan, kind=EventKind.PLAN_IMPORTED).exists()
    assert Event.objects.filter(plan=plan, kind=EventKind.PLAN_REVISED).count() == 1
    assert plan.tasks.count() == 12


def test_unknown_names_become_agencies_for_review_with_an_alias_in_the_region():
    plan = _import(_text("hainan-2022.txt")).plan
    commerce = Agency.objects.get(name="海南省商务厅")
    assert commerce.needs_review
    assert commerce.region == plan.region
    assert AgencyAlias.objects.filter(region=plan.region, name="省商务厅", agency=commerce).exists()


def test_a_name_never_matches_another_regions_agency():
    hunan = Region.objects.get(name="湖南省")
    hunan_commerce = AgencyFactory(name="湖南省商务厅", region=hunan)
    AgencyAlias.objects.create(region=hunan, name="省商务厅", agency=hunan_commerce)
    plan = _import(_text("hainan-2022.txt")).plan
    names = set(
        Responsibility.objects.filter(task__plan=plan).values_list("agency__name", flat=True)
    )
    assert "海南省商务厅" in names
    assert "湖南省商务厅" not in names


def test_known_aliases_resolve_without_review():
    hainan = Region.objects.get(name="海南省")
    court = AgencyFactory(name="海南省高级人民法院", region=hainan)
    AgencyAlias.objects.create(region=hainan, name="省高级法院", agency=court)
    plan = _import(_text("hainan-2022.txt")).plan
    assert Responsibility.objects.filter(task__plan=plan, agency=court).count() >= 3
    assert not Agency.objects.filter(name="海南省高级法院").exists()


def test_an_unknown_region_leaves_no_trace():
    text = _text("hainan-2022.txt")
    parsed = parse_plan(text=text, region="火星省")
    before = (Plan.objects.count(), Agency.objects.count(), Event.objects.count())
    with pytest.raises(PlanImportError, match="火星省"):
        plan_import(parsed=parsed, text=text, actor=UserFactory())
    assert (Plan.objects.count(), Agency.objects.count(), Event.objects.count()) == before


def test_a_failure_midway_rolls_the_whole_import_back(monkeypatch):
    def explode(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(services, "_indicators_write", explode)
    before = (Plan.objects.count(), Task.objects.count(), Agency.objects.count())
    with pytest.raises(IntegrityError):
        _import(_text("weihai-2021.txt"))
    assert (Plan.objects.count(), Task.objects.count(), Agency.objects.count()) == before


def test_only_the_plans_coordinators_may_revise_it():
    text = _text("weihai-2021.txt")
    plan = _import(text).plan
    revised = text.replace("提升知识产权", "全面提升知识产权", 1)
    with pytest.raises(PermissionDenied):
        plan_import(parsed=parse_plan(text=revised), text=revised, actor=UserFactory())
    plan.refresh_from_db()
    assert plan.source_text == text


def test_collective_units_are_created_as_collective():
    plan = _import(_text("hunan-2022.txt")).plan
    members = Agency.objects.get(name="湖南省知识产权协调工作联席会议各成员单位")
    assert members.is_collective and members.needs_review
    assert Agency.objects.get(name="湖南省各有关市州人民政府").is_collective
    assert not plan.lead_agency.is_collective
    assert not Agency.objects.get(name="湖南省科技厅").is_collective


def test_an_existing_agency_named_as_a_group_becomes_collective():
    weihai_group = "威海市知识产权战略实施工作专项小组成员"
    shandong = Region.objects.get(name="山东省")
    existing = AgencyFactory(name=weihai_group, region=shandong)
    _import(_text("weihai-2021.txt"))
    existing.refresh_from_db()
    assert existing.is_collective


def test_the_common_short_forms_are_seeded():
    variants = dict(NameVariant.objects.values_list("variant", "canonical"))
    assert variants["高院"] == "高级人民法院"
    assert variants["省检察院"] == "省人民检察院"
    assert variants["市场监管局"] == "市场监督管理局"
    assert 20 <= len(variants) <= 40


@pytest.mark.parametrize("written", ["省高院", "省高级法院", "省高级人民法院"])
def test_short_forms_resolve_to_one_agency(written):
    hainan = Region.objects.get(name="海南省")
    court = AgencyFactory(name="海南省高级人民法院", region=hainan)
    prosecutor = AgencyFactory(name="海南省人民检察院", region=hainan)
    text = f"一、重点任务\n1.加强司法保护。完善机制。（{written}牵头，省检察院配合）\n"
    preview = plan_preview(parsed=parse_plan(text=text, region="海南省"), text=text)
    assert [n.agency for n in preview.names.values()] == [court, prosecutor]
    assert preview.unknown_names == []


def test_an_administrator_extends_the_short_forms():
    hainan = Region.objects.get(name="海南省")
    office = AgencyFactory(name="海南省知识产权局", region=hainan)
    text = "一、重点任务\n1.加强保护。完善机制。（省知产局负责）\n"
    parsed = parse_plan(text=text, region="海南省")
    assert plan_preview(parsed=parsed, text=text).unknown_names[0].agency is None
    NameVariant.objects.create(variant="知产局", canonical="知识产权局")
    assert plan_preview(parsed=parsed, text=text).names[("省知产局", "海南省知产局")].agency == (
        office
    )


def test_a_name_matched_to_an_agency_in_review_is_preselected_not_unknown():
    hainan = Region.objects.get(name="海南省")
    office = AgencyFactory(name="海南省知识产权局", region=hainan, needs_review=True)
    text = "一、重点任务\n1.加强保护。完善机制。（省知识产权局负责）\n"
    preview = plan_preview(parsed=parse_plan(text=text, region="海南省"), text=text)
    (name,) = preview.unknown_names
    assert name.agency == office and name.in_review
    assert name.choices[0] == office


def test_a_task_under_a_guarantee_heading_is_imported_in_a_guarantee_part():
    text = (
        "海南省知识产权工作方案\n一、重点任务\n1.加强保护。建立机制。（省知识产权局负责）\n"
        "二、保障措施\n（一）加强组织保障。\n"
        "1.建立联席会议制度。定期会商。（省知识产权局牵头，各市县政府按职责分工负责）\n"
        "（二）强化资金保障。安排专项经费。\n"
    )
    plan = plan_import(
        parsed=parse_plan(text=text, region="海南省"), text=text, actor=_operator()
    ).plan
    assert plan.tasks.count() == 2
    task = plan.tasks.get(number=2)
    assert (task.section.label, task.section.kind) == ("(一)", "tasks")
    assert task.section.parent.kind == "guarantee"
    assert [g.title for g in plan.guarantee_measures.all()] == ["强化资金保障"]
    assert Agency.objects.get(name="海南省各市县政府").is_collective
