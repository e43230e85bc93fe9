"""Every write of a self-evaluation: keyword-only, atomic, permission-checked, each state
change recorded on the event timeline (tasks.Event, the plan's and the part's task's) with its
actor. Bad input raises ValidationError with
a message for the user, and nothing is changed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from evaluations.models import (
    DEFAULT_SCALE_MAX,
    PART_TEXT_FIELDS,
    Completion,
    EvaluationPart,
    EvaluationState,
    PartState,
    SelfEvaluation,
)
from evaluations.selectors import carries, carrying_responsibilities, prefill_for
from plans.models import Plan
from tasks.events import event_record
from tasks.models import EventKind

EDITABLE_PART_STATES = (PartState.DRAFT, PartState.RETURNED)
MAX_TEXT = 20_000


def _log(
    *,
    evaluation: SelfEvaluation,
    actor: User | None,
    kind: str,
    part: EvaluationPart | None = None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
) -> None:
    """An event on the plan's timeline (and the part's task's), naming the evaluation and the
    part in its data: the evaluation page lists its own events by them."""
    data: dict[str, Any] = {"evaluation": evaluation.pk, "year": evaluation.year}
    if part is not None:
        data["part"] = part.pk
    event_record(
        actor=actor,
        kind=kind,
        plan=evaluation.plan,
        task=part.task if part is not None else None,
        agency=part.agency if part is not None else None,
        from_value=from_value,
        to_value=to_value,
        reason=reason,
        data=data,
    )


def _require_coordinator(actor: User, plan: Plan) -> None:
    if not rules.can_coordinate_plan(actor, plan):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以执行此操作。"))


def _require_open(evaluation: SelfEvaluation) -> None:
    if evaluation.is_frozen:
        raise ValidationError(_("本年度自评已冻结，不能再修改。"))


@transaction.atomic
def evaluation_open(
    *, actor: User, plan: Plan, year: int, scale_max: int = DEFAULT_SCALE_MAX
) -> SelfEvaluation:
    """Open the year's evaluation with one part per task × carrying agency, pre-filled."""
    _require_coordinator(actor, plan)
    if not (plan.period_start - 1 <= year <= plan.period_end + 1):
        raise ValidationError(
            _("年度须在方案实施期(%(start)d—%(end)d年)内。")
            % {"start": plan.period_start, "end": plan.period_end}
        )
    if not 1 <= scale_max <= 1000:
        raise ValidationError(_("满分须在 1 到 1000 之间。"))
    if SelfEvaluation.objects.filter(plan=plan, year=year).exists():
        raise ValidationError(_("%(year)d年度自评已经发起。") % {"year": year})
    evaluation = SelfEvaluation.objects.create(
        plan=plan, year=year, scale_max=scale_max, opened_by=actor
    )
    fills = prefill_for(plan=plan, year=year)
    parts = []
    for resp in carrying_responsibilities(plan=plan):
        fill = fills.get((resp.task_id, resp.agency_id))
        part = EvaluationPart(evaluation=evaluation, task_id=resp.task_id, agency_id=resp.agency_id)
        if fill is not None:
            part.achievements = fill.achievements
            part.problems = fill.problems
            part.next_steps = fill.next_steps
            part.evidence = fill.evidence
            part.percent = fill.percent
        parts.append(part)
    EvaluationPart.objects.bulk_create(parts)
    _log(
        evaluation=evaluation,
        actor=actor,
        kind=EventKind.EVALUATION_OPENED,
        to_value=EvaluationState.OPEN,
        reason=_("%(count)d 个分项") % {"count": len(parts)},
    )
    return evaluation


def _locked_part(part: EvaluationPart) -> EvaluationPart:
    return (
        EvaluationPart.objects.select_for_update()
        .select_related("evaluation", "evaluation__plan", "task", "task__plan", "agency")
        .get(pk=part.pk)
    )


