"""Text that could reach the database is checked once, for every request, before any view.

PostgreSQL refuses a NUL in text (a 500 if it got that far), and no other control character
belongs in anything a person types. So every query parameter, every field of a posted form
and every string of a JSON body, names and keys as well as values, is refused with a 400
naming the field when it holds one: in the API's error
format under /api/, as a plain page elsewhere, in the request's language. Tab, newline and
carriage return are allowed in a posted form or JSON body, where multi-line text lives; in
the URL (query parameters, path) they are refused too.

A number written in a query parameter (an id, a filter, a page, a page size) that no column
of the database can hold (beyond bigint) is refused the same way, with a 400 naming the
parameter: only the free-text search boxes (`q`, `search`) may hold any digits. In posted
forms and JSON bodies the forms and serializers check numbers against their fields' ranges,
and path ids beyond the range find nothing (404): Django answers such a lookup without a query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# Unicode's control characters (category Cc: C0, DEL and C1), and the lone surrogates a JSON
# escape can make (`"\\ud800"`), which no database encoding takes.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# The same, less tab, newline and carriage return, and the vertical tab and form feed that
# text pasted from Word or a PDF carries (multi-line text keeps them; splitlines breaks there).
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# An integer as a query parameter writes it (sign and leading zeros aside).
_INTEGER = re.compile(r"[+-]?0*([0-9]+)")
BIGINT_MAX = 2**63 - 1
# Parameters where a person types words (and may type a long number, a document's serial).
FREE_TEXT_PARAMETERS = frozenset({"q", "search"})
API_PREFIX = "/api/"


def _url_strings(request: HttpRequest) -> Iterator[tuple[str, str]]:
    yield "URL", request.path_info
    for name, values in request.GET.lists():
        yield name, name
        for value in values:
            yield name, value


def _form_strings(request: HttpRequest) -> Iterator[tuple[str, str, bool]]:
    """(field, text, multi-line allowed) of a posted form. (Django itself drops what is not
    printable from the names of uploaded files.)"""
    for name, values in request.POST.lists():
        yield name, name, False
        for value in values:
            yield name, value, True
    for name in request.FILES:
        yield name, name, False


def _json_strings(value: Any, path: str = "") -> Iterator[tuple[str, str, bool]]:
    if isinstance(value, str):
        yield path or "body", value, True
    elif isinstance(value, dict):
        for key, item in value.items():
            field = f"{path}.{key}" if path else str(key)
            yield field, str(key), False
            yield from _json_strings(item, field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{index}]")


def _body_strings(request: HttpRequest) -> Iterator[tuple[str, str, bool]]:
    if request.method not in _BODY_METHODS:
        return
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        yield from _form_strings(request)
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            return  # not JSON: the API's parser answers that with its own 400
        yield from _json_strings(data)


def control_character_field(request: HttpRequest) -> str | None:
    """The first field of the request holding a control character it may not, else None."""
    for field, text in _url_strings(request):
        if _CONTROL.search(text):
            return field
    for field, text, multi_line in _body_strings(request):
        if (_CONTROL_IN_TEXT if multi_line else _CONTROL).search(text):
            return field
    return None


def out_of_range_parameter(request: HttpRequest) -> str | None:
    """The first query parameter holding an integer beyond the database's range, else None."""
    for name, values in request.GET.lists():
        if name in FREE_TEXT_PARAMETERS:
            continue
        for value in values:
            match = _INTEGER.fullmatch(value.strip())
            # More than 19 digits is beyond bigint whatever they are: no int() of a long text.
            if match and (len(match[1]) > 19 or int(match[1]) > BIGINT_MAX):
                return name
    return None


def _shown(field: str) -> str:
    """The field's name as it can be printed: its own control characters written out."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", field)[:80]


def _refusal(request: HttpRequest, field: str, *, number: bool = False) -> HttpResponse:
    if number:
        message = _("“%(field)s”的数值超出范围,请检查后重试。") % {"field": _shown(field)}
    else:
        message = _("“%(field)s”中含有不允许的控制字符(如空字符 NUL),请删除后重试。") % {
            "field": _shown(field)
        }
    if request.path_info.startswith(API_PREFIX):
        error = {"code": "invalid", "message": message, "fields": {_shown(field): [message]}}
        return JsonResponse({"error": error}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "security/bad_input.html", {"message": message}, status=400)


class InputCheckMiddleware:
    """Refuses, before any view, a request whose text holds a control character or whose
    query holds a number beyond the database's range."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = control_character_field(request)
        if field is not None:
            return _refusal(request, field)
        field = out_of_range_parameter(request)
        if field is not None:
            return _refusal(request, field, number=True)
        return self.get_response(request)
