"""The job-run log and the outbox of messages waiting for the broker."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ops.db import enum_check


class Outcome(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    LOCKED = "locked", _("已有同名任务运行,跳过")
    ABANDONED = "abandoned", _("中断")


class JobRun(models.Model):
    """One run of a named job, for the admins: when, how it ended, what it counted."""

    job = models.CharField(_("任务"), max_length=64)
    as_of = models.DateField(_("业务日期"))
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=16, choices=Outcome.choices, default=Outcome.RUNNING
    )
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("任务运行记录")
        verbose_name_plural = _("任务运行记录")
        ordering = ["-started_at", "-pk"]
        constraints = [enum_check(field="outcome", choices=Outcome, name="jobrun_outcome_valid")]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_idx")]

    def __str__(self) -> str:
        return f"{self.job} {self.as_of} {self.get_outcome_display()}"


class OutboxMessage(models.Model):
    """A job to enqueue, written in the same transaction as the change that calls for it.

    If the broker is down when the transaction commits, the row stays unsent and the relay
    sends it once the broker is back: a user's save never fails because Redis did.
    """

    task_name = models.CharField(_("任务名"), max_length=200)
    kwargs = models.JSONField(_("参数"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} {self.kwargs}"
