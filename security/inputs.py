"""Text that could reach the database is checked once, for every request, before any view.

PostgreSQL refuses a NUL in text (a 500 if it got that far), and no other control character
belongs in anything a person types. So every query parameter, every field of a posted form
and every string of a JSON body, names and keys as well as values, is refused with a 400
naming the field when it holds one: in the API's error
format under /api/, as a plain page elsewhere, in the request's language. Tab, newline and
carriage return are allowed in a posted form or JSON body, where multi-line text lives; in
the URL (query parameters, path) they are refused too.

Integers are checked where they are read: the API's id filters (agencies/filters.py) ignore
ids outside the database's bigint range like any other id they cannot read, and path ids
beyond it find nothing (404): Django answers an out-of-range lookup without a query.
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


def _shown(field: str) -> str:
    """The field's name as it can be printed: its own control characters written out."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", field)[:80]


def _refusal(request: HttpRequest, field: str) -> HttpResponse:
    message = _("“%(field)s”中含有不允许的控制字符(如空字符 NUL),请删除后重试。") % {
        "field": _shown(field)
    }
    if request.path_info.startswith(API_PREFIX):
        error = {"code": "invalid", "message": message, "fields": {_shown(field): [message]}}
        return JsonResponse({"error": error}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "security/bad_input.html", {"message": message}, status=400)


class InputCheckMiddleware:
    """Refuses, before any view, a request whose text holds a control character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = control_character_field(request)
        if field is not None:
            return _refusal(request, field)
        return self.get_response(request)
