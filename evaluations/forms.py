from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import DEFAULT_SCALE_MAX, Completion


class OpenForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    scale_max = forms.IntegerField(
        label=_("满分"), min_value=1, max_value=1000, initial=DEFAULT_SCALE_MAX
    )


class PartForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    completion = forms.ChoiceField(
        label=_("完成情况"), choices=[("", "—"), *Completion.choices], required=False
    )
    percent = forms.IntegerField(label=_("完成比例(%)"), min_value=0, max_value=100, required=False)
    # Bounded by the evaluation's scale in the service, which says so in a clear message.
    score = forms.DecimalField(label=_("自评得分"), required=False, decimal_places=2, max_digits=6)
    achievements = forms.CharField(
        label=_("主要成效"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    problems = forms.CharField(
        label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_steps = forms.CharField(
        label=_("下一步计划"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence = forms.CharField(
        label=_("佐证材料(文字或链接)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AssessForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assessment = forms.CharField(
        label=_("总体评价"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