def can_edit_part(user: User, part: EvaluationPart) -> bool:
    """A member of the part's agency with reporting rights (liaison or coordinator)."""
    return part.agency_id in rules.reporting_agency_ids(user)


def part_is_editable(
    *, evaluation: SelfEvaluation, part: EvaluationPart, agency_ids: set[int]
) -> bool:
    """Whether a member of `agency_ids` (`rules.reporting_agency_ids`) may still change the
    part: the year not frozen, the part its agency's, a draft or returned. The page shows the
    form by it; `part_save` refuses by the same three checks, each with its own message."""
    return (
        not evaluation.is_frozen
        and part.agency_id in agency_ids
        and part.state in EDITABLE_PART_STATES
    )


def part_is_reviewable(
    *, evaluation: SelfEvaluation, part: EvaluationPart, coordinates: bool
) -> bool:
    """Whether the plan's coordinator (`coordinates`) may accept or return the part now."""
    return not evaluation.is_frozen and coordinates and part.state == PartState.SUBMITTED


def _check_editor(actor: User, part: EvaluationPart) -> None:
    if not can_edit_part(actor, part):
        raise PermissionDenied(_("只能填写本单位的自评分项。"))
    if not carries(task=part.task, agency_id=part.agency_id):
        raise ValidationError(
            _("%(agency)s 不承担任务“%(task)s”,不能填写其自评。")
            % {"agency": part.agency.name, "task": part.task.title}
        )


def _check_version(current: int, version: int | None) -> None:
    if version is not None and version != current:
        raise ValidationError(
            _("保存冲突：他人已修改此内容，请刷新页面后重新填写。"), code="conflict"
        )


def clean_score(value: Any, *, scale_max: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        score = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("得分须为数字。")) from exc
    if not score.is_finite() or score < 0 or score > scale_max:
        raise ValidationError(
            _("得分须在 0 到 %(max)d 之间。") % {"max": scale_max}, code="score_range"
        )
    return score


def _clean_completion(completion: str, percent: Any) -> tuple[str, int | None]:
    completion = completion or ""
    if completion and completion not in Completion.values:
        raise ValidationError(_("完成情况无效。"))
    if percent is None or percent == "":
        return completion, None
    try:
        number = int(percent)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("完成比例须为 0 到 100 的整数。")) from exc
    if not 0 <= number <= 100:
        raise ValidationError(_("完成比例须为 0 到 100 的整数。"))
    return completion, number


@transaction.atomic
def part_save(
    *,
    actor: User,
    part: EvaluationPart,
    version: int | None,
    completion: str = "",
    percent: Any = None,
    score: Any = None,
    achievements: str = "",
    problems: str = "",
    next_steps: str = "",
    evidence: str = "",
    submit: bool = False,
) -> EvaluationPart:
    """Save (and with `submit`, hand in) an agency's part. A stale `version` is a conflict:
    nothing is overwritten."""
    part = _locked_part(part)
    _require_open(part.evaluation)
    _check_editor(actor, part)
    if part.state not in EDITABLE_PART_STATES:
        raise ValidationError(
            _("此分项%(state)s,不能修改。") % {"state": PartState(part.state).label}
        )
    _check_version(part.version, version)
    texts = {
        "achievements": achievements,
        "problems": problems,
        "next_steps": next_steps,
        "evidence": evidence,
    }
    if any(len(v or "") > MAX_TEXT for v in texts.values()):
        raise ValidationError(_("内容过长(每项不超过 %(n)d 字)。") % {"n": MAX_TEXT})
    part.completion, part.percent = _clean_completion(completion, percent)
    part.score = clean_score(score, scale_max=part.evaluation.scale_max)
    for name in PART_TEXT_FIELDS:
        setattr(part, name, (texts[name] or "").strip())
    before = part.state
    if submit:
        missing = []
        if not part.completion and part.percent is None:
            missing.append(_("完成情况"))
        if part.score is None:
            missing.append(_("自评得分"))
        if not part.achievements:
            missing.append(_("主要成效"))
        if missing:
            raise ValidationError(
                _("提交前请填写：%(fields)s。") % {"fields": "、".join(str(m) for m in missing)}
            )
        part.state = PartState.SUBMITTED
        part.submitted_by = actor
        part.submitted_at = timezone.now()
    part.version = F("version") + 1
    part.save()
    part.refresh_from_db()
    if submit:  # a saved draft is no change of state: the timeline records the submission
        _log(
            evaluation=part.evaluation,
            part=part,
            actor=actor,
            kind=EventKind.EVALUATION_SUBMITTED,
            from_value=before,
            to_value=part.state,
        )
    return part


