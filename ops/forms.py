"""Django's form renderer with its commonest templates written in Python.

Every form field on a page goes through several template renders (the field group, its
label, its widget, its error list and, for a select, one include per option): ~0.5 ms a
field, ~4 ms for the eight fields of 我的任务's filters and a task's status form. The
templates below are small and fixed, so they are produced here with exactly the same
output as Django's own (tests/ops/test_forms.py compares the two on every widget kind the
project uses); any other template, and any case not covered here, goes to Django's.

The rules copied from the template engine: `{{ x }}` is localised and escaped unless it is
already safe; `{{ x|stringformat:'s' }}` is `"%s" % x`, escaped unless `x` was safe; the
renderer strips the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "hidden", "number", "checkbox", "date", "datetime", "time",
        "email", "password", "url", "search", "tel", "color",
    )
)  # fmt: skip
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _out(value: Any) -> str:
    """`{{ value }}` (django.template.base.render_value_in_context)."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: a safe value stays as it is (the filter is is_safe)."""
    text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting, kept exactly
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: Mapping[str, Any] | None) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    if not attrs:
        return ""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - as {% if %}
    return (
        f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _widget_input(context: Mapping[str, Any]) -> str | None:
    return _input(context["widget"])


def _widget_textarea(context: Mapping[str, Any]) -> str | None:
    widget = context["widget"]
    value = _out(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _widget_select(context: Mapping[str, Any]) -> str | None:
    widget = context["widget"]
    parts = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None  # another option template: Django renders the whole select
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_out(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _label(context: Mapping[str, Any]) -> str | None:
    """django/forms/label.html."""
    label = _out(context["label"])
    if not context["use_tag"]:
        return label
    tag = _out(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _field(context: Mapping[str, Any]) -> str | None:
    """django/forms/field.html, for a field without a fieldset (those go to Django)."""
    field = context["field"]
    if field.use_fieldset:
        return None
    label = _out(field.label_tag()) if field.label else ""
    helptext = ""
    if field.help_text:
        field_id = f' id="{_out(field.auto_id)}_helptext"' if field.auto_id else ""
        helptext = f'<div class="helptext"{field_id}>{field.help_text}</div>'
    errors = field.errors
    error_html = _out(errors) if errors else ""
    return f"{label}\n\n{helptext}\n{error_html}\n{_out(field)}"


_FAST: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **dict.fromkeys(_INPUT_TEMPLATES, _widget_input),
    "django/forms/widgets/textarea.html": _widget_textarea,
    "django/forms/widgets/select.html": _widget_select,
    "django/forms/label.html": _label,
    "django/forms/field.html": _field,
}


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: the templates above in Python, the rest through Django's."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        fast = _FAST.get(template_name)
        if fast is not None:
            html = fast(context)
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
