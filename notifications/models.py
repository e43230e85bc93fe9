"""In-app notifications (the bell) and outgoing deliveries (e-mail, robot webhooks).

Every message carries a dedupe key naming what it is about (`reminder:42`, `event:977`):
a unique constraint makes each one exist once per recipient and channel, ever, whatever
retries or re-runs happen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from ops.db import enum_check
from reports.models import ReportingPeriod
from tasks.models import Task


class Kind(models.TextChoices):
    REMINDER = "reminder", _("催报提醒")
    ESCALATION = "escalation", _("逾期督办")
    REPORT = "report", _("报告动态")
    EXTENSION = "extension", _("延期申请")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=100)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"
            ),
            enum_check(field="kind", choices=Kind, name="notification_kind_valid"),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("机器人(企业微信/钉钉)")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One message on one outside channel to one address: sent by a job, retried alone."""

    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=500)
    subject = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"))
    dedupe_key = models.CharField(_("去重键"), max_length=100)
    state = models.CharField(
        _("状态"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发通知")
        verbose_name_plural = _("外发通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address", "dedupe_key"], name="delivery_once_per_address"
            ),
            enum_check(field="channel", choices=Channel, name="delivery_channel_valid"),
            enum_check(field="state", choices=DeliveryState, name="delivery_state_valid"),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="delivery_state_idx"),
            # A fan-out looks up what it has just written by its key.
            models.Index(fields=["dedupe_key"], name="delivery_dedupe_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.subject}"


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
