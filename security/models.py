"""The security log: who logged in, failed, was locked out or refused, what was exported,
what an administrator did. Append-only: on PostgreSQL a trigger refuses any UPDATE, and any
DELETE of an entry younger than the retention floor (180 days), so the log an assessor reads
is the log that was written."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ops.db import enum_check


class Kind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("账号锁定")
    LOGOUT = "logout", _("退出登录")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    REFUSED = "refused", _("拒绝访问")
    EXPORT = "export", _("数据导出")
    ADMIN_ACTION = "admin_action", _("后台管理操作")
    ADMINISTRATION = "administration", _("管理操作")


class SecurityEvent(models.Model):
    # No foreign key to the user: an entry outlives the account it names, and deleting a
    # user must not rewrite (SET NULL) the log.
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("用户编号"), null=True, blank=True)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    method = models.CharField(_("请求方法"), max_length=8, blank=True)
    path = models.CharField(_("路径"), max_length=500, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")
        ordering = ["-occurred_at", "-pk"]
        constraints = [enum_check(field="kind", choices=Kind, name="security_event_kind_valid")]
        indexes = [models.Index(fields=["user_id", "-occurred_at"], name="security_user_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class PasswordState(models.Model):
    """When the user's password was last set: the expiry of the 等保 profile counts from it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="password_state",
    )
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    # A temporary password set by an administrator: the user must change it at next login.
    must_change = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("密码状态")
        verbose_name_plural = _("密码状态")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.changed_at:%Y-%m-%d}"


class Session(AbstractBaseSession):
    """Django's session row, with its signed-in user beside the signed data: the one read of
    the session on each request brings the user in the same row (security/sessions.py),
    where Django's table would need a second query for the user."""

    # Set from the data on every save (SessionStore.create_model_instance). Deleting a user
    # deletes their sessions.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "security_session"

    @classmethod
    def get_session_store_class(cls) -> type:
        from security.sessions import SessionStore  # the store imports this module

        return SessionStore
