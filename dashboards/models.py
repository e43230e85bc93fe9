"""Rollups (统计快照): the numbers the dashboards, trend lines and meeting packs show."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from ops.db import enum_check
from plans.models import Plan
from reports.models import ReportingPeriod


class Scope(models.TextChoices):
    PLAN = "plan", _("方案")
    SECTION = "section", _("部分")
    AGENCY = "agency", _("单位")
    INDICATOR = "indicator", _("指标")


NIGHTLY = "nightly"


class Rollup(models.Model):
    """A snapshot of one scope of one plan on one date: tasks by status and light, reports
    expected / submitted / on time / late / returned / missing (the rule: rollup_gather's
    `OwedReports`), an indicator's target and latest value.

    Nightly rows (batch "nightly") are upserted on (batch, plan, scope_key, as_of), so a
    re-run gives the same rows. A meeting's rows (batch "meeting:<id>") are frozen: a
    PostgreSQL trigger refuses to update or delete them. The batch names the meeting rather
    than a foreign key to it, so rollups (below meetings in the layers) never point upward.
    """

    batch = models.CharField(_("批次"), max_length=32, default=NIGHTLY)
    as_of = models.DateField(_("统计日期"))
    scope = models.CharField(_("范围"), max_length=16, choices=Scope.choices)
    scope_key = models.CharField(_("范围键"), max_length=40)
    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="rollups"
    )
    section = models.ForeignKey(
        "plans.Section", verbose_name=_("部分"), null=True, blank=True, on_delete=models.CASCADE
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE
    )
    indicator = models.ForeignKey(
        "plans.Indicator",
        verbose_name=_("指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    tasks_total = models.PositiveIntegerField(_("任务数"), default=0)
    status_not_started = models.PositiveIntegerField(_("未启动"), default=0)
    status_on_track = models.PositiveIntegerField(_("正常推进"), default=0)
    status_at_risk = models.PositiveIntegerField(_("存在风险"), default=0)
    status_behind = models.PositiveIntegerField(_("滞后"), default=0)
    status_completed = models.PositiveIntegerField(_("已完成"), default=0)
    status_ongoing = models.PositiveIntegerField(_("持续推进"), default=0)
    light_red = models.PositiveIntegerField(_("红灯"), default=0)
    light_amber = models.PositiveIntegerField(_("黄灯"), default=0)
    light_green = models.PositiveIntegerField(_("绿灯"), default=0)
    reports_expected = models.PositiveIntegerField(_("应报"), default=0)
    reports_submitted = models.PositiveIntegerField(_("已报"), default=0)
    reports_on_time = models.PositiveIntegerField(_("按时"), default=0)
    reports_late = models.PositiveIntegerField(_("逾期报送"), default=0)
    reports_returned = models.PositiveIntegerField(_("退回待改"), default=0)
    reports_missing = models.PositiveIntegerField(_("缺报"), default=0)
    # The current period alone: the latest one open on the date.
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("当前报送周期"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period_expected = models.PositiveIntegerField(_("本期应报"), default=0)
    period_submitted = models.PositiveIntegerField(_("本期已报"), default=0)
    period_on_time = models.PositiveIntegerField(_("本期按时"), default=0)
    period_late = models.PositiveIntegerField(_("本期逾期报送"), default=0)
    period_returned = models.PositiveIntegerField(_("本期退回待改"), default=0)
    period_missing = models.PositiveIntegerField(_("本期缺报"), default=0)
    indicator_target = models.DecimalField(
        _("目标值"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    indicator_value = models.DecimalField(
        _("最新实际值"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    indicator_year = models.PositiveSmallIntegerField(_("实际值年份"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        ordering = ["-as_of", "plan", "scope", "scope_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "plan", "scope_key", "as_of"], name="rollup_unique_scope_date"
            ),
            enum_check(field="scope", choices=Scope, name="rollup_scope_valid"),
            models.CheckConstraint(
                condition=models.Q(batch=NIGHTLY) | models.Q(batch__startswith="meeting:"),
                name="rollup_batch_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "scope", "-as_of"], name="rollup_plan_scope_idx"),
            models.Index(fields=["agency", "-as_of"], name="rollup_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.scope_key} · {self.as_of}"

    @property
    def meeting_id(self) -> int | None:
        """The meeting a frozen row was written for; None for a nightly row."""
        prefix, _sep, pk = self.batch.partition(":")
        return int(pk) if prefix == "meeting" and pk.isdigit() else None


class TrendPoint(models.Model):
    """One province on one night: its plans' tasks (its cities' and counties' plans among
    them) and how many of those are moving (正常推进 + 持续推进 + 已完成), summed from that
    night's plan rows when the nightly rollup writes them (`rollups.trend_points_write`).

    The national overview's trend reads ~30 of these a night for a user who sees every plan,
    instead of grouping every plan's 90 nightly rows through three region joins; a user who
    sees some plans only gets the same sums from the plan rows (`selectors.trend_series`).
    `province` is null for plans whose region has no province above it (shown as —): one
    such row a night at most, as the writer groups by province.
    """

    as_of = models.DateField(_("统计日期"))
    province = models.ForeignKey(
        Region,
        verbose_name=_("省份"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    tasks_total = models.PositiveIntegerField(_("任务数"), default=0)
    moving = models.PositiveIntegerField(_("推进中任务数"), default=0)

    class Meta:
        verbose_name = _("推进率走势点")
        verbose_name_plural = _("推进率走势点")
        ordering = ["as_of", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "province"],
                name="trendpoint_unique_province_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province or '—'} · {self.as_of}"
