"""Forms of the task pages. They parse input only; the rules live in tasks.services.

Field names match the keys of the services' ValidationErrors, so a refusal lands on its field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from tasks.models import ResponsibilityRole, Status, Task
from tasks.services.deadlines import (
    DeadlineRow,
    current_lead,
    date_parse,
    dates_paste_parse,
    deadline_grid_tasks,
)


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

    # The user's plans as (id, title) choices: a choice is checked against them, no query.
    plan = forms.TypedChoiceField(label=_("方案"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False)
    role = forms.ChoiceField(
        label=_("职责"),
        required=False,
        choices=[("", _("全部职责")), *ResponsibilityRole.choices],
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)

    def __init__(self, *args: Any, plans: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("全部方案")), *plans]
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


# --- 完成时限 grid ------------------------------------------------------------------------


class GridDateField(forms.Field):
    """A date typed, picked or pasted: `2025-06-30`, `2025/6/30` or `2025年6月30日`."""

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return date_parse(value or "")
        except ValueError:
            raise forms.ValidationError(
                _("“%(text)s”不是有效日期。"), params={"text": value}
            ) from None


_GRID_FIELDS = ("due", "lead", "was_due", "was_lead", "version")


class DeadlineGridForm(Form):
    """One row per task: its due date and its lead among its responsibilities. The read
    values travel in hidden fields, so a save takes only the rows the user touched."""

    paste = forms.CharField(
        label=_("从 Excel 粘贴完成时限（一行一个日期，按任务顺序）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2025-06-30\n2025/12/31"}),
    )

    def __init__(self, *args: Any, tasks: list[Task], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        for task in tasks:
            lead = current_lead(task)
            due = task.due_on.isoformat() if task.due_on else ""
            lead_id = str(lead.agency_id) if lead else ""
            choices = [("", "—")] + [
                (str(r.agency_id), r.agency.name) for r in task.responsibilities.all()
            ]
            label = _("任务 %(label)s") % {"label": task.label}
            due_attrs = {"placeholder": "2025-06-30", "size": 11, "aria-label": _("完成时限")}
            self.fields[f"due_{task.pk}"] = GridDateField(
                label=label, required=False, initial=due, widget=forms.TextInput(due_attrs)
            )
            self.fields[f"lead_{task.pk}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=choices,
                initial=lead_id,
                widget=forms.Select(attrs={"aria-label": _("牵头单位")}),
            )
            for name, value in (("was_due", due), ("was_lead", lead_id), ("version", task.version)):
                self.fields[f"{name}_{task.pk}"] = forms.CharField(
                    required=False, initial=value, widget=forms.HiddenInput
                )

    def grid(self) -> list[dict[str, Any]]:
        return [{"task": t, **{n: self[f"{n}_{t.pk}"] for n in _GRID_FIELDS}} for t in self.tasks]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            pasted = dates_paste_parse(text=data.get("paste") or "", count=len(self.tasks))
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["paste"]) from None
        if not (data.get("paste") or "").strip():
            return data
        for task, date in zip(self.tasks, pasted, strict=False):
            if date is not None:
                data[f"due_{task.pk}"] = date
        return data

    def rows(self) -> list[DeadlineRow]:
        """The rows the user changed, as the service takes them."""
        data, rows = self.cleaned_data, []
        for task in self.tasks:
            due, lead = data[f"due_{task.pk}"], data[f"lead_{task.pk}"]
            was_due = date_parse(data[f"was_due_{task.pk}"] or "")
            if due == was_due and lead == data[f"was_lead_{task.pk}"]:
                continue
            version = data[f"version_{task.pk}"]
            rows.append(
                DeadlineRow(
                    task_id=task.pk,
                    expected_version=int(version) if str(version).isdigit() else 0,
                    due_on=due,
                    lead_id=int(lead) if lead else None,
                )
            )
        return rows

    def refreshed(self, conflicts: list[tuple[Task, Any]]) -> DeadlineGridForm:
        """The same grid after a refused save: the user's values stay, the rows others
        changed show what they are now (with the new version, to save again)."""
        data = self.data.copy()
        data["paste"] = ""
        for task in self.tasks:
            due = self.cleaned_data.get(f"due_{task.pk}")
            data[f"due_{task.pk}"] = due.isoformat() if due else ""
        fresh = {t.pk: t for t in deadline_grid_tasks(plan=self.tasks[0].plan)}
        for task, _conflict in conflicts:
            current, lead = fresh[task.pk], current_lead(fresh[task.pk])
            due = current.due_on.isoformat() if current.due_on else ""
            lead_id = str(lead.agency_id) if lead else ""
            for name, value in (("due", due), ("lead", lead_id)):
                data[f"{name}_{task.pk}"] = data[f"was_{name}_{task.pk}"] = value
            data[f"version_{task.pk}"] = str(current.version)
        return DeadlineGridForm(data, tasks=list(fresh.values()))
