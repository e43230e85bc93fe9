"""In-app notifications (the bell), outgoing deliveries (e-mail, robot webhooks), and the
reminder digests (今日待办) with each plan's reminder settings.

Every message carries a dedupe key naming what it is about (`digest:42`, `event:977`):
a unique constraint makes each one exist once per recipient and channel, ever, whatever
retries or re-runs happen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from ops.db import enum_check
from plans.models import Plan


class Kind(models.TextChoices):
    REMINDER = "reminder", _("催报提醒")
    ESCALATION = "escalation", _("逾期督办")
    REPORT = "report", _("报告动态")
    EXTENSION = "extension", _("延期申请")
    DIGEST = "digest", _("今日待办")


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


class EscalateTo(models.TextChoices):
    COORDINATORS = "coordinators", _("方案牵头单位的协调员")
    WITH_ADMINS = "with_admins", _("协调员及牵头单位管理员")


DEFAULT_DIGEST_HOUR = 8


class ReminderSettings(models.Model):
    """A plan's reminder settings, set by its coordinators; a plan without a row uses the
    defaults of the fields."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="reminder_settings"
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("每日提醒时间(时)"), default=DEFAULT_DIGEST_HOUR
    )
    escalate_to = models.CharField(
        _("逾期督办发送给"),
        max_length=16,
        choices=EscalateTo.choices,
        default=EscalateTo.COORDINATORS,
    )
    returned_every_workdays = models.PositiveSmallIntegerField(
        _("退回报告催报间隔(工作日)"), default=2
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_hour__lte=23), name="reminder_settings_hour_range"
            ),
            models.CheckConstraint(
                condition=models.Q(returned_every_workdays__gte=1)
                & models.Q(returned_every_workdays__lte=20),
                name="reminder_settings_returned_range",
            ),
            enum_check(
                field="escalate_to", choices=EscalateTo, name="reminder_settings_escalate_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.digest_hour}:00"


class Digest(models.Model):
    """今日待办: one person's (or one agency robot's) reminders of one day, sent as one
    message per channel. `addressee` is `user:<id>` or `robot:<agency id>`; one per day."""

    addressee = models.CharField(_("接收方"), max_length=32)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_digests",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("单位机器人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("日期"))
    item_count = models.PositiveIntegerField(_("事项数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("今日待办")
        verbose_name_plural = _("今日待办")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["addressee", "day"], name="digest_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=True) ^ models.Q(agency__isnull=True),
                name="digest_one_addressee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.addressee} · {self.day}"


class DigestEntry(models.Model):
    """One item in one digest. (addressee, key) is unique: each item at each reminder step
    reaches each person once, ever, whatever re-runs happen."""

    digest = models.ForeignKey(
        Digest, verbose_name=_("今日待办"), on_delete=models.CASCADE, related_name="entries"
    )
    addressee = models.CharField(_("接收方"), max_length=32)
    key = models.CharField(_("事项键"), max_length=200)
    kind = models.CharField(_("类型"), max_length=24)
    plan = models.ForeignKey(Plan, verbose_name=_("方案"), on_delete=models.CASCADE)
    agency = models.ForeignKey(Agency, verbose_name=_("单位"), on_delete=models.CASCADE)
    title = models.CharField(_("事项"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    escalated = models.BooleanField(_("督办"), default=False)

    class Meta:
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        ordering = ["digest", "plan", "agency", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["addressee", "key"], name="digest_entry_once")
        ]
        indexes = [models.Index(fields=["key"], name="digest_entry_key_idx")]

    def __str__(self) -> str:
        return self.title
