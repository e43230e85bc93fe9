"""Plans (方案) and what belongs to the document: sections, indicators, guarantee measures,
and the joint committee with its meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from config.constraints import enum_check


class PlanKind(models.TextChoices):
    JOINT = "joint", _("共建方案")
    IMPLEMENTATION = "implementation", _("实施意见")
    WORK_POINTS = "work_points", _("工作要点")


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
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指标实际值")
        verbose_name_plural = _("指标实际值")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_value_unique")
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


class Committee(models.Model):
    """强省建设委员会: the joint committee of one plan."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="committee"
    )
    name = models.CharField(_("名称"), max_length=200)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        through="CommitteeMember",
        related_name="committees",
    )

    class Meta:
        verbose_name = _("委员会")
        verbose_name_plural = _("委员会")

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, verbose_name=_("委员会"), on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE
    )
    agency = models.ForeignKey(Agency, verbose_name=_("单位"), on_delete=models.PROTECT)
    position = models.CharField(_("职务"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("委员会成员")
        verbose_name_plural = _("委员会成员")
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="committee_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.committee} · {self.user}"


class Meeting(models.Model):
    """年度工作会议 of a committee."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("委员会"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    attendees = models.ManyToManyField(
        Agency, verbose_name=_("参会单位"), blank=True, related_name="meetings"
    )
    frozen_at = models.DateTimeField(_("数据冻结时间"), null=True, blank=True)
    # What the meeting pack shows, captured when the rollup is frozen: the pack is rendered
    # from it, so a pack generated again has the same content (a trigger keeps it unchanged).
    pack_data = models.JSONField(_("会议材料数据"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["committee", "-held_on"]
        indexes = [models.Index(fields=["committee", "held_on"], name="meeting_date_idx")]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """议定事项: what the meeting decided. Each one becomes a work item, tracked until closed,
    and the next meeting's pack reports on it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="decisions"
    )
    order = models.PositiveIntegerField(_("顺序"))
    text = models.TextField(_("议定事项"))
    work_item = models.OneToOneField(
        "tasks.WorkItem",
        verbose_name=_("工作要点"),
        on_delete=models.PROTECT,
        related_name="decision",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="decision_unique_order")
        ]

    def __str__(self) -> str:
        return self.text[:50]
