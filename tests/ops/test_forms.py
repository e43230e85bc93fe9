"""ops.forms.FormRenderer writes the commonest form templates in Python: its HTML must be
Django's own, byte for byte, for every kind of field the project's forms use."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest
from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ops.forms import FormRenderer

TRICKY = "<b>\"A&B\" 'c'</b>"


# fmt: off
class Everything(forms.Form):
    required_css_class = "required"

    text = forms.CharField(
        label=_("搜索"), max_length=100, help_text=_("标题或正文中的词语"),
        widget=forms.TextInput(attrs={"placeholder": TRICKY, "autofocus": True}),
    )
    number = forms.IntegerField(label="Number", required=False, min_value=0)
    amount = forms.DecimalField(label="Amount", required=False)
    day = forms.DateField(
        label="Day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    moment = forms.DateTimeField(label="Moment", required=False)
    flag = forms.BooleanField(label=_("只看逾期"), required=False)
    plan = forms.ChoiceField(
        label=_("方案"), required=False,
        choices=[("", _("全部方案")), (ModelChoiceIteratorValue(7, None), TRICKY), (3, 2024)],
    )
    grouped = forms.ChoiceField(
        label="Grouped", required=False,
        choices=[("Group <1>", [("a", "A"), ("b", mark_safe("<i>B</i>"))]), ("c", "C")],
    )
    many = forms.MultipleChoiceField(
        label="Many", required=False, choices=[("x", "X"), ("y", "Y"), ("z", "Z")]
    )
    body = forms.CharField(label=_("变更原因"), widget=forms.Textarea(attrs={"rows": 2}))
    secret = forms.CharField(label="Secret", required=False, widget=forms.PasswordInput)
    mail = forms.EmailField(label="Mail", required=False)
    link = forms.URLField(label="Link", required=False, assume_scheme="https",
        disabled=True, initial="https://a.b/?x=1&y=2",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    radio = forms.ChoiceField(
        label="Radio", required=False, widget=forms.RadioSelect,
        choices=[("1", "One"), ("2", "Two")],
    )
    boxes = forms.MultipleChoiceField(
        label="Boxes", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("1", "One"), ("2", "Two")],
    )
    unlabelled = forms.CharField(label="", required=False)
    punctuated = forms.CharField(label="Why?", required=False, label_suffix=":")
# fmt: on


CASES: dict[str, dict[str, Any]] = {
    "unbound": {"initial": {"text": TRICKY, "amount": decimal.Decimal("1.50"), "flag": True,
                            "day": dt.date(2026, 11, 30), "version": 3, "body": TRICKY,
                            "moment": dt.datetime(2026, 11, 30, 8, 5, tzinfo=dt.UTC),
                            "plan": 3, "many": ["x", "z"], "grouped": "b"}},
    "bound, valid": {"data": {"text": "词语", "number": "5", "flag": "on", "plan": "7",
                              "grouped": "a", "many": ["y"], "body": "x\ny", "version": "4",
                              "radio": "2", "boxes": ["1", "2"]}},
    "bound, invalid": {"data": {"text": "", "number": "-1", "amount": "x", "mail": "not",
                                "body": "", "version": "v", "plan": "nope", "many": ["q"]}},
}  # fmt: skip


def _render_all(renderer: Any, case: dict[str, Any]) -> list[str]:
    form = Everything(renderer=renderer, **case)
    form.is_valid() if form.is_bound else None
    out = [str(form), form.as_div(), form.as_p(), form.as_table()]
    for field in form:
        out += [field.as_field_group(), str(field), field.label_tag(), str(field.errors)]
    return out


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", list(CASES))
def test_python_templates_give_djangos_html(case: str, language: str) -> None:
    with translation.override(language):
        fast = _render_all(FormRenderer(), CASES[case])
        django = _render_all(DjangoTemplates(), CASES[case])
    assert fast == django
    assert "&lt;b&gt;&quot;A&amp;B&quot; &#x27;c&#x27;&lt;/b&gt;" in fast[0]  # escaped once


def test_the_project_renders_forms_with_it(settings: Any) -> None:
    assert settings.FORM_RENDERER == "ops.forms.FormRenderer"
    assert isinstance(Everything().renderer, FormRenderer)
