"""The annual self-evaluation (年度自评) of a plan: one evaluation per plan and year, one part
per task × agency that carries the task. Writes only through evaluations/services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from ops.db import enum_check
from plans.models import Plan
from tasks.models import Task


class EvaluationState(models.TextChoices):
    OPEN = "open", _("自评中")
    FROZEN = "frozen", _("已冻结")


class PartState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")


class Completion(models.TextChoices):
    DONE = "done", _("已完成")
    MOSTLY = "mostly", _("基本完成")
    PARTLY = "partly", _("部分完成")
    NOT_DONE = "not_done", _("未完成")


DEFAULT_SCALE_MAX = 100
# The text fields an agency fills in its part (the form, the service and the exports name the same).
PART_TEXT_FIELDS = ("achievements", "problems", "next_steps", "evidence")


class SelfEvaluation(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="self_evaluations"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    # The plan sets its own scale (百分制, 五分制 …): a part's score lies in 0..scale_max.
    scale_max = models.PositiveSmallIntegerField(_("满分"), default=DEFAULT_SCALE_MAX)
    state = models.CharField(
        _("状态"), max_length=16, choices=EvaluationState.choices, default=EvaluationState.OPEN
    )
    assessment = models.TextField(_("总体评价"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("冻结人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    # Optimistic lock for the overall assessment: a save names the version it read.
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("年度自评")
        verbose_name_plural = _("年度自评")
        ordering = ["plan", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="self_evaluation_unique_year"),
            enum_check(field="state", choices=EvaluationState, name="self_evaluation_state_valid"),
            models.CheckConstraint(
                condition=models.Q(scale_max__gte=1, scale_max__lte=1000),
                name="self_evaluation_scale_range",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="self_evaluation_year_range",
            ),
            # Frozen exactly when it carries its freeze time.
            models.CheckConstraint(
                condition=(
                    models.Q(state=EvaluationState.FROZEN, frozen_at__isnull=False)
                    | models.Q(state=EvaluationState.OPEN, frozen_at__isnull=True)
                ),
                name="self_evaluation_frozen_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.state == EvaluationState.FROZEN


class EvaluationPart(models.Model):
    """One agency's self-evaluation of one task it carries."""

    evaluation = models.ForeignKey(
        SelfEvaluation, verbose_name=_("年度自评"), on_delete=models.CASCADE, related_name="parts"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="evaluation_parts"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="evaluation_parts"
    )
    completion = models.CharField(
        _("完成情况"), max_length=16, choices=Completion.choices, blank=True
    )
    percent = models.PositiveSmallIntegerField(_("完成比例(%)"), null=True, blank=True)
    score = models.DecimalField(
        _("自评得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    achievements = models.TextField(_("主要成效"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步计划"), blank=True)
    evidence = models.TextField(_("佐证材料"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=PartState.choices, default=PartState.DRAFT
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("自评分项")
        verbose_name_plural = _("自评分项")
        ordering = ["evaluation", "task__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "task", "agency"], name="evaluation_part_unique"
            ),
            enum_check(field="state", choices=PartState, name="evaluation_part_state_valid"),
            models.CheckConstraint(
                condition=models.Q(completion="") | models.Q(completion__in=Completion.values),
                name="evaluation_part_completion_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                name="evaluation_part_percent_range",
            ),
            # The upper bound is the evaluation's scale: the service checks it.
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0),
                name="evaluation_part_score_nonnegative",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=PartState.RETURNED) | ~models.Q(return_reason=""),
                name="evaluation_part_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.agency}"

    @property
    def completion_label(self) -> str:
        return completion_label(self.completion, self.percent)


def completion_label(completion: str, percent: int | None) -> str:
    if completion:
        return str(Completion(completion).label)
    if percent is not None:
        return f"{percent}%"
    return ""
