"""The responsibility note that closes a task: `(…；…)`, `[(…)(…)]`, `【…】`, `(责任单位:…)`.

The note is split into parts (one per side, by `；` or as separate parentheses), each part into
clauses by the verbs that give roles:

- `X牵头` / `X牵头负责` / `牵头单位：X` / `X会同Y…` → X leads; names after a lead in the
  same part are co (with `配合`, `按职责分工负责`, `负责` or no verb at all);
- `Y配合`, `Y参与`, `Y协助`, `X、Y等按职责分工负责`, `配合单位：Y` → co;
- `X负责` (no lead before it) → lead when X is one unit, responsible when several;
  `X、Y共同负责`, `责任单位：A、B` → responsible;
- a part with no verb at all: one unit → lead, several → responsible.

Without brackets, a `责任单位：…` / `牵头单位：…` after the task's last sentence is its note too.

`等` closing a list marks the task as not exhaustive. Sides are decided by the names
(:func:`plans.importer.names.side_hint`); a name that does not say takes its part's side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.importer.names import ParsedRegion, side_hint, squash

_FAMILY = {"(": "(", "（": "(", ")": "(", "）": "(", "[": "[", "［": "[", "【": "[", "]": "["}
_FAMILY |= {"］": "[", "】": "[", "〔": "〔", "〕": "〔"}
_OPENERS = frozenset("(（[［【〔")
_CLOSERS = frozenset(")）]］】〕")

ROLE_WORDS = re.compile(r"牵头|负责|配合|参与|协助|协办|责任单位|责任部门|主责")
_LABEL = re.compile(
    r"(牵头单位|牵头部门|主责单位|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位|参与部门"
    r"|协同单位|支持单位|承办单位|实施单位)\s*[:：]"
)
_LABEL_ROLE = {"牵头": "lead", "主责": "lead", "责任": "responsible", "承办": "responsible"}
_LABEL_ROLE |= {"实施": "responsible"}
_MARKER = re.compile(
    r"(为牵头单位|为配合单位|为参与单位|为责任单位|牵头负责|牵头|主责|按照?职责分工负责|按照?职责负责"
    r"|分工负责|共同负责|分别负责|负责|配合|参与|协助|协办|协同)(?=$|[，,、；;。)）])"
)
_ETC = re.compile(r"等(?:有关|相关)?(?:部门|单位|机构)?$")
_SEPARATORS = re.compile(r"[、，,；;]")
_AGENCY_END = re.compile(
    r"(局|司|厅|委|办|院|部|会|政府|中心|处|室|行|关|团|公司|单位|小组|成员|组|署|站|馆|所|市|县|区)$"
)


class BracketError(ValueError):
    """A bracket of a responsibility note without its partner, at `offset` of the text."""

    def __init__(self, offset: int, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.offset = offset
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass
class Note:
    """The responsibility note found at the end of a task text."""

    parts: list[str]
    start: int  # offset of its opening bracket; the body is the text before it


def _pairs(text: str) -> tuple[dict[int, int], list[int], list[int]]:
    """Matched bracket pairs (close → open), unmatched closers and unmatched openers."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    lone_closers: list[int] = []
    for i, char in enumerate(text):
        if char in _OPENERS:
            stack.append(i)
        elif char in _CLOSERS:
            family = _FAMILY[char]
            if stack and _FAMILY[text[stack[-1]]] == family:
                pairs[i] = stack.pop()
            elif any(_FAMILY[text[j]] == family for j in stack):
                while stack and _FAMILY[text[stack[-1]]] != family:
                    lone_closers.append(stack.pop())  # an opener closed by the wrong bracket
                pairs[i] = stack.pop()
            else:
                lone_closers.append(i)
    return pairs, lone_closers, stack


def looks_like_note(content: str) -> bool:
    """Whether bracket content names responsible units (not `(RCEP)` or `(以上指标…)`)."""
    text = squash(content)
    if not text:
        return False
    if ROLE_WORDS.search(text) or _LABEL.search(text):
        return True
    names = [n for n in _SEPARATORS.split(text) if n]
    return bool(names) and all(_AGENCY_END.search(_ETC.sub("", n)) for n in names)


def _round_groups(inner: str) -> list[str] | None:
    """`(A)(B)` → [A, B]; None when the text is not only round-bracket groups."""
    pairs, lone, open_ = _pairs(inner)
    if lone or open_:
        return None
    groups: list[str] = []
    i = 0
    while i < len(inner):
        if inner[i].isspace() or inner[i] in "，,；;、":
            i += 1
            continue
        if _FAMILY.get(inner[i]) != "(" or inner[i] not in _OPENERS:
            return None
        close = next(c for c, o in pairs.items() if o == i)
        groups.append(inner[i + 1 : close])
        i = close + 1
    return groups or None


