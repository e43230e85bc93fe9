from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from reports.models import REPORT_FIELDS, Cadence, ProgressReport


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

    @classmethod
    def for_report(cls, data: object, *, report: ProgressReport | None) -> ReportForm:
        """The form over a saved report (its texts and the version read) or a new one."""
        if report is None:
            return cls(data)
        initial = {name: getattr(report, name) for name in REPORT_FIELDS}
        return cls(data, initial={**initial, "version": report.version})


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("佐证材料（pdf、docx、xlsx、jpg、png，单个不超过 20 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 3}))


class DateInput(forms.DateInput):
    """A native date picker: its value must be ISO, whatever the locale's date format."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ScheduleForm(forms.Form):
    """The reporting schedule as a rule: cadence, first period, due day."""

    cadence = forms.ChoiceField(label=_("报送频次"), choices=Cadence.choices)
    year = forms.IntegerField(label=_("首个周期所在年度"), min_value=2000, max_value=2100)
    first = forms.IntegerField(
        label=_("首个周期（当年第几期）"),
        required=False,
        min_value=1,
        max_value=4,
        help_text=_("季度为 1–4，半年为 1–2，年度为 1。"),
    )
    due_days_after_end = forms.IntegerField(
        label=_("报送截止日（周期结束后第几天）"), initial=15, min_value=0, max_value=90
    )
    opens_days_before_end = forms.IntegerField(
        label=_("周期结束前几天开放报送"), initial=15, min_value=0, max_value=90
    )

    def clean_first(self) -> int:
        return self.cleaned_data.get("first") or 1


class ReportingSideForm(forms.Form):
    nipa_reports_required = forms.BooleanField(
        label=_("国家知识产权局司局也需按期报送进展（地方责任单位始终报送）"), required=False
    )


class PeriodForm(forms.Form):
    period = forms.IntegerField(widget=forms.HiddenInput)
    label = forms.CharField(label=_("名称"), max_length=64)
    starts_on = forms.DateField(label=_("起始日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("截止日期"), widget=DateInput)
    opens_on = forms.DateField(label=_("开放报送日期"), widget=DateInput)
    due_on = forms.DateField(label=_("报送截止日期"), widget=DateInput)


class IndicatorForm(forms.Form):
    """The coordinator's part of an indicator: baseline and target."""

    baseline = forms.DecimalField(
        label=_("基期值"), required=False, max_digits=16, decimal_places=4
    )
    baseline_year = forms.IntegerField(
        label=_("基期年份"), required=False, min_value=2000, max_value=2100
    )
    target = forms.DecimalField(label=_("目标值"), max_digits=16, decimal_places=4)
    target_year = forms.IntegerField(label=_("目标年份"), min_value=2000, max_value=2100)


class IndicatorValueForm(forms.Form):
    """An actual value, entered by a responsible agency with its source and evidence."""

    agency = forms.ModelChoiceField(label=_("报送单位"), queryset=Agency.objects.none())
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("实际值"), max_digits=16, decimal_places=4)
    source = forms.CharField(label=_("数据来源"), max_length=200)
    evidence = forms.FileField(
        label=_("佐证材料（pdf、docx、xlsx、jpg、png，单个不超过 20 MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}),
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0]


class IndicatorReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("确认")), ("return", _("退回"))])
    value = forms.DecimalField(widget=forms.HiddenInput, max_digits=16, decimal_places=4)
    reason = forms.CharField(
        label=_("退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
