"""Values written as DRF's fields write them, minus a field's per-value lookups: a list
writes hundreds of them in one response."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

_DATETIME = serializers.DateTimeField()


def datetime_writer() -> Callable[[dt.datetime], str | None]:
    """Writes a datetime as `serializers.DateTimeField().to_representation` does (ISO 8601
    in the current time zone, UTC as `Z`), the zone and the format looked up once: make one
    per response, not one per process (the zone is the request's). Anything off the common
    path (another format, no time zone, a naive or out-of-range value) goes to the field."""
    zone = _DATETIME.default_timezone()
    output_format = api_settings.DATETIME_FORMAT
    if zone is None or not isinstance(output_format, str) or output_format.lower() != ISO_8601:
        return _DATETIME.to_representation

    def write(value: dt.datetime) -> str | None:
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            return _DATETIME.to_representation(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:  # the field refuses it, with its own message
            return _DATETIME.to_representation(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write
