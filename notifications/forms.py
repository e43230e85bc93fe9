from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import EscalateTo

_HOUR_MESSAGE = _("每日提醒时间应为 0 到 23 之间的整点。")
_CYCLE_MESSAGE = _("退回报告催报间隔应为 1 到 20 个工作日。")


class ReminderSettingsForm(forms.Form):
    digest_hour = forms.IntegerField(
        label=_("每日提醒时间(时,0–23)"),
        min_value=0,
        max_value=23,
        error_messages={
            "min_value": _HOUR_MESSAGE,
            "max_value": _HOUR_MESSAGE,
            "invalid": _HOUR_MESSAGE,
            "required": _("请填写每日提醒时间。"),
        },
    )
    escalate_to = forms.ChoiceField(label=_("逾期督办发送给"), choices=EscalateTo.choices)
    returned_every_workdays = forms.IntegerField(
        label=_("退回报告催报间隔(工作日)"),
        min_value=1,
        max_value=20,
        error_messages={
            "min_value": _CYCLE_MESSAGE,
            "max_value": _CYCLE_MESSAGE,
            "invalid": _CYCLE_MESSAGE,
            "required": _("请填写退回报告催报间隔。"),
        },
    )
