"""Downloaded tables never carry a formula a spreadsheet would run."""

from __future__ import annotations

from reports.tables import Table, table_response


def test_cells_that_look_like_formulas_are_neutralised() -> None:
    table = Table(title="t", headers=["名称"], rows=[['=HYPERLINK("http://x")'], ["正常"]])
    text = table_response(table=table, filename="t", fmt="csv").content.decode()
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    assert "正常" in text
