"""督办: a 督办单 (SupervisionNotice) on one task, work item or overdue report, sent to one or
more agencies. Each recipient agency moves on its own row (NoticeRecipient):

    交办 issued → 签收 acknowledged → 反馈 responded → 办结 closed
                                          ↘ 退回 returned → 反馈 again

Every step is a row of the append-only SupervisionStep (and an event on the timeline).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies import rules
from agencies.models import Agency
from ops.compiled import AnyOf
from ops.db import AppendOnlyModel, enum_check
from plans.models import Plan
from reports.models import ProgressReport
from tasks.models import Task, WorkItem


class Level(models.TextChoices):
    GENERAL = "general", _("一般")
    KEY = "key", _("重点")
    LISTED = "listed", _("挂牌")  # 挂牌督办: the highest


class RecipientState(models.TextChoices):
    ISSUED = "issued", _("已交办")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RESPONDED = "responded", _("已反馈")
    CLOSED = "closed", _("已办结")
    RETURNED = "returned", _("已退回")


# The agency owes the next move (签收 or 反馈): these are reminded through the digest.
OWED_BY_AGENCY = (RecipientState.ISSUED, RecipientState.ACKNOWLEDGED, RecipientState.RETURNED)
OPEN = (*OWED_BY_AGENCY, RecipientState.RESPONDED)


class StepKind(models.TextChoices):
    ISSUED = "issued", _("交办")
    ACKNOWLEDGED = "acknowledged", _("签收")
    RESPONDED = "responded", _("反馈")
    CLOSED = "closed", _("办结")
    RETURNED = "returned", _("退回")
    URGED = "urged", _("催办")


class NoticeQuerySet(models.QuerySet["SupervisionNotice"]):
    def visible_to(self, user: rules.User) -> NoticeQuerySet:
        """The plan's lead agency (who issues), the recipient agencies, and NIPA viewers."""
        mine, everything = rules.visibility(user)
        return self.visible_to_agencies(mine, everything=everything)

    def visible_to_agencies(self, mine: list[int], *, everything: bool) -> NoticeQuerySet:
        """`visible_to` for a member of the agencies `mine`, who reads everything when
        `everything`. Given agencies, the SQL is the same for any number of them (one array,
        `AnyOf`): a caller may compile it (ops/compiled.py)."""
        if everything:
            return self.all()
        if not mine:
            return self.none()
        receives = NoticeRecipient.objects.filter(notice=OuterRef("pk")).filter(
            AnyOf("agency_id", mine)
        )
        return self.filter(Q(AnyOf("plan__lead_agency_id", mine)) | Exists(receives))


class SupervisionNotice(models.Model):
    """督办单 〔year〕number号 of the issuing agency: on exactly one target."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="supervision_notices"
    )
    issuing_agency = models.ForeignKey(
        Agency, verbose_name=_("督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("编号"))
    task = models.ForeignKey(
        Task,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("工作要点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("进展报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    subject = models.TextField(_("督办事项"))
    reason = models.TextField(_("督办理由"))
    deadline = models.DateField(_("办理时限"))
    level = models.CharField(_("督办级别"), max_length=16, choices=Level.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("交办时间"), auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_agency", "year", "number"], name="notice_unique_number"
            ),
            enum_check(field="level", choices=Level, name="notice_level_valid"),
            models.CheckConstraint(
                condition=(
                    Q(task__isnull=False, work_item__isnull=True, report__isnull=True)
                    | Q(task__isnull=True, work_item__isnull=False, report__isnull=True)
                    | Q(task__isnull=True, work_item__isnull=True, report__isnull=False)
                ),
                name="notice_one_target",
            ),
        ]
        indexes = [models.Index(fields=["plan", "-issued_at"], name="notice_plan_idx")]

    def __str__(self) -> str:
        return self.number_label

    @property
    def number_label(self) -> str:
        return _("督办单 〔%(year)d〕%(number)d号") % {"year": self.year, "number": self.number}

    @property
    def target_task(self) -> Task:
        """The task the target belongs to (the task itself, or its work item's or report's)."""
        if self.task_id:
            return self.task  # type: ignore[return-value]
        if self.work_item_id:
            return self.work_item.task  # type: ignore[union-attr]
        return self.report.task  # type: ignore[union-attr]

    @property
    def target_label(self) -> str:
        """The target as the 督办单 names it: the task's number and title, then the work item
        or the report."""
        task = self.target_task
        text = _("任务 %(label)s%(title)s") % {"label": task.label, "title": task.title}
        if self.work_item_id:
            item = self.work_item.title  # type: ignore[union-attr]
            return f"{text} · " + _("工作要点：%(title)s") % {"title": item}
        if self.report_id:
            report = self.report
            return f"{text} · " + _("%(agency)s %(period)s进展报告") % {
                "agency": report.agency.name,  # type: ignore[union-attr]
                "period": report.period.label,  # type: ignore[union-attr]
            }
        return text

    @property
    def target_url(self) -> str:
        if self.work_item_id:
            return reverse("tasks:work_item_detail", args=[self.work_item_id])
        if self.report_id:
            return reverse("reports:report_detail", args=[self.report_id])
        return reverse("tasks:task_detail", args=[self.task_id])


class NoticeRecipient(models.Model):
    """One recipient agency of a notice, with its own state."""

    notice = models.ForeignKey(
        SupervisionNotice,
        verbose_name=_("督办单"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="supervision_recipients",
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    state = models.CharField(
        _("状态"), max_length=16, choices=RecipientState.choices, default=RecipientState.ISSUED
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    response = models.TextField(_("反馈内容"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    # 催办: set by the coordinator; the next reminder digest lists it.
    urged_at = models.DateTimeField(_("催办时间"), null=True, blank=True)
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["notice", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "agency"], name="recipient_unique"),
            enum_check(field="state", choices=RecipientState, name="recipient_state_valid"),
        ]
        indexes = [models.Index(fields=["agency", "state"], name="recipient_agency_idx")]

    def __str__(self) -> str:
        return f"{self.notice} · {self.agency}"

    @property
    def is_open(self) -> bool:
        return self.state != RecipientState.CLOSED


class SupervisionStep(AppendOnlyModel):
    """Who did what to which recipient, when, from which state to which, with what text
    (and evidence, for 反馈). Append-only: the model refuses, and PostgreSQL too (0002)."""

    notice = models.ForeignKey(
        SupervisionNotice, verbose_name=_("督办单"), on_delete=models.PROTECT, related_name="steps"
    )
    recipient = models.ForeignKey(
        NoticeRecipient,
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="steps",
    )
    kind = models.CharField(_("环节"), max_length=16, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    from_state = models.CharField(_("变更前"), max_length=16, blank=True)
    to_state = models.CharField(_("变更后"), max_length=16, blank=True)
    text = models.TextField(_("内容"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="supervision/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    evidence_type = models.CharField(_("文件类型"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("督办环节")
        verbose_name_plural = _("督办环节")
        ordering = ["created_at", "pk"]
        constraints = [enum_check(field="kind", choices=StepKind, name="step_kind_valid")]

    def __str__(self) -> str:
        return f"{self.notice} · {self.get_kind_display()}"

    @property
    def from_label(self) -> str:
        return _state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return _state_label(self.to_state)


def _state_label(value: str) -> str:
    return str(RecipientState(value).label) if value in RecipientState.values else value
