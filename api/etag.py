"""ETags are the object's version; a write that changes a status must send it in If-Match.
A stale one gets 412 (the services' Conflict), a missing one 428."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import PreconditionFailed, PreconditionRequired


def etag_for(version: int) -> str:
    return f'"v{version}"'


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = etag_for(version)
    return response


def required_version(request: Request) -> int:
    """The version named by If-Match; 428 when missing, 412 when it is not one of ours."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    value = header.removeprefix("W/").strip('"')
    if not value.startswith("v") or not value[1:].isdigit():
        raise PreconditionFailed(_("If-Match 的值不是本对象的 ETag。"))
    return int(value[1:])