def part_submit(*, actor: User, part: EvaluationPart, version: int | None, **fields: Any) -> Any:
    return part_save(actor=actor, part=part, version=version, submit=True, **fields)


@transaction.atomic
def part_review(
    *, actor: User, part: EvaluationPart, accept: bool, reason: str = "", version: int | None = None
) -> EvaluationPart:
    """The coordinator accepts a submitted part or returns it with a reason."""
    part = _locked_part(part)
    _require_open(part.evaluation)
    _require_coordinator(actor, part.evaluation.plan)
    _check_version(part.version, version)
    if part.state != PartState.SUBMITTED:
        raise ValidationError(_("只能审核已提交的自评分项。"))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError(_("退回时请写明原因。"))
    before = part.state
    part.state = PartState.ACCEPTED if accept else PartState.RETURNED
    part.return_reason = "" if accept else reason
    part.reviewed_by = actor
    part.reviewed_at = timezone.now()
    part.version = F("version") + 1
    part.save()
    part.refresh_from_db()
    _log(
        evaluation=part.evaluation,
        part=part,
        actor=actor,
        kind=EventKind.EVALUATION_ACCEPTED if accept else EventKind.EVALUATION_RETURNED,
        from_value=before,
        to_value=part.state,
        reason=reason,
    )
    return part


def _locked_evaluation(evaluation: SelfEvaluation) -> SelfEvaluation:
    return SelfEvaluation.objects.select_for_update().select_related("plan").get(pk=evaluation.pk)


@transaction.atomic
def evaluation_assess(
    *, actor: User, evaluation: SelfEvaluation, assessment: str, version: int | None
) -> SelfEvaluation:
    evaluation = _locked_evaluation(evaluation)
    _require_coordinator(actor, evaluation.plan)
    _require_open(evaluation)
    _check_version(evaluation.version, version)
    if len(assessment or "") > MAX_TEXT:
        raise ValidationError(_("内容过长(每项不超过 %(n)d 字)。") % {"n": MAX_TEXT})
    evaluation.assessment = (assessment or "").strip()
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["assessment", "version"])
    evaluation.refresh_from_db()
    _log(evaluation=evaluation, actor=actor, kind=EventKind.EVALUATION_ASSESSED)
    return evaluation


@transaction.atomic
def evaluation_freeze(*, actor: User, evaluation: SelfEvaluation) -> SelfEvaluation:
    """Freeze the evaluation: from now on nothing in it may change."""
    evaluation = _locked_evaluation(evaluation)
    _require_coordinator(actor, evaluation.plan)
    if evaluation.is_frozen:
        raise ValidationError(_("本年度自评已冻结，不能重复冻结。"), code="frozen")
    evaluation.state = EvaluationState.FROZEN
    evaluation.frozen_by = actor
    evaluation.frozen_at = timezone.now()
    evaluation.version = F("version") + 1
    evaluation.save(update_fields=["state", "frozen_by", "frozen_at", "version"])
    evaluation.refresh_from_db()
    _log(
        evaluation=evaluation,
        actor=actor,
        kind=EventKind.EVALUATION_FROZEN,
        from_value=EvaluationState.OPEN,
        to_value=EvaluationState.FROZEN,
    )
    return evaluation
