"""Quantitative targets in a plan's objectives: `每万人口高价值发明专利拥有量达到10.2件`.

A target is a number with a unit closing a clause (`，` `；` `。` `、` or a parenthesis
follows), optionally after a verb (`达到`, `超过`, `保持在`, …) and before `以上`/`左右`.
The indicator's name is the clause text before it.

Multipliers are applied, so targets are in base units:
`8万件` is 80000 件, `0.24万件` is 2400 件, `50亿元` is 5000000000 元.

The year is the `到2025年` of the sentence (or of an earlier sentence of the same
paragraph). `由6.5件提高到10.2件` also gives a baseline.
"""

from __future__ import annotations

import re
from decimal import Decimal

from plans.importer.model import ParsedIndicator

# fmt: off
_UNITS = "|".join((
    "个百分点", "%", "件", "个", "家", "项", "人次", "人", "名", "分", "元", "美元", "次", "所",
    "座", "条", "户", "部", "台", "套", "种", "平方米", "公顷", "册", "篇", "份", "批", "只",
))
# fmt: on
_MULT = "万亿|千万|百万|亿|万|千"
_VERBS = (
    "力争达到|累计达到|达到|超过|突破|保持在|稳定在|提高到|提高至|提升到|提升至|增长到|增长至|增加到"
    "|增加至|增至|不低于|不少于|达"
)
_TARGET = re.compile(
    rf"(?P<verb>{_VERBS})?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<mult>{_MULT})?(?P<unit>{_UNITS})"
    r"(?P<qual>以上|左右|以内|以下)?(?=$|[，,。；;、(（])"
)
_BASELINE = re.compile(
    rf"^(?P<name>.+?)(?:由|从)(?:(?P<year>20\d{{2}})年(?:底|末)?的?)?(?P<num>\d+(?:\.\d+)?)"
    rf"(?P<mult>{_MULT})?(?:{_UNITS})?$"
)
_YEAR = re.compile(r"(?:到|至|截至|截止|于)?\s*(20\d{2})\s*年(?:底|末)?")
_LEADING = re.compile(r"^(?:(?:到|至|截至|截止)?20\d{2}年(?:底|末)?|其中|力争|确保|实现|全年)+")
_MULTIPLIERS = {"万亿": 10**12, "千万": 10**7, "百万": 10**6, "亿": 10**8, "万": 10**4, "千": 10**3}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def _value(number: str, mult: str | None) -> Decimal:
    value = Decimal(number) * (_MULTIPLIERS[mult] if mult else 1)
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _name(raw: str) -> str:
    name = raw.strip(" ，,、；;:：")
    name = _LEADING.sub("", name).strip(" ，,、")
    return name


def indicators_in(text: str) -> list[ParsedIndicator]:
    """The targets of one paragraph of objectives."""
    out: list[ParsedIndicator] = []
    year: int | None = None
    text = text.translate(_FULL_WIDTH)
    for sentence in re.split(r"(?<=[。！？!?])", text):
        found = _YEAR.search(sentence)
        if found and found.start() < 12:
            year = int(found.group(1))
        for clause in re.split(r"[，,；;]", sentence):
            pos = 0
            for match in _TARGET.finditer(clause):
                name = _name(clause[pos : match.start()])
                written = clause[pos : match.end()].strip(" 、")
                pos = match.end()
                baseline = baseline_year = None
                base = _BASELINE.match(name)
                if base:
                    name = _name(base.group("name"))
                    baseline = _value(base.group("num"), base.group("mult"))
                    baseline_year = int(base.group("year")) if base.group("year") else None
                if len(name) < 2 or len(name) > 40 or name[0].isdigit():
                    continue
                unit = match.group("unit")
                out.append(
                    ParsedIndicator(
                        name=name,
                        target=_value(match.group("num"), match.group("mult")),
                        unit=unit,
                        year=year,
                        baseline=baseline,
                        baseline_year=baseline_year,
                        written=_LEADING.sub("", written),
                    )
                )
    return out
