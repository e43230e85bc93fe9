"""Forms of the 督办 pages: they parse input only; the rules live in supervision.services.

Fields a service checks (recipients, deadline) are optional here, so its message in Chinese,
naming the field, is the one the user reads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from supervision.models import Level, RecipientState
from tasks.forms import DateInput, Form


class IssueForm(Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("承办单位"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(label=_("督办级别"), choices=Level.choices, initial=Level.GENERAL)
    subject = forms.CharField(
        label=_("督办事项"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("督办理由"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("办理时限"), required=False, widget=DateInput)

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])


class RespondForm(Form):
    text = forms.CharField(
        label=_("反馈内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(label=_("佐证材料（可选）"), required=False)


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(Form):
    note = forms.CharField(
        label=_("说明（可选）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LedgerFilterForm(Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *RecipientState.choices]
    )
    level = forms.ChoiceField(
        label=_("督办级别"), required=False, choices=[("", _("全部级别")), *Level.choices]
    )