def find_note(text: str) -> Note | None:
    """The responsibility note closing a task text, or None when the task has none.

    Raises BracketError for a note whose bracket is not closed (or not opened)."""
    pairs, lone_closers, open_ = _pairs(text)
    end = len(text.rstrip(" \t。；;"))
    last = end - 1
    if last >= 0 and text[last] in _CLOSERS:
        if last in lone_closers or last not in pairs:
            raise BracketError(
                last, "责任单位的括号没有对应的左括号", "closing bracket without an opening one"
            )
        start = pairs[last]
        inner = text[start + 1 : last]
        inner_lone = [i for i in lone_closers if start < i < last]
        if inner_lone:
            raise BracketError(inner_lone[0], "责任单位中括号不配对", "unbalanced bracket in note")
        parts = [inner]
        if _FAMILY[text[start]] == "[":
            parts = _round_groups(inner) or parts
        if not looks_like_note("；".join(parts)):
            return None
        return Note(parts=parts, start=start)
    for opener in reversed(open_):
        if looks_like_note(text[opener + 1 :]):
            raise BracketError(
                opener, "责任单位的括号没有闭合", "the bracket of the note is not closed"
            )
    # `…。责任单位：A、B` without brackets, after the last sentence.
    last_stop = text[:end].rfind("。")
    for label in _LABEL.finditer(text, last_stop + 1):
        start = label.start()
        if start == 0 or text[:start].rstrip()[-1:] in "。；;，,":
            return Note(parts=[text[start:end]], start=start)
        break
    return None


@dataclass
class Assignment:
    written: str
    role: str
    side: str
    part: int  # which part of the note it was written in


@dataclass
class NoteReading:
    assignments: list[Assignment] = field(default_factory=list)
    non_exhaustive: bool = False
    warnings: list[str] = field(default_factory=list)


def _names(chunk: str) -> tuple[list[str], bool]:
    etc = False
    out: list[str] = []
    for raw in _SEPARATORS.split(chunk):
        name = raw.strip().removeprefix("由").removeprefix("以及").removeprefix("及")
        stripped = _ETC.sub("", name)
        if stripped != name:
            etc = True
        if stripped:
            out.append(stripped)
    return out, etc


def _top_level_split(text: str) -> list[str]:
    """Split on `；`/`;` outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        if char in "；;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


def _labelled(text: str) -> list[tuple[list[str], str, bool]]:
    """`牵头单位：A；配合单位：B、C` → [([A], lead), ([B, C], co)]; text before the first label
    is read as clauses."""
    matches = list(_LABEL.finditer(text))
    out = _clauses(text[: matches[0].start()]) if matches else _clauses(text)
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        names, etc = _names(text[match.end() : end])
        role = _LABEL_ROLE.get(match.group(1)[:2], "co")
        out.append((names, role, etc))
    return out


def _clauses(text: str) -> list[tuple[list[str], str, bool]]:
    """`X牵头，Y、Z等按职责分工负责` → [([X], lead), ([Y, Z], co)]."""
    out: list[tuple[list[str], str, bool]] = []
    text = re.sub(r"(?<=[^，,、；;])会同", "牵头，", text)  # `X会同Y负责`: X leads, Y joins
    pos = 0
    seen_lead = False
    for match in _MARKER.finditer(text):
        names, etc = _names(text[pos : match.start()])
        pos = match.end()
        if not names:
            continue
        marker = match.group(1)
        if "牵头" in marker or marker == "主责":
            role = "lead"
        elif marker == "负责":
            role = "co" if seen_lead else ("lead" if len(names) == 1 else "responsible")
        elif marker in ("共同负责", "分别负责", "为责任单位"):
            role = "responsible"
        else:
            role = "co"
        seen_lead = seen_lead or role == "lead"
        out.append((names, role, etc))
    names, etc = _names(text[pos:])
    if names:
        role = "co" if seen_lead else ("lead" if len(names) == 1 else "responsible")
        out.append((names, role, etc))
    return out


def _part_side(names: list[str], region: ParsedRegion | None, index: int, count: int) -> str:
    decided = [h for h in (side_hint(n, region=region) for n in names) if h]
    if decided:
        nipa, local = decided.count("nipa"), decided.count("local")
        return decided[0] if nipa == local else ("nipa" if nipa > local else "local")
    return "nipa" if index == 0 and count == 2 else "local"


def read_note(note: Note, *, region: ParsedRegion | None, task_label: str) -> NoteReading:
    """Who is responsible, in the order written, with roles and sides."""
    reading = NoteReading()
    parts = [p for raw in note.parts for p in _top_level_split(squash(raw))]
    if any(_LABEL.search(p) for p in parts):
        # `牵头单位：…；配合单位：…`: the parts are roles, not sides; a name that does not say
        # its side takes the side of the name before it.
        previous = "local"
        for index, part in enumerate(parts):
            for names, role, etc in _labelled(part):
                reading.non_exhaustive = reading.non_exhaustive or etc
                for name in names:
                    previous = side_hint(name, region=region) or previous
                    reading.assignments.append(Assignment(name, role, previous, index))
        return reading
    sides: list[str] = []
    for index, part in enumerate(parts):
        lists = _clauses(part)
        side = _part_side([n for names, _, _ in lists for n in names], region, index, len(parts))
        sides.append(side)
        for names, role, etc in lists:
            reading.non_exhaustive = reading.non_exhaustive or etc
            for name in names:
                hint = side_hint(name, region=region)
                if hint and hint != side and len(parts) > 1:
                    reading.warnings.append(
                        f"任务{task_label}：“{name}”与所在部分的其他单位不属同一方 / task "
                        f"{task_label}: “{name}” is not on the side of the other units of its part"
                    )
                reading.assignments.append(Assignment(name, role, hint or side, index))
    if len(sides) == 2 and sides == ["local", "nipa"]:
        reading.warnings.append(
            f"任务{task_label}：地方分工写在国家知识产权局分工之前 / task {task_label}: the "
            "local part is written before the NIPA part"
        )
    return reading
