"""The body of a dashboard table, built in Python.

The national overview has ~330 plans × 17 columns and a NIPA department shares ~600 tasks:
the template loop over every cell (a forloop, an if and a filter each) took most of those
pages' time. Each value is localised and escaped exactly as `{{ cell }}` would be.
"""

from __future__ import annotations

from decimal import Decimal

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
    if value is None:
        return "—"
    if isinstance(value, str):  # most cells: names and labels, nothing to localise
        return str(conditional_escape(value))
    if not settings.USE_THOUSAND_SEPARATOR:
        # What localize() gives for these, without its per-call format lookups.
        if type(value) is int:
            return str(value)
        if type(value) is Decimal and value.is_finite():
            return f"{value:f}".replace(".", decimal_separator)
    return str(conditional_escape(localize(template_localtime(value))))


@register.simple_tag
def table_body(table: Table, row_header: int = 0) -> SafeString:
    """`<tr>` rows of `table`; column `row_header` (1-based) is the row's header cell."""
    if not table.rows:
        empty = conditional_escape(_("暂无数据。"))
        return mark_safe(f'<tr><td colspan="{len(table.headers)}">{empty}</td></tr>')  # noqa: S308 - escaped above  # nosec B308 B703
    separator = get_format("DECIMAL_SEPARATOR")
    # Most cells of the national tables are counts: written as _text would, without its call.
    plain_ints = not settings.USE_THOUSAND_SEPARATOR
    rows = []
    for row in table.rows:
        cells = [
            f"<td>{cell}</td>"
            if plain_ints and type(cell) is int
            else f"<td>{_text(cell, separator)}</td>"
            for cell in row
        ]
        if 0 < row_header <= len(row):
            cells[row_header - 1] = f'<th scope="row">{_text(row[row_header - 1], separator)}</th>'
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped in _text  # nosec B308 B703


@register.simple_tag
def select_options(choices: list[tuple[object, object]], selected: object = None) -> SafeString:
    """`<option>`s for (value, label) pairs, the one equal to `selected` selected: what
    `{% for value, label in choices %}<option value="{{ value }}"{% if value == selected %}
    selected{% endif %}>{{ label }}</option>{% endfor %}` gives, without a template loop over
    the ~330 plans or regions of a national page."""
    separator = get_format("DECIMAL_SEPARATOR")
    return mark_safe(  # noqa: S308 - every value escaped in _text  # nosec B308 B703
        "".join(
            f'<option value="{_text(value, separator)}"'
            f"{' selected' if value == selected else ''}>{_text(label, separator)}</option>"
            for value, label in choices
        )
    )
