"""The numbered headings of official documents, in full- or half-width forms.

Level 1 `一、` (or `第一部分`), level 2 `(一)` / `（一）`, level 3 `1.` / `1．` / `1、`. Labels are
normalised to `一、`, `(一)` and `1.`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十"

_L1 = re.compile(rf"^\s*(?:第([{_CN}]+)(?:部分|章)\s*|([{_CN}]+)\s*[、.．]\s*)")
_L2 = re.compile(rf"^\s*[(（]\s*([{_CN}]+)\s*[)）]\s*")
# Any width (`1.` … `999.`, `1000.`); nine digits at most keep `int()` cheap.
_L3 = re.compile(r"^\s*(\d{1,9})\s*[.．、](?![0-9０-９])\s*")
# A level-2 heading with a bracket missing: `(二加强…` or `二)加强…`.
_L2_OPEN_ONLY = re.compile(rf"^\s*[(（]\s*([{_CN}]+)(?=[^\s)）{_CN}〇零])")
_L2_CLOSE_ONLY = re.compile(rf"^\s*([{_CN}]+)\s*[)）]")

TERMINAL = "。！？!?；;：:"


def cn_number(text: str) -> int | None:
    """`十四` → 14, `二十` → 20, `九十九` → 99; None when it is not such a numeral."""
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    value = (_CN_DIGITS[tens] if tens else 1) * 10
    return value + (_CN_DIGITS[ones] if ones else 0)


@dataclass(frozen=True)
class Heading:
    level: int
    number: int
    label: str
    rest: str  # the text after the label


def heading_of(text: str) -> Heading | None:
    """The heading a line starts with, if it starts with one."""
    for level, pattern in ((2, _L2), (1, _L1), (3, _L3)):
        match = pattern.match(text)
        if not match:
            continue
        raw = next(g for g in match.groups() if g)
        number = int(raw) if level == 3 else cn_number(raw)
        if not number:
            continue
        label = {1: f"{raw}、", 2: f"({raw})", 3: f"{number}."}[level]
        return Heading(level, number, label, text[match.end() :])
    return None


def _closes_first_bracket(text: str) -> bool:
    depth = 0
    for char in text.lstrip():
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth -= 1
            if depth == 0:
                return True
    return False


def broken_heading_of(text: str) -> int | None:
    """The number of a level-2 heading missing one bracket (`(二加强…`, `二)加强…`), else None.

    `(一带一路…)` is not one: the line closes its bracket later."""
    match = _L2_OPEN_ONLY.match(text)
    if match and not _closes_first_bracket(text):
        return cn_number(match.group(1))
    match = _L2_CLOSE_ONLY.match(text)
    if match:
        return cn_number(match.group(1))
    return None
