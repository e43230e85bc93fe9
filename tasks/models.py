"""Tasks (任务), who carries them, their yearly work items, and the event timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.utils.translation import gettext_lazy as _

from agencies import rules
from agencies.models import Agency, Side
from ops.db import AppendOnlyModel, enum_check
from plans.models import Plan, Section


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    ON_TRACK = "on_track", _("正常推进")
    AT_RISK = "at_risk", _("存在风险")
    BEHIND = "behind", _("滞后")
    COMPLETED = "completed", _("已完成")
    ONGOING = "ongoing", _("持续推进")


class ResponsibilityRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    CO = "co", _("配合")
    RESPONSIBLE = "responsible", _("责任单位")


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: rules.User) -> TaskQuerySet:
        """Every task of a visible plan: the plan is one document, read as a whole."""
        mine, everything = rules.visibility(user)
        return self.visible_to_agencies(mine, everything=everything)

    def visible_to_agencies(self, mine: list[int], *, everything: bool) -> TaskQuerySet:
        """`visible_to` for a member of the agencies `mine` (`Plan.objects.visible_to_agencies`:
        compilable)."""
        if everything:
            return self.all()
        return self.filter(plan__in=Plan.objects.visible_to_agencies(mine, everything=False))


class Task(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="tasks"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("章节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    number = models.PositiveIntegerField(_("编号"))
    label = models.CharField(_("序号"), max_length=16)  # as written: `1.` or `(一)`
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)
    # The responsibility list ends in 等: the agencies named are not all who carry it.
    non_exhaustive = models.BooleanField(_("责任单位未列尽"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    status_changed_at = models.DateTimeField(_("状态更新时间"), null=True, blank=True)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    # Optimistic lock: a save names the version it read; a stale one is a conflict.
    version = models.PositiveIntegerField(_("版本"), default=1)
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("责任单位"),
        through="Responsibility",
        through_fields=("task", "agency"),
        related_name="tasks",
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number"),
            enum_check(field="status", choices=Status, name="task_status_valid"),
        ]
        indexes = [
            models.Index(fields=["plan", "status"], name="task_plan_status_idx"),
            # The overview's red tasks, soonest due first: read in due order, stopped at a page
            # (4.5 → 2.4 ms at 7,244 tasks, most of them red).
            models.Index(fields=["due_on"], name="task_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"


def owes_report_q() -> Q:
    """The owed report, defined once: every local agency named on a task owes a report each
    period; a NIPA department only where its plan says NIPA reports too; a collective unit
    never (its members' own rows owe instead)."""
    return (Q(side=Side.LOCAL) | Q(task__plan__nipa_reports_required=True)) & Q(
        agency__is_collective=False
    )


class ResponsibilityQuerySet(models.QuerySet["Responsibility"]):
    def owing_reports(self) -> ResponsibilityQuerySet:
        return self.filter(owes_report_q())

    def with_owes_report(self) -> ResponsibilityQuerySet:
        """Every responsibility, each marked `owes_report` (for bulk readers like the rollup)."""
        return self.annotate(
            owes_report=ExpressionWrapper(owes_report_q(), output_field=models.BooleanField())
        )


class Responsibility(models.Model):
    """One agency named in a task's closing parenthesis, in the order written."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    side = models.CharField(_("所属方"), max_length=8, choices=Side.choices)
    role = models.CharField(_("职责"), max_length=16, choices=ResponsibilityRole.choices)
    order = models.PositiveIntegerField(_("顺序"))
    written = models.CharField(_("原文写法"), max_length=200, blank=True)
    # Set when this agency carries the task as a member of a collective unit named in the text
    # (各市县 → each city): the collective's own row owes nothing, its members' rows do.
    via_collective = models.ForeignKey(
        Agency,
        verbose_name=_("所属集合单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="member_responsibilities",
    )

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "agency"], name="responsibility_unique"),
            enum_check(field="side", choices=Side, name="responsibility_side_valid"),
            enum_check(field="role", choices=ResponsibilityRole, name="responsibility_role_valid"),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="responsibility_agency_idx")]

    def __str__(self) -> str:
        return f"{self.task} · {self.agency} · {self.get_role_display()}"


class WorkItemSource(models.TextChoices):
    COORDINATOR = "coordinator", _("协调员创建")
    DECISION = "decision", _("会议议定")
    WORK_POINTS = "work_points", _("年度工作要点")


class WorkItem(models.Model):
    """工作要点/年度任务: the tracked unit of one year under a task."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="work_items"
    )
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"), blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    due_on = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    source = models.CharField(
        _("来源"),
        max_length=16,
        choices=WorkItemSource.choices,
        default=WorkItemSource.COORDINATOR,
    )
    agencies = models.ManyToManyField(Agency, verbose_name=_("责任单位"), related_name="work_items")
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_note = models.TextField(_("办结说明"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工作要点")
        verbose_name_plural = _("工作要点")
        ordering = ["task", "due_on", "pk"]
        constraints = [
            enum_check(field="status", choices=Status, name="work_item_status_valid"),
            enum_check(field="source", choices=WorkItemSource, name="work_item_source_valid"),
        ]
        indexes = [models.Index(fields=["due_on", "status"], name="work_item_due_idx")]

    def __str__(self) -> str:
        return self.title


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("未同意")


class ExtensionRequest(models.Model):
    """延期申请: an agency asks the coordinator to move a work item's due date."""

    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("工作要点"),
        on_delete=models.CASCADE,
        related_name="extension_requests",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_due_on = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["work_item", "-created_at"]
        constraints = [
            enum_check(field="state", choices=ExtensionState, name="extension_state_valid"),
            # One open question at a time: a second request waits for the first decision.
            models.UniqueConstraint(
                fields=["work_item"],
                condition=models.Q(state="pending"),
                name="extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_item} → {self.requested_due_on}"


class EventKind(models.TextChoices):
    PLAN_IMPORTED = "plan_imported", _("导入方案")
    PLAN_REVISED = "plan_revised", _("修订方案")
    STATUS_CHANGED = "status_changed", _("状态变更")
    RESPONSIBILITY_CHANGED = "responsibility_changed", _("责任分工变更")
    WORK_ITEM_CREATED = "work_item_created", _("创建工作要点")
    WORK_ITEM_CHANGED = "work_item_changed", _("修改工作要点")
    WORK_ITEM_CLOSED = "work_item_closed", _("工作要点办结")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_DECIDED = "extension_decided", _("延期审批")
    REPORT_STATE_CHANGED = "report_state_changed", _("报告状态变更")
    REPORT_FLAGGED = "report_flagged", _("典型案例标记")
    COMMENTED = "commented", _("评论")
    ROLLUP_FROZEN = "rollup_frozen", _("冻结会议统计")
    AGENCY_CONFIRMED = "agency_confirmed", _("单位核实")
    AGENCY_MERGED = "agency_merged", _("单位合并")
    COLLECTIVE_MAPPED = "collective_mapped", _("集合单位分解")
    DEADLINE_CHANGED = "deadline_changed", _("完成时限变更")
    INDICATOR_VALUE = "indicator_value", _("指标实际值")
    ATTACHMENT_ADDED = "attachment_added", _("上传佐证材料")
    ATTACHMENT_REMOVED = "attachment_removed", _("删除佐证材料")
    MEETING_CREATED = "meeting_created", _("创建会议")
    DECISION_RECORDED = "decision_recorded", _("记录议定事项")
    PACK_REQUESTED = "pack_requested", _("申请生成会议材料")
    PACK_DONE = "pack_done", _("会议材料已生成")
    PERIODS_CREATED = "periods_created", _("新建报送周期")
    PERIOD_CHANGED = "period_changed", _("修改报送周期")
    SUPERVISION_ISSUED = "supervision_issued", _("督办交办")
    SUPERVISION_ACKNOWLEDGED = "supervision_acknowledged", _("督办签收")
    SUPERVISION_RESPONDED = "supervision_responded", _("督办反馈")
    SUPERVISION_CLOSED = "supervision_closed", _("督办办结")
    SUPERVISION_RETURNED = "supervision_returned", _("督办退回")
    SUPERVISION_URGED = "supervision_urged", _("督办催办")
    EVALUATION_OPENED = "evaluation_opened", _("发起年度自评")
    EVALUATION_SUBMITTED = "evaluation_submitted", _("提交自评")
    EVALUATION_RETURNED = "evaluation_returned", _("退回自评")
    EVALUATION_ACCEPTED = "evaluation_accepted", _("采纳自评")
    EVALUATION_ASSESSED = "evaluation_assessed", _("填写自评总体评价")
    EVALUATION_FROZEN = "evaluation_frozen", _("冻结年度自评")


class Event(AppendOnlyModel):
    """The append-only timeline: who, when, from what, to what, why.

    Never updated or deleted: the model refuses, and on PostgreSQL a trigger refuses too
    (migration 0002), so not even a raw query or the admin can rewrite history.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices)
    # Empty for the few events about no single plan (an agency confirmed or merged).
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("工作要点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    report = models.ForeignKey(
        "reports.ProgressReport",
        verbose_name=_("进展报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    from_value = models.CharField(_("变更前"), max_length=200, blank=True)
    to_value = models.CharField(_("变更后"), max_length=200, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-created_at", "-pk"]
        constraints = [enum_check(field="kind", choices=EventKind, name="event_kind_valid")]
        indexes = [
            models.Index(fields=["task", "-created_at"], name="event_task_idx"),
            models.Index(fields=["plan", "-created_at"], name="event_plan_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.from_value}→{self.to_value}"

    # Statuses and extension states are stored as codes; the timeline shows their labels.
    @property
    def from_label(self) -> str:
        return _value_label(self.from_value)

    @property
    def to_label(self) -> str:
        return _value_label(self.to_value)


def _value_label(value: str) -> str:
    for choices in (Status, ExtensionState):
        if value in choices.values:
            return str(choices(value).label)
    return value


class PlanImportState(models.TextChoices):
    PENDING = "pending", _("排队中")
    PARSING = "parsing", _("识别中")
    PARSED = "parsed", _("待确认")
    IMPORTING = "importing", _("导入中")
    DONE = "done", _("已导入")
    FAILED = "failed", _("失败")


class PlanImportJob(models.Model):
    """A document too large to be parsed by a web worker (over IMPORT_INLINE_MAX_BYTES):
    kept here while background jobs parse it for the preview and, once confirmed, import it.
    Writes only through tasks/services/plan_import_jobs.py."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The upload as sent (at most IMPORT_MAX_UPLOAD_BYTES): in the database, so it commits
    # with the row and any worker can read it. Empty for pasted text.
    document = models.BinaryField(_("文件"), null=True, blank=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    # The pasted text; for an upload, the text the parse job decoded from it.
    text = models.TextField(_("文本"), blank=True, editable=False)
    # The form's overrides: they win over what the parser finds.
    title = models.CharField(_("标题"), max_length=300, blank=True)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    region = models.CharField(_("地区"), max_length=100, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=PlanImportState.choices, default=PlanImportState.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # What the parser made of it, for the preview (ParsedPlan as JSON).
    parsed = models.JSONField(_("识别结果"), null=True, blank=True, editable=False)
    # The coordinator's choice for each unknown name, by its index in the preview.
    name_choices = models.JSONField(_("单位对应"), default=dict, blank=True)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Set by the job holding the row (its claim's token); cleared when the import is queued.
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("方案导入任务")
        verbose_name_plural = _("方案导入任务")
        ordering = ["-created_at", "-pk"]
        constraints = [
            enum_check(field="state", choices=PlanImportState, name="plan_import_state_valid"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="plan_import_progress_range"
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="plan_import_state_idx")]

    def __str__(self) -> str:
        return f"{self.filename or _('粘贴文本')} ({self.get_state_display()})"
