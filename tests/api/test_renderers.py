"""The lists written by orjson are the bytes DRF's own renderer writes; anything orjson would
write its own way goes to DRF's encoder."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response

from api.renderers import JSONRenderer, plain_json

PLAIN = {
    "中文": "海南省知识产权局:推进「知识产权强省」建设 — 第(一)项",
    "escapes": 'quote " backslash \\ slash / tab \t newline \n nul \x00 del \x7f',
    "separators": "line\u2028paragraph\u2029end",
    "emoji": "✅ 🇨🇳",
    "ints": [0, -1, 2**53 + 1, 2**63 - 1, -(2**63)],
    "flags": [True, False, None],
    "nested": {"results": [{"id": 1, "responsibilities": []}], "next": None},
    "": "",
}


def _drf(data: Any, media_type: str | None = None) -> bytes:
    return renderers.JSONRenderer().render(data, media_type, {})


def _ours(data: Any, media_type: str | None = None, *, plain: bool = True) -> bytes:
    response = plain_json(Response(data)) if plain else Response(data)
    return JSONRenderer().render(data, media_type, {"response": response})


def test_plain_values_are_written_as_drf_writes_them() -> None:
    assert _ours(PLAIN) == _drf(PLAIN)
    assert b"\\u2028" in _ours(PLAIN) and "\u2028".encode() not in _ours(PLAIN)
    assert _ours([]) == _drf([]) and _ours(None) == _drf(None) == b""


@pytest.mark.parametrize(
    "odd",
    [
        dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC),
        dt.date(2026, 12, 1),
        decimal.Decimal("1.50"),
        gettext_lazy("已完成"),
        ErrorDetail("无效", code="invalid"),
    ],
    ids=["datetime", "date", "decimal", "lazy", "error-detail"],
)
def test_a_value_orjson_would_write_its_own_way_goes_to_drf(odd) -> None:
    data = {**PLAIN, "odd": [odd]}
    assert _ours(data) == _drf(data)


def test_unmarked_and_indented_responses_are_drf_s() -> None:
    floats = {"score": [1e-05, 0.1, 1e16]}  # where orjson and DRF differ: not plain values
    assert _ours(floats, plain=False) == _drf(floats)
    indented = "application/json; indent=4"
    assert _ours(PLAIN, indented) == _drf(PLAIN, indented)


def _floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


@pytest.mark.parametrize("url", ["/api/v1/tasks/", "/api/v1/reports/"])
def test_the_marked_lists_are_plain_and_written_as_drf_writes_them(world, api, url) -> None:
    response = api(world.users["coordinator"]).get(url, {"page_size": 2})
    assert response.status_code == 200 and response.data["results"]
    assert getattr(response, "plain_values", False)
    assert _floats(response.data) == []
    assert response.content == _drf(response.data)
