"""The search page's form: a GET form, so a search is a URL that can be shared."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from search.selectors import MAX_QUERY_CHARS


class SearchForm(forms.Form):
    # No max_length here: a query too long gets the selector's message (with its length),
    # the same as the API's, not the form's generic one.
    q = forms.CharField(label=_("检索词"), required=False, strip=True)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    plan = forms.TypedChoiceField(label=_("方案"), required=False, coerce=int, empty_value=None)
    region = forms.TypedChoiceField(label=_("省份"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("如：地理标志 保护"), "maxlength": MAX_QUERY_CHARS * 5}
        )
        self.fields["kind"].choices = [("", _("全部类型")), *choices["kinds"]]
        self.fields["plan"].choices = [("", _("全部方案")), *choices["plans"]]
        self.fields["region"].choices = [("", _("全部省份")), *choices["regions"]]
        self.fields["status"].choices = [("", _("全部状态")), *choices["statuses"]]
