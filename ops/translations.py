"""Translations looked up once per render (issue 22).

Django's `gettext` finds the active language's catalog through a context-local on every call
(~7 µs): the task page's timeline of thirty status changes made ~150 calls for five distinct
messages. Inside `translations_kept()` (every Jinja render, ops/jinja.py) each message and
each lazily translated label is translated once and kept until the block ends: one render
happens in one language, and nothing a fragment calls switches it. Outside such a block
these are Django's own lookups, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils.translation import gettext as django_gettext

_KEPT: ContextVar[dict[Any, Any] | None] = ContextVar("ops_translations_kept", default=None)


@contextmanager
def translations_kept() -> Iterator[None]:
    """Keep each translation made by `gettext` and `label` until the block ends. A block
    inside another (a fragment rendered within a render) shares the outer one's."""
    if _KEPT.get() is not None:
        yield
        return
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def gettext(message: str) -> str:
    """Django's `gettext`, looked up once per message inside `translations_kept()`."""
    kept = _KEPT.get()
    if kept is None:
        return django_gettext(message)
    found = kept.get(message)
    if found is None:
        found = kept[message] = django_gettext(message)
    return found


def label(value: Any) -> str:
    """`str(value)` for a lazily translated label (a choice's, say), translated once per
    label inside `translations_kept()`. Keyed by the label's id, with the label itself kept
    beside its text: held until the block ends, no other object can take that id."""
    kept = _KEPT.get()
    if kept is None or isinstance(value, str):
        return str(value)
    key = ("label", id(value))
    found = kept.get(key)
    if found is None:
        found = kept[key] = (value, str(value))
    return found[1]
