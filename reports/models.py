"""Reporting periods (报送周期), progress reports (进展报告) and their attachments (佐证材料)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from config.constraints import enum_check
from plans.models import Plan
from tasks.models import Task


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
        indexes = [models.Index(fields=["due_on"], name="period_due_idx")]

    def __str__(self) -> str:
        return self.label


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")


class ProgressReport(models.Model):
    """What one agency reported on one task for one period: unique per (task, agency, period)."""

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
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.agency} · {self.period}"


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


class Reminder(models.Model):
    """One reminder step (7 days before, 1 day before, due day, each overdue step) for one
    expected report. The unique key makes each step exist once, ever; `sent_at` is claimed
    by compare-and-set, so a re-run or a retried job sends nothing twice."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE)
    agency = models.ForeignKey(Agency, verbose_name=_("报送单位"), on_delete=models.CASCADE)
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("报送周期"), on_delete=models.CASCADE
    )
    step = models.CharField(_("提醒节点"), max_length=16)  # before_7, due, overdue_2 …
    escalated = models.BooleanField(_("已督办至牵头单位"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("催报提醒")
        verbose_name_plural = _("催报提醒")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "agency", "period", "step"], name="reminder_once_per_step"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="reminder_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.agency} · {self.period} · {self.step}"


class Scope(models.TextChoices):
    PLAN = "plan", _("方案")
    SECTION = "section", _("部分")
    AGENCY = "agency", _("单位")
    INDICATOR = "indicator", _("指标")


NIGHTLY = "nightly"


class Rollup(models.Model):
    """A snapshot of one scope of one plan on one date: tasks by status and light, reports
    expected / submitted / on time / late / missing, an indicator's target and latest value.

    Nightly rows (batch "nightly") are upserted on (batch, plan, scope_key, as_of), so a
    re-run gives the same rows. A meeting's rows (batch "meeting:<id>") are frozen: a
    PostgreSQL trigger refuses to update or delete them.
    """

    batch = models.CharField(_("批次"), max_length=32, default=NIGHTLY)
    meeting = models.ForeignKey(
        "plans.Meeting",
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rollups",
    )
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
                condition=models.Q(batch=NIGHTLY, meeting__isnull=True)
                | models.Q(batch__startswith="meeting:", meeting__isnull=False),
                name="rollup_batch_matches_meeting",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "scope", "-as_of"], name="rollup_plan_scope_idx"),
            models.Index(fields=["agency", "-as_of"], name="rollup_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.scope_key} · {self.as_of}"


class PackState(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class PackFormat(models.TextChoices):
    DOCX = "docx", "DOCX"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class MeetingPack(models.Model):
    """会议材料: one generation of a meeting's pack in the asked formats, by a background job,
    kept with the meeting to be downloaded again."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="packs"
    )
    meeting = models.ForeignKey(
        "plans.Meeting",
        verbose_name=_("会议"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="packs",
    )
    formats = models.JSONField(_("格式"), default=list)
    state = models.CharField(
        _("状态"), max_length=16, choices=PackState.choices, default=PackState.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    error = models.TextField(_("错误"), blank=True)
    docx = models.FileField(_("DOCX 文件"), upload_to="packs/%Y/", blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="packs/%Y/", blank=True)
    xlsx = models.FileField(_("XLSX 台账"), upload_to="packs/%Y/", blank=True)
    # What the format jobs render from, gathered once so the three files tell the same thing;
    # cleared when the pack is done (a frozen meeting keeps its own copy).
    data = models.JSONField(_("汇总数据"), null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议材料")
        verbose_name_plural = _("会议材料")
        ordering = ["-created_at", "-pk"]
        constraints = [
            enum_check(field="state", choices=PackState, name="pack_state_valid"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="pack_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting or self.plan} · {self.created_at:%Y-%m-%d %H:%M}"


class PackPart(models.Model):
    """One format of a pack, rendered by a job of its own so the formats are made side by side
    (the PDF alone takes most of the time); the row is what a format job claims."""

    pack = models.ForeignKey(
        MeetingPack, verbose_name=_("会议材料"), on_delete=models.CASCADE, related_name="parts"
    )
    format = models.CharField(_("格式"), max_length=8, choices=PackFormat.choices)
    state = models.CharField(
        _("状态"), max_length=16, choices=PackState.choices, default=PackState.PENDING
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会议材料格式")
        verbose_name_plural = _("会议材料格式")
        constraints = [
            models.UniqueConstraint(fields=["pack", "format"], name="pack_part_once"),
            enum_check(field="state", choices=PackState, name="pack_part_state_valid"),
            enum_check(field="format", choices=PackFormat, name="pack_part_format_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.pack_id} · {self.format}"
