"""The body of a dashboard table, built in Python.

The national overview has ~330 plans × 17 columns and a NIPA department shares ~600 tasks:
the template loop over every cell (a forloop, an if and a filter each) took most of those
pages' time. Each value is localised and escaped exactly as `{{ cell }}` would be.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape
from typing import Any

from django import template
from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from ops.tables import Table

register = template.Library()


def _text(value: object, decimal_separator: str) -> str:
    # A plain str (most cells: names and labels) takes what django.utils.html.escape applies
    # to it, html.escape, without that function's lazy-string wrapper and SafeString: ~3,000
    # cells a national page. A SafeString (a subclass) is not a plain str: it goes below.
    if type(value) is str:
        return escape(value)
    if value is None:
        return "—"
    if isinstance(value, str):
        return str(conditional_escape(value))
    if not settings.USE_THOUSAND_SEPARATOR:
        # What localize() gives for these, without its per-call format lookups.
        if type(value) is int:
            return str(value)
        if type(value) is Decimal and value.is_finite():
            return f"{value:f}".replace(".", decimal_separator)
    return str(conditional_escape(localize(template_localtime(value))))


def _cells(values: Iterable[Any], separator: str) -> list[str]:
    """Each value as `_text` writes it; a plain str or int (most cells of the national
    tables) written in the comprehension itself, without a call per cell."""
    if settings.USE_THOUSAND_SEPARATOR:
        return [_text(value, separator) for value in values]
    return [
        str(value)
        if type(value) is int
        else escape(value)
        if type(value) is str
        else _text(value, separator)
        for value in values
    ]


@register.simple_tag
def table_body(table: Table, row_header: int = 0) -> SafeString:
    """`<tr>` rows of `table`; column `row_header` (1-based) is the row's header cell."""
    if not table.rows:
        empty = conditional_escape(_("暂无数据。"))
        return mark_safe(f'<tr><td colspan="{len(table.headers)}">{empty}</td></tr>')  # noqa: S308 - escaped above  # nosec B308 B703
    separator = get_format("DECIMAL_SEPARATOR")
    header = row_header - 1
    rows = []
    for row in table.rows:
        cells = _cells(row, separator)
        if 0 <= header < len(cells):
            before, after = cells[:header], cells[header + 1 :]
            rows.append(
                "<tr>"
                + (f"<td>{'</td><td>'.join(before)}</td>" if before else "")
                + f'<th scope="row">{cells[header]}</th>'
                + (f"<td>{'</td><td>'.join(after)}</td>" if after else "")
                + "</tr>"
            )
        else:
            rows.append(f"<tr><td>{'</td><td>'.join(cells)}</td></tr>" if cells else "<tr></tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped in _text  # nosec B308 B703


@register.simple_tag
def select_options(choices: list[tuple[object, object]], selected: object = None) -> SafeString:
    """`<option>`s for (value, label) pairs, the one equal to `selected` selected: what
    `{% for value, label in choices %}<option value="{{ value }}"{% if value == selected %}
    selected{% endif %}>{{ label }}</option>{% endfor %}` gives, without a template loop over
    the ~330 plans or regions of a national page."""
    separator = get_format("DECIMAL_SEPARATOR")
    values = _cells((value for value, _label in choices), separator)
    labels = _cells((label for _value, label in choices), separator)
    return mark_safe(  # noqa: S308 - every value escaped in _text  # nosec B308 B703
        "".join(
            f'<option value="{value_text}"'
            f"{' selected' if value == selected else ''}>{label_text}</option>"
            for (value, _label), value_text, label_text in zip(choices, values, labels, strict=True)
        )
    )
