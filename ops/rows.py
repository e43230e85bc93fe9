"""What a page with many rows computes once, not per row (issue 22): the path of an object's
page by its id, a choice's labels in the request's language, a date as the tables print it.

A `{% url %}`, a `get_*_display` (which rebuilds the lazily translated choices) and a `|date`
filter per row were a fifth of a busy page's time."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import Truncator

from ops.translations import label

# Ids no row has: the path reversed around them is cut there, and each row's ids put in.
_MARKS = ("2147483647", "2147483646", "2147483645", "2147483644")


def pk_path(name: str) -> Callable[[int], str]:
    """`lambda pk: reverse(name, args=[pk])`, reversed once."""
    head, tail = _pieces(name, 1, get_script_prefix(), get_urlconf())
    return lambda pk: f"{head}{pk}{tail}"


def path_to(name: str, *args: Any) -> str:
    """`reverse(name, args=args)`; where every argument is an id (an int), from the path
    reversed once per process around marks (a task page has some thirty links, and each
    `reverse` runs the resolver: ~20 µs)."""
    if len(args) > len(_MARKS) or any(type(arg) is not int for arg in args):
        return reverse(name, args=args or None)
    *heads, tail = _pieces(name, len(args), get_script_prefix(), get_urlconf())
    return "".join(head + str(arg) for head, arg in zip(heads, args, strict=True)) + tail


@lru_cache(maxsize=1024)
def _pieces(name: str, count: int, prefix: str, urlconf: Any) -> tuple[str, ...]:
    """The path of `name` with `count` ids, split around them. Reversed under the request's
    script prefix and URLconf, which are part of the key."""
    rest = reverse(name, args=[int(mark) for mark in _MARKS[:count]] or None, urlconf=urlconf)
    pieces = []
    for mark in _MARKS[:count]:
        head, rest = rest.split(mark, 1)
        pieces.append(head)
    return (*pieces, rest)


def choice_labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Each choice's display label, translated once into the active language."""
    return {value: label(text) for value, text in choices}


def day_text(value: dt.date | None) -> str:
    """As `{{ value|date:"Y-m-d"|default:"—" }}` prints a date."""
    return value.isoformat() if value is not None else "—"


def cut_text(text: str, length: int) -> str:
    """As `|truncatechars:length`, without walking a text already short enough character by
    character (Truncator does, to skip combining marks: 5% of the plan dashboard)."""
    normalized = unicodedata.normalize("NFC", text)  # as Truncator, which returns it so
    if len(normalized) <= length:
        return normalized
    return Truncator(text).chars(length)
