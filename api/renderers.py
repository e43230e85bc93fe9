"""The API's JSON renderer: DRF's, except for the lists built of plain values, which orjson
writes to the same bytes several times faster (a task list of 50 long Chinese texts: the C
encoder of the standard library took ~0.7 ms of a ~8 ms request).

orjson and the standard library agree byte for byte on str, int, bool, None, lists and
dicts, with DRF's settings here (compact, UTF-8 as is): tests/api/test_renderers.py. They do
not agree on every float (1e-05 against 0.00001), and orjson writes dates, decimals and
subclasses (a lazy translation, an ErrorDetail, an OrderedDict) its own way or not at all.
So a view asks for it with `plain_json(response)` only where it builds the data itself from
those types, and anything that is not one of them (bar a float, which is the caller's
promise) still goes to DRF's encoder."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.response import Response

# Types orjson would write its own way are handed to `_refuse`, and so to DRF's encoder.
_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def plain_json(response: Response) -> Response:
    """Mark a response whose data are only str, int, bool, None, lists and dicts (no float)."""
    response.plain_values = True  # type: ignore[attr-defined]
    return response


def _refuse(value: Any) -> Any:
    raise TypeError(type(value).__name__)


class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        context = renderer_context or {}
        plain = getattr(context.get("response"), "plain_values", False)
        if plain and data is not None and self.get_indent(accepted_media_type, context) is None:
            try:
                written = orjson.dumps(data, default=_refuse, option=_OPTIONS)
            except TypeError:  # orjson would write a value otherwise: DRF writes it all
                pass
            else:
                # As DRF does: U+2028 and U+2029 escaped, so the JSON is also JavaScript.
                return written.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
                    b"\xe2\x80\xa9", b"\\u2029"
                )
        return super().render(data, accepted_media_type, renderer_context)
