"""What a reminder digest lists: items handed in by the sources named in
settings.REMINDER_ITEM_SOURCES (each `(*, as_of: date) -> Iterable[DigestItem]`), so an app
above notifications (督办) adds its items without notifications importing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DigestItem:
    """One thing someone must act on, at one reminder step.

    `key` names the item and its step ("report:<task>:<agency>:<period>:overdue_2",
    "supervision:<id>:urge:2026-03-02"): an item is listed once per key, ever, whatever
    re-runs happen. The liaisons of `agency_id` (and the coordinators of the plan when
    `escalate`) receive it in their day's digest."""

    # report_due, report_overdue, report_returned, work_item, decision, extension, supervision
    kind: str
    key: str
    plan_id: int
    agency_id: int
    title: str
    link: str
    due_on: dt.date | None = None
    escalate: bool = False


def digest_items(*, as_of: dt.date) -> Iterator[DigestItem]:
    for path in settings.REMINDER_ITEM_SOURCES:
        source: object = import_string(path)
        items: Iterable[DigestItem] = source(as_of=as_of)  # type: ignore[operator]
        yield from items


@cache
def _link_pattern(name: str, arity: int) -> str:
    marker = 987654321
    return reverse(name, args=[marker] * arity).replace(str(marker), "{}")


def link_to(name: str, *args: int) -> str:
    """reverse() for a URL with integer arguments, resolved once per name: a pass makes
    tens of thousands of links."""
    return _link_pattern(name, len(args)).format(*args)
