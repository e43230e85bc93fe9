"""A plan's reminder settings (提醒设置): read with their defaults, and set by the plan's
coordinators. An administrative change: written to the security log with the actor."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencies import rules
from agencies.rules import User
from notifications.models import EscalateTo, ReminderSettings
from plans.models import Plan
from security.models import Kind
from security.services import security_event_record

FIELDS = ("digest_hour", "escalate_to", "returned_every_workdays")


def reminder_settings_for(*, plan: Plan) -> ReminderSettings:
    """The plan's settings, or the defaults (unsaved) when it never set them."""
    return ReminderSettings.objects.filter(plan=plan).first() or ReminderSettings(plan=plan)


def reminder_settings_set(
    *,
    actor: User,
    plan: Plan,
    digest_hour: int,
    escalate_to: str,
    returned_every_workdays: int,
) -> ReminderSettings:
    if not rules.can_coordinate_plan(actor, plan):
        raise PermissionDenied(_("只有方案牵头单位的协调员可以修改提醒设置。"))
    errors = {}
    if not isinstance(digest_hour, int) or not 0 <= digest_hour <= 23:
        errors["digest_hour"] = _("每日提醒时间应为 0 到 23 之间的整点,收到的是“%(value)s”。") % {
            "value": digest_hour
        }
    if escalate_to not in EscalateTo.values:
        errors["escalate_to"] = _("请选择逾期督办的接收人。")
    if not isinstance(returned_every_workdays, int) or not 1 <= returned_every_workdays <= 20:
        errors["returned_every_workdays"] = _(
            "退回报告催报间隔应为 1 到 20 个工作日,收到的是“%(value)s”。"
        ) % {"value": returned_every_workdays}
    if errors:
        raise ValidationError(errors)
    values = {
        "digest_hour": digest_hour,
        "escalate_to": escalate_to,
        "returned_every_workdays": returned_every_workdays,
    }
    with transaction.atomic():
        current, _created = ReminderSettings.objects.select_for_update().get_or_create(plan=plan)
        before = {name: getattr(current, name) for name in FIELDS}
        for name, value in values.items():
            setattr(current, name, value)
        current.updated_by = actor
        current.save()
        security_event_record(
            kind=Kind.ADMINISTRATION,
            user=actor,
            detail={"action": "reminder_settings", "plan": plan.pk, "from": before, "to": values},
        )
    return current
