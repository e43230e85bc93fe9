"""The secretary's forms: a meeting, its decisions, the year's work points, a pack."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=200)
    held_on = forms.DateField(label=_("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("议程(每行一项)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("参会单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, agencies: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = agencies


class DecisionForm(forms.Form):
    prefix = "decision"
    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 3}))
    task = forms.ModelChoiceField(label=_("所属任务"), queryset=None)
    agencies = forms.ModelMultipleChoiceField(
        label=_("责任单位"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    due_on = forms.DateField(label=_("完成时限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, tasks: object, agencies: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        self.fields["agencies"].queryset = agencies


class WorkPointsForm(forms.Form):
    prefix = "points"
    text = forms.CharField(
        label=_("年度工作要点"),
        help_text=_(
            "每行一项:任务序号|工作要点|完成时限(YYYY-MM-DD)|责任单位、责任单位;也可从表格直接粘贴四列。"
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class PackForm(forms.Form):
    prefix = "pack"
    formats = forms.MultipleChoiceField(
        label=_("格式"),
        choices=[("docx", "DOCX"), ("pdf", "PDF"), ("xlsx", _("XLSX 台账"))],
        initial=["docx", "pdf", "xlsx"],
        widget=forms.CheckboxSelectMultiple,
    )
