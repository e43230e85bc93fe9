"""What the parser produces: plain dataclasses, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from plans.importer.names import ParsedRegion


@dataclass
class ParsedResponsibility:
    """One unit named in a task's responsibility note."""

    written: str  # as written, layout whitespace removed: `省知识产权局`
    name: str  # canonical name candidate: `海南省知识产权局`
    side: str  # "nipa" | "local"
    role: str  # "lead" (牵头) | "co" (配合/按职责分工负责) | "responsible" (责任单位)
    order: int  # 1-based position in the task's note
    collective: bool = False  # a group (各市县, …各成员单位), not one agency: never owes a report


@dataclass
class ParsedSection:
    """A part (`二、共建内容`) or a group of tasks (`(一)聚焦…`)."""

    label: str  # `二、`, `(一)`; qualified by its parent (`二、(一)`) only if it would clash
    title: str
    parent: str | None
    number: int
    level: int = 1
    kind: str = "general"  # "general" | "tasks" | "guarantee"
    line: int = 0


@dataclass
class ParsedTask:
    number: int  # as written when the tasks run 1…n through the plan, else their position
    label: str  # `1.` or `(一)`
    section: str | None  # label of the innermost section holding it
    title: str  # the text before the first `。`
    text: str  # the rest, without the responsibility note
    non_exhaustive: bool  # a list of units ends in `等`
    responsibilities: list[ParsedResponsibility] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedIndicator:
    """A quantitative target; `target` in base units (`8万件` → 80000 件)."""

    name: str
    target: Decimal
    unit: str
    year: int | None
    baseline: Decimal | None = None
    baseline_year: int | None = None
    written: str = ""  # the phrase as written: `商标有效注册量达到8万件`


@dataclass
class ParsedGuaranteeMeasure:
    label: str
    title: str
    body: str


@dataclass
class ParsedPlan:
    title: str | None
    doc_number: str | None
    issued_on: date | None
    region: str | None  # full path: `海南省`, `山东省威海市`
    issuers: list[str]
    sections: list[ParsedSection]
    tasks: list[ParsedTask]
    indicators: list[ParsedIndicator]
    guarantee_measures: list[ParsedGuaranteeMeasure]
    warnings: list[str]
    kind: str  # "joint" (共建方案) | "implementation" (实施意见) | "work_points" (工作要点)
    published_on: date | None = None  # `发布日期`, not the issue date
    region_parts: ParsedRegion | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The shape `import_plan --dry-run --json` prints (issue 3); `agency` is the
        canonical candidate here, the database layer replaces it by the resolved name."""
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "region": self.region,
            "issuers": list(self.issuers),
            "sections": [
                {"label": s.label, "title": s.title, "parent": s.parent} for s in self.sections
            ],
            "tasks": [
                {
                    "number": t.number,
                    "label": t.label,
                    "section": t.section,
                    "title": t.title,
                    "text": t.text,
                    "non_exhaustive": t.non_exhaustive,
                    "responsibilities": [
                        {"written": r.written, "agency": r.name, "side": r.side, "role": r.role}
                        for r in t.responsibilities
                    ],
                }
                for t in self.tasks
            ],
            "indicators": [
                {"name": i.name, "target": json_number(i.target), "unit": i.unit, "year": i.year}
                for i in self.indicators
            ],
            "guarantee_measures": [
                {"label": g.label, "title": g.title} for g in self.guarantee_measures
            ],
            "warnings": list(self.warnings),
        }


def json_number(value: Decimal) -> int | float:
    """80000 stays an integer, 10.2 becomes a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
