"""Forms of the administrator's user pages. They parse input only; the rules (scope, unique
names, the last membership) live in administration.services.users, whose ValidationErrors
name the same fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Role

MAX_SHEET_BYTES = 2 * 1024 * 1024


class Form(forms.Form):
    """Labels without a trailing colon: they sit above their inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AgencyRoleForm(Form):
    agency = forms.ModelChoiceField(label=_("单位"), queryset=Agency.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class UserCreateForm(AgencyRoleForm):
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    username = forms.CharField(label=_("用户名"), max_length=150)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    email = forms.CharField(label=_("邮箱"), max_length=254, required=False)

    field_order = ["full_name", "username", "agency", "role", "phone", "email"]


class UserEditForm(Form):
    full_name = forms.CharField(label=_("姓名"), max_length=150)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    email = forms.CharField(label=_("邮箱"), max_length=254, required=False)


class TokenIssueForm(Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("例如：省政务平台数据同步。令牌只显示一次，请立即妥善保存。"),
    )


class UserSearchForm(Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)


class UserImportForm(Form):
    sheet = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("仅限 .xlsx，第一行为表头：姓名、用户名、单位、角色、手机、邮箱。"),
    )

    def clean_sheet(self) -> Any:
        sheet = self.cleaned_data["sheet"]
        if not sheet.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if sheet.size > MAX_SHEET_BYTES:
            raise forms.ValidationError(_("文件过大，最大 2 MB。"))
        return sheet
