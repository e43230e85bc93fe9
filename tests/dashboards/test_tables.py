"""Downloaded tables never carry a formula a spreadsheet would run."""

from __future__ import annotations

from ops.tables import Table, table_response


def test_cells_that_look_like_formulas_are_neutralised() -> None:
    table = Table(title="t", headers=["名称"], rows=[['=HYPERLINK("http://x")'], ["正常"]])
    text = table_response(table=table, filename="t", fmt="csv").content.decode()
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    assert "正常" in text


def test_table_cells_show_numbers_as_the_templates_would() -> None:
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    from ops.tables import Table

    values = [Decimal("0.0"), Decimal("12.5"), Decimal("100.0"), 7, None, "<b>名称</b>"]
    table = Table(title="t", headers=["v"] * len(values), rows=[values])
    for language in ("zh-hans", "en"):
        with translation.override(language):
            body = Template("{% load tables %}{% table_body table %}").render(
                Context({"table": table})
            )
            expected = "".join(
                Template("<td>{{ v|default_if_none:'—' }}</td>").render(Context({"v": v}))
                for v in values
            )
            assert body == f"<tr>{expected}</tr>"
