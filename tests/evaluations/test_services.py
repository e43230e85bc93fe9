"""Self-evaluation rules: who opens, fills, reviews and freezes; bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from evaluations import services
from evaluations.models import EvaluationPart, PartState, SelfEvaluation
from plans.models import IndicatorValue
from reports.models import ReportState
from tasks.models import Event, Responsibility
from tests.world import build_world

pytestmark = pytest.mark.django_db

YEAR = 2025  # the world's reporting period lies in 2025


@pytest.fixture
def world():
    return build_world()


def _open(world, **kwargs):
    return services.evaluation_open(
        actor=world.users["coordinator"], plan=world.plan_a, year=YEAR, **kwargs
    )


def _part(evaluation, task, agency) -> EvaluationPart:
    return EvaluationPart.objects.get(evaluation=evaluation, task=task, agency=agency)


def _fill(**extra):
    return {
        "completion": "mostly",
        "score": "88.5",
        "achievements": "完成年度目标。",
        "problems": "",
        "next_steps": "继续推进。",
        "evidence": "https://example.org/a",
        **extra,
    }


def test_open_creates_one_part_per_task_and_carrying_agency_prefilled(world):
    report = world.report_a1_commerce
    report.state = ReportState.ACCEPTED
    report.achievements = "建成商标品牌指导站。"
    report.problems = "经费不足。"
    report.percent = 60
    report.is_typical_case = True
    report.save()
    indicator = world.plan_a.indicators.create(
        name="专利质押融资额", unit="亿元", target=10, target_year=2026
    )
    IndicatorValue.objects.create(
        indicator=indicator, year=YEAR, value=Decimal("3.5"), reported_by=world.hainan_commerce
    )
    evaluation = _open(world, scale_max=5)
    keys = set(EvaluationPart.objects.filter(evaluation=evaluation).values_list("task", "agency"))
    # The NIPA department owes no reports on this plan: no part for it.
    assert keys == {
        (world.a1.pk, world.hainan_office.pk),
        (world.a1.pk, world.hainan_commerce.pk),
        (world.a2.pk, world.hainan_office.pk),
    }
    part = _part(evaluation, world.a1, world.hainan_commerce)
    assert "建成商标品牌指导站。" in part.achievements
    assert part.problems == "经费不足。"
    assert part.percent == 60
    assert "典型案例" in part.evidence
    assert "专利质押融资额" in part.evidence and "3.5亿元" in part.evidence
    assert part.state == PartState.DRAFT
    assert (
        Event.objects.filter(data__evaluation=evaluation.pk, kind="evaluation_opened").count() == 1
    )


def test_only_the_coordinator_opens_and_only_once(world):
    for name in ("liaison", "local_viewer", "other_coordinator"):
        with pytest.raises(PermissionDenied):
            services.evaluation_open(actor=world.users[name], plan=world.plan_a, year=YEAR)
    assert not SelfEvaluation.objects.exists()
    _open(world)
    with pytest.raises(ValidationError):
        _open(world)
    assert SelfEvaluation.objects.count() == 1


def test_liaison_saves_and_submits_own_part(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    saved = services.part_save(actor=world.users["liaison"], part=part, version=1, **_fill())
    assert saved.version == 2 and saved.state == PartState.DRAFT
    assert saved.score == Decimal("88.50")
    submitted = services.part_submit(actor=world.users["liaison"], part=part, version=2, **_fill())
    assert submitted.state == PartState.SUBMITTED
    assert submitted.submitted_by == world.users["liaison"]


def test_other_agencies_and_viewers_cannot_edit(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    for name in ("local_viewer", "other_liaison", "nipa_viewer"):
        with pytest.raises(PermissionDenied):
            services.part_save(actor=world.users[name], part=part, version=1, **_fill())
    # The coordinator's agency is the office: not the commerce part either.
    with pytest.raises(PermissionDenied):
        services.part_save(actor=world.users["coordinator"], part=part, version=1, **_fill())
    part.refresh_from_db()
    assert part.version == 1 and part.score is None


def test_part_for_a_task_the_agency_does_not_carry(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    Responsibility.objects.filter(task=world.a1, agency=world.hainan_commerce).delete()
    with pytest.raises(ValidationError, match="不承担任务"):
        services.part_save(actor=world.users["liaison"], part=part, version=1, **_fill())
    part.refresh_from_db()
    assert part.version == 1 and part.score is None


@pytest.mark.parametrize("score", ["101", "-1", "abc", "NaN", "Infinity"])
def test_score_off_the_scale_is_refused(world, score):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    with pytest.raises(ValidationError):
        services.part_save(actor=world.users["liaison"], part=part, version=1, **_fill(score=score))
    part.refresh_from_db()
    assert part.version == 1 and part.score is None


def test_score_on_a_five_point_scale(world):
    evaluation = _open(world, scale_max=5)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    with pytest.raises(ValidationError, match="0 到 5"):
        services.part_save(actor=world.users["liaison"], part=part, version=1, **_fill(score="6"))
    saved = services.part_save(
        actor=world.users["liaison"], part=part, version=1, **_fill(score="4.5")
    )
    assert saved.score == Decimal("4.50")


def test_stale_version_is_a_conflict_and_overwrites_nothing(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    services.part_save(
        actor=world.users["liaison"], part=part, version=1, **_fill(achievements="第一稿")
    )
    with pytest.raises(ValidationError, match="保存冲突"):
        services.part_save(
            actor=world.users["liaison"], part=part, version=1, **_fill(achievements="旧稿")
        )
    part.refresh_from_db()
    assert part.achievements == "第一稿" and part.version == 2


def test_submit_requires_completion_score_and_achievements(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    with pytest.raises(ValidationError, match="提交前请填写"):
        services.part_submit(
            actor=world.users["liaison"], part=part, version=1, **_fill(score="", completion="")
        )
    part.refresh_from_db()
    assert part.state == PartState.DRAFT and part.version == 1


def test_returned_then_resubmitted_then_accepted(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    liaison, coordinator = world.users["liaison"], world.users["coordinator"]
    services.part_submit(actor=liaison, part=part, version=1, **_fill())
    with pytest.raises(ValidationError, match="原因"):
        services.part_review(actor=coordinator, part=part, accept=False, reason="  ")
    with pytest.raises(PermissionDenied):
        services.part_review(actor=liaison, part=part, accept=True)
    returned = services.part_review(actor=coordinator, part=part, accept=False, reason="补充佐证")
    assert returned.state == PartState.RETURNED and returned.return_reason == "补充佐证"
    resubmitted = services.part_submit(
        actor=liaison, part=part, version=returned.version, **_fill(evidence="附件：照片")
    )
    assert resubmitted.state == PartState.SUBMITTED
    accepted = services.part_review(actor=coordinator, part=part, accept=True)
    assert accepted.state == PartState.ACCEPTED and accepted.return_reason == ""
    # Accepted: the agency may no longer change it.
    with pytest.raises(ValidationError):
        services.part_save(actor=liaison, part=part, version=accepted.version, **_fill())
    kinds = list(
        Event.objects.filter(data__part=part.pk).order_by("pk").values_list("kind", "actor")
    )
    assert kinds == [
        ("evaluation_submitted", liaison.pk),
        ("evaluation_returned", coordinator.pk),
        ("evaluation_submitted", liaison.pk),
        ("evaluation_accepted", coordinator.pk),
    ]


def test_freeze_once_and_then_nothing_is_editable(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    services.part_submit(actor=world.users["liaison"], part=part, version=1, **_fill())
    with pytest.raises(PermissionDenied):
        services.evaluation_freeze(actor=world.users["liaison"], evaluation=evaluation)
    assessed = services.evaluation_assess(
        actor=world.users["coordinator"], evaluation=evaluation, assessment="总体良好。", version=1
    )
    frozen = services.evaluation_freeze(actor=world.users["coordinator"], evaluation=evaluation)
    assert frozen.is_frozen and frozen.frozen_by == world.users["coordinator"]
    with pytest.raises(ValidationError, match="不能重复冻结"):
        services.evaluation_freeze(actor=world.users["coordinator"], evaluation=evaluation)
    with pytest.raises(ValidationError, match="已冻结"):
        services.part_review(actor=world.users["coordinator"], part=part, accept=True)
    office_part = _part(evaluation, world.a2, world.hainan_office)
    with pytest.raises(ValidationError, match="已冻结"):
        services.part_save(actor=world.users["coordinator"], part=office_part, version=1, **_fill())
    with pytest.raises(ValidationError, match="已冻结"):
        services.evaluation_assess(
            actor=world.users["coordinator"],
            evaluation=evaluation,
            assessment="改写",
            version=assessed.version + 1,
        )
    evaluation.refresh_from_db()
    assert evaluation.assessment == "总体良好。"
    part.refresh_from_db()
    assert part.state == PartState.SUBMITTED


def test_database_refuses_bad_rows(world):
    evaluation = _open(world)
    part = _part(evaluation, world.a1, world.hainan_commerce)
    for field, value in (("score", Decimal("-1")), ("percent", 101), ("completion", "x")):
        with pytest.raises(IntegrityError), transaction.atomic():
            EvaluationPart.objects.filter(pk=part.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationPart.objects.filter(pk=part.pk).update(state="returned", return_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfEvaluation.objects.filter(pk=evaluation.pk).update(state="frozen")
