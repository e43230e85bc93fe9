"""Plans (方案) and what belongs to the document: sections, indicators, guarantee measures,
and the joint committee with its meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies import rules
from agencies.models import Agency, Region
from ops.compiled import AnyOf
from ops.db import enum_check


class PlanKind(models.TextChoices):
    JOINT = "joint", _("共建方案")
    IMPLEMENTATION = "implementation", _("实施意见")
    WORK_POINTS = "work_points", _("工作要点")


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: rules.User) -> PlanQuerySet:
        """Plans the user's agencies lead or carry a task or work item in; all for NIPA
        viewers. Read through the reverse relations, so the plans app imports no task model."""
        mine, everything = rules.visibility(user)
        return self.visible_to_agencies(mine, everything=everything)

    def visible_to_agencies(self, mine: list[int], *, everything: bool) -> PlanQuerySet:
        """`visible_to` for a member of the agencies `mine`, who reads every plan when
        `everything` (`rules.reads_everything`). Given agencies, the SQL is the same for any
        number of them (one array, `AnyOf`): a caller may compile it (ops/compiled.py)."""
        if everything:
            return self.all()
        if not mine:
            return self.none()
        carries = Plan.objects.filter(AnyOf("tasks__responsibilities__agency_id", mine))
        works = Plan.objects.filter(AnyOf("tasks__work_items__agencies__id", mine))
        return self.filter(
            Q(AnyOf("lead_agency_id", mine))
            | Q(pk__in=carries.values("pk"))
            | Q(pk__in=works.values("pk"))
        )


class Plan(models.Model):
    code = models.SlugField(_("代码"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=300)
    kind = models.CharField(_("类型"), max_length=16, choices=PlanKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    issuers = models.JSONField(_("发文单位"), default=list, blank=True)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("行政区域"), on_delete=models.PROTECT, related_name="plans"
    )
    # The provincial office that leads the plan: its coordinators run it.
    lead_agency = models.ForeignKey(
        Agency, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_plans"
    )
    period_start = models.PositiveSmallIntegerField(_("起始年份"))
    period_end = models.PositiveSmallIntegerField(_("截止年份"))
    # Whether NIPA departments owe progress reports on their support (they may always comment).
    nipa_reports_required = models.BooleanField(_("国家知识产权局司局需报送"), default=False)
    source_text = models.TextField(_("原文"))
    source_sha256 = models.CharField(_("原文摘要"), max_length=64, unique=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("方案")
        verbose_name_plural = _("方案")
        ordering = ["region__name", "-issued_on"]
        constraints = [
            enum_check(field="kind", choices=PlanKind, name="plan_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["lead_agency"], name="plan_lead_idx")]

    def __str__(self) -> str:
        return self.title


class SectionKind(models.TextChoices):
    GENERAL = "general", _("总体要求")
    TASKS = "tasks", _("任务")
    GUARANTEE = "guarantee", _("保障措施")


class Section(models.Model):
    """A heading of the document: a part (`二、`) or a group of tasks (`(一)`)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    label = models.CharField(_("序号"), max_length=16)
    title = models.CharField(_("标题"), max_length=300)
    kind = models.CharField(_("类型"), max_length=16, choices=SectionKind.choices)
    order = models.PositiveIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="section_unique_order"),
            enum_check(field="kind", choices=SectionKind, name="section_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"


class Indicator(models.Model):
    """A quantitative target of the plan (`每万人口高价值发明专利拥有量达到10.2件`)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标"), max_length=200)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    baseline = models.DecimalField(
        _("基期值"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("基期年份"), null=True, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("目标年份"))
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ValueState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已确认")
    RETURNED = "returned", _("已退回")


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def counted(self) -> IndicatorValueQuerySet:
        """The values that count (dashboards, packs, the task page, the API): confirmed ones."""
        return self.filter(state=ValueState.ACCEPTED)


class IndicatorValue(models.Model):
    """A reported actual of an indicator for one year."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("实际值"), max_digits=16, decimal_places=4)
    reported_by = models.ForeignKey(
        Agency,
        verbose_name=_("报送单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="indicators/%Y/", blank=True)
    # Entered by the responsible agency, confirmed by the plan's coordinator: only confirmed
    # values count on dashboards and in packs.
    state = models.CharField(
        _("状态"), max_length=16, choices=ValueState.choices, default=ValueState.ACCEPTED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标实际值")
        verbose_name_plural = _("指标实际值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_value_unique"),
            enum_check(field="state", choices=ValueState, name="indicator_value_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class GuaranteeMeasure(models.Model):
    """保障措施: part of the document, not a tracked task."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="guarantee_measures"
    )
    label = models.CharField(_("序号"), max_length=16)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    order = models.PositiveIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("保障措施")
        verbose_name_plural = _("保障措施")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="guarantee_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"
