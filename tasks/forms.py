"""Forms of the task pages. They parse input only; the rules live in tasks.services.

Field names match the keys of the services' ValidationErrors, so a refusal lands on its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from plans.models import Plan
from tasks.models import ResponsibilityRole, Status


class DateInput(forms.DateInput):
    """A native date picker: its value must be ISO, whatever the locale's date format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class Form(forms.Form):
    """Labels without a trailing colon: they sit above their inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _status_choices(*, blank: bool = False, completed: bool = True) -> list[tuple[str, Any]]:
    choices = [(v, label) for v, label in Status.choices if completed or v != Status.COMPLETED]
    return [("", _("全部状态")), *choices] if blank else choices


class MyTasksFilterForm(Form):
    """我的任务 filters: a GET form, so every filter lives in the URL."""

    plan = forms.ModelChoiceField(
        label=_("方案"), queryset=Plan.objects.none(), required=False, empty_label=_("全部方案")
    )
    status = forms.ChoiceField(label=_("状态"), required=False)
    role = forms.ChoiceField(
        label=_("职责"),
        required=False,
        choices=[("", _("全部职责")), *ResponsibilityRole.choices],
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["status"].choices = _status_choices(blank=True)
        self.fields["q"].widget.attrs["placeholder"] = _("标题或正文中的词语")


class StatusForm(Form):
    status = forms.ChoiceField(label=_("状态"), choices=_status_choices())
    reason = forms.CharField(label=_("变更原因"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class WorkItemStatusForm(StatusForm):
    """Completed is 办结, a form of its own with a note."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _status_choices(completed=False)


class CommentForm(Form):
    text = forms.CharField(
        label=_("评论"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WorkItemForm(Form):
    title = forms.CharField(label=_("标题"), max_length=300)
    body = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    due_on = forms.DateField(label=_("完成时限"), widget=DateInput)
    agencies = forms.ModelMultipleChoiceField(
        label=_("责任单位"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies


class WorkItemEditForm(WorkItemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(Form):
    note = forms.CharField(label=_("办结说明"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExtensionRequestForm(Form):
    agency = forms.ModelChoiceField(label=_("申请单位"), queryset=Agency.objects.none())
    new_due_on = forms.DateField(label=_("申请延至"), widget=DateInput)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0]


class ExtensionDecideForm(Form):
    decision = forms.ChoiceField(
        label=_("审批意见"),
        choices=[("grant", _("同意延期")), ("refuse", _("不同意"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
