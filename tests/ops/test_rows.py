"""A text cut for a table (ops/rows.py) prints as `|truncatechars` printed it."""

from __future__ import annotations

import pytest
from django.utils.text import Truncator

from ops.rows import cut_text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "成效显著",
        "长" * 200,  # exactly the length: whole
        "长" * 201,  # one over: cut, with the ellipsis counted
        "长" * 5000,
        "e\u0301" * 150,  # decomposed: 300 code points, 150 characters once composed
        "\u0958" * 150,  # two code points each once normalized: 300, left to Truncator (whole)
        "a\u0300\u0301" * 90,  # combining marks that do not compose are not counted
    ],
)
def test_cut_text_is_truncatechars(text: str) -> None:
    assert cut_text(text, 200) == Truncator(text).chars(200)
