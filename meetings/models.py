"""The joint committee (强省建设委员会), its meetings, their decisions (议定事项) and the
meeting packs (会议材料) generated for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from dashboards.models import Rollup
from ops.db import enum_check
from plans.models import Plan


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

    @property
    def rollup_batch(self) -> str:
        return f"meeting:{self.pk}"

    @property
    def rollups(self) -> QuerySet[Rollup]:
        """The rows frozen for this meeting."""
        return Rollup.objects.filter(batch=self.rollup_batch)


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
        Meeting,
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
