"""Reporting periods (报送周期), progress reports (进展报告) and their attachments (佐证材料)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from agencies import rules
from agencies.models import Agency
from ops.compiled import AnyOf
from ops.db import enum_check
from plans.models import Plan
from tasks.models import Event, EventKind, Responsibility, Task


class Cadence(models.TextChoices):
    QUARTERLY = "quarterly", _("季度")
    HALF_YEARLY = "half_yearly", _("半年")
    YEARLY = "yearly", _("年度")


class ReportingPeriod(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="periods"
    )
    label = models.CharField(_("名称"), max_length=64)  # e.g. 2025年上半年
    cadence = models.CharField(_("报送频次"), max_length=16, choices=Cadence.choices)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    opens_on = models.DateField(_("开放报送日期"))
    due_on = models.DateField(_("报送截止日期"))

    class Meta:
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")
        ordering = ["plan", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="period_unique_label"),
            enum_check(field="cadence", choices=Cadence, name="period_cadence_valid"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="period_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("opens_on")),
                name="period_due_after_open",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], name="period_due_idx"),
            # 我的任务's next report due: the plan's periods by date (8.6 → 1.0 ms at scale).
            models.Index(fields=["plan", "due_on"], name="period_plan_due_idx"),
        ]

    def __str__(self) -> str:
        return self.label


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")


# What a liaison writes in a report (the forms, the API and the services name the same).
REPORT_FIELDS = ("progress", "achievements", "problems", "next_steps", "percent", "milestone")

# Handed in (已报): a report that reached the coordinator and was not sent back. A returned
# report (退回待改) is owed again; it is counted apart, never as handed in.
HANDED_IN = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def submitted_by_due() -> Q:
    """Whether a report was first submitted by its period's due date (Beijing time).

    `report_submit` stamps `submitted_at` and `is_late` at every submission, so after a
    return they describe the latest one. A report not late then was not late the first time
    either; one late then may still have been submitted in time before it was sent back,
    which its submission events tell (any submission by the due date: the first one was)."""
    in_time = Event.objects.filter(
        report=OuterRef("pk"),
        kind=EventKind.REPORT_STATE_CHANGED,
        to_value=ReportState.SUBMITTED,
        created_at__date__lte=OuterRef("period__due_on"),
    )
    return Q(is_late=False) | Exists(in_time)


# The rule of timeliness, the one every table counts by (应报 = 已报 + 退回待改 + 缺报 + not
# yet due; 已报 = 按时 + 逾期报送 + awaiting review):
def on_time_q() -> Q:
    """按时: first submitted by the due date and later accepted."""
    return Q(state=ReportState.ACCEPTED) & submitted_by_due()


def late_q() -> Q:
    """逾期报送: handed in, and first submitted after the due date."""
    return Q(state__in=HANDED_IN) & ~submitted_by_due()


class ProgressReportQuerySet(models.QuerySet["ProgressReport"]):
    def visible_to(self, user: rules.User, *, listing: bool = False) -> ProgressReportQuerySet:
        """Reports of plans the user's agency leads, of tasks it shares, or its own; a draft
        only by its own agency (nobody else, NIPA and superusers included, before it is
        submitted).

        Two shapes of the same rows. By default the rule is a check on each report, cheap
        when the caller has already narrowed the reports by an index (a task, a plan, an
        agency, a primary key, a correlated `OuterRef`). With `listing`, for when the visible
        reports themselves are what is listed or looked up in (`report__in=`): a UNION of
        id lists that indexes serve, where the check would be made on every report there is
        (≈ 1.5 s at national scale). Neither serves the other's case: the union is built
        whole however few rows the caller wants (it cost an agency page 9 → 70 ms inside a
        correlated subquery)."""
        mine, everything = rules.visibility(user)
        return self.visible_to_agencies(mine, everything=everything, listing=listing)

    def visible_to_agencies(
        self, mine: list[int], *, everything: bool, listing: bool = False
    ) -> ProgressReportQuerySet:
        """`visible_to` for a member of the agencies `mine`, who reads every plan when
        `everything` (`rules.reads_everything`). By check, the SQL is the same for any number
        of agencies (one array, `AnyOf`): a caller may compile it once per process for each
        `everything` (ops/compiled.py), given agencies (with none, nothing is visible but
        to who reads everything)."""
        own = AnyOf("agency_id", mine)
        not_private = ~Q(state=ReportState.DRAFT) | Q(own)
        if everything:
            return self.filter(not_private)
        if not mine:
            return self.none()
        if not listing:
            shares_task = Responsibility.objects.filter(task=OuterRef("task")).filter(
                AnyOf("agency_id", mine)
            )
            reached = Q(AnyOf("task__plan__lead_agency_id", mine)) | Q(own) | Exists(shares_task)
            return self.filter(reached).filter(not_private)
        # The tasks of plans my agencies lead or that they share (task_id index), and my
        # agencies' own reports (agency index). Each branch unordered: a model's default
        # ordering would join its tables in.
        led = Task.objects.filter(plan__lead_agency_id__in=mine).order_by().values("pk")
        shared = Responsibility.objects.filter(agency_id__in=mine).order_by().values("task_id")
        reports = ProgressReport.objects.order_by()
        union = (
            reports.filter(task_id__in=led.union(shared))
            .values("pk")
            .union(reports.filter(agency_id__in=mine).values("pk"))
        )
        return self.filter(pk__in=union).filter(not_private)

    def handed_in(self) -> ProgressReportQuerySet:
        return self.filter(state__in=HANDED_IN)

    def with_timeliness(self) -> ProgressReportQuerySet:
        """Each report with `by_due` (`submitted_by_due`), which `on_time` and
        `handed_in_late` read."""
        return self.annotate(
            by_due=ExpressionWrapper(submitted_by_due(), output_field=BooleanField())
        )


class ProgressReport(models.Model):
    """What one agency reported on one task for one period: unique per (task, agency, period)."""

    # The written texts, kilobytes each: what a table or a timeline of reports leaves unread.
    LONG_TEXTS: ClassVar[tuple[str, ...]] = ("progress", "achievements", "problems", "next_steps")

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("报送周期"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT
    )
    progress = models.TextField(_("进展情况"), blank=True)
    achievements = models.TextField(_("主要成效"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步计划"), blank=True)
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), null=True, blank=True)
    milestone = models.CharField(_("里程碑"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_late = models.BooleanField(_("逾期提交"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    is_typical_case = models.BooleanField(_("典型案例"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["period", "task", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency", "period"], name="report_unique_per_period"
            ),
            enum_check(field="state", choices=ReportState, name="report_state_valid"),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                name="report_percent_range",
            ),
            # Only an accepted report can be held up as a typical case.
            models.CheckConstraint(
                condition=models.Q(is_typical_case=False) | models.Q(state="accepted"),
                name="report_typical_only_accepted",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "period", "state"], name="report_agency_idx"),
            models.Index(fields=["period", "state"], name="report_period_state_idx"),
            # Typical cases are a few hundred of ~900k reports: the case library, the duties
            # page and the pack find them without reading the rest.
            models.Index(
                fields=["task"], condition=Q(is_typical_case=True), name="report_typical_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.agency} · {self.period}"

    @property
    def handed_in(self) -> bool:
        return self.state in HANDED_IN

    @property
    def on_time(self) -> bool:
        """按时 (`on_time_q`); needs `with_timeliness()`."""
        return self.state == ReportState.ACCEPTED and self.by_due

    @property
    def handed_in_late(self) -> bool:
        """逾期报送 (`late_q`); needs `with_timeliness()`."""
        return self.handed_in and not self.by_due


class Attachment(models.Model):
    """Evidence (佐证材料): stored under a generated name, served only through a checked view."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("摘要"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
