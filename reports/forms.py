from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import Cadence


class ReportForm(forms.Form):
    progress = forms.CharField(
        label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    achievements = forms.CharField(
        label=_("主要成效"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("下一步计划"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    percent = forms.IntegerField(label=_("完成进度(%)"), required=False, min_value=0, max_value=100)
    milestone = forms.CharField(label=_("里程碑"), required=False, max_length=200)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("佐证材料（pdf、docx、xlsx、jpg、png，单个不超过 20 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleForm(forms.Form):
    cadence = forms.ChoiceField(label=_("报送频次"), choices=Cadence.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_days_before_end = forms.IntegerField(
        label=_("周期结束前几天开放报送"), initial=15, min_value=0, max_value=90
    )
    due_days_after_end = forms.IntegerField(
        label=_("周期结束后几天截止"), initial=15, min_value=0, max_value=90
    )
