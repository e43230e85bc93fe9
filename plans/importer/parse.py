"""Parse the text of a plan document into a :class:`ParsedPlan`. Plain Python, no database.

Which part holds the tasks is decided by structure first: a part whose numbered items close
with a responsibility note holds tasks, unless its title says it is about guarantees
(`保障措施`, `组织实施`, …). Without any notes in the document, titles decide (`任务`, `内容`,
`举措`, … hold tasks; `总体要求`, `指导思想`, `目标` … are general). In a task part an item with
notes under it is a section (`(一)` groups of `1.` tasks); an item with its own note, or a leaf,
is a task (Weihai's `(一)`–`(十四)`, a work plan's `1.` directly under `一、`). A numbered item
with its own note is a task whichever heading it sits under: in a guarantee part (`保障措施`)
such items are tasks under their heading, and the items without notes stay guarantee measures.

Texts have layout whitespace removed (:func:`plans.importer.names.squash`). A task's title is
its text before the first `。` (outside brackets and quotes); its ``text`` is the rest, without
that `。` and without the closing responsibility note, which is read into responsibilities.

Regions are the full path, province first (`海南省`, `山东省威海市`): from ``region=``, else from
the local issuer (`海南省人民政府` → `海南省`), else inferred from the units the tasks name
(`市公安局` → a city plan; `威海市…` names the city; the province most named in the text is its
province), with a warning saying so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from plans.importer.errors import DocumentError
from plans.importer.frontmatter import (
    find_doc_number,
    find_published,
    find_signature,
    find_title,
    issuers_from_notice,
)
from plans.importer.indicators import indicators_in
from plans.importer.limits import Limits, check_tasks, check_text
from plans.importer.model import (
    ParsedGuaranteeMeasure,
    ParsedIndicator,
    ParsedPlan,
    ParsedResponsibility,
    ParsedSection,
    ParsedTask,
)
from plans.importer.names import (
    PROVINCES,
    ParsedRegion,
    canonical_agency_name,
    is_collective_name,
    province_prefix,
    region_from_name,
    region_from_org,
    relative_prefix,
    side_hint,
    squash,
)
from plans.importer.normalize import paragraphs
from plans.importer.responsibility import BracketError, Note, find_note, read_note
from plans.importer.structure import Node, outline

__all__ = [
    "DocumentError",
    "Limits",
    "ParsedGuaranteeMeasure",
    "ParsedIndicator",
    "ParsedPlan",
    "ParsedResponsibility",
    "ParsedSection",
    "ParsedTask",
    "parse_plan",
]

_GUARANTEE_WORDS = ("保障", "组织实施", "组织领导")
_TASK_WORDS = ("任务", "内容", "举措", "重点工作", "主要工作", "工作重点", "行动", "工程", "措施")
_GENERAL_WORDS = ("总体要求", "指导思想", "原则", "目标", "总体思路", "意义", "形势", "背景")
_NOT_CITIES = ("城市", "各市", "全市", "本市", "我市", "市市")


def _split_title(text: str) -> tuple[str, str]:
    """(text before the first `。` outside brackets and quotes, the rest)."""
    depth = 0
    for i, char in enumerate(text):
        if char in "(（[［【《“‘":
            depth += 1
        elif char in ")）]］】》”’":
            depth = max(depth - 1, 0)
        elif char == "。" and depth == 0:
            return text[:i], text[i + 1 :]
    if "。" in text:  # a bracket or quote left open before the first `。`
        head, _, rest = text.partition("。")
        return head, rest
    return text, ""


def _heading_title(node: Node) -> str:
    title, _rest = _split_title(squash(node.paras[0].text) if node.paras else "")
    return title.rstrip("：:；;，,")


@dataclass
class _Item:
    node: Node
    note: Note | None
    error: BracketError | None


def _items(part: Node) -> list[_Item]:
    out = []
    for node in part.walk()[1:]:
        try:
            out.append(_Item(node, find_note(node.own().text), None))
        except BracketError as exc:
            out.append(_Item(node, None, exc))
    return out


def _part_kind(title: str, has_notes: bool, notes_anywhere: bool, has_items: bool) -> str:
    if any(w in title for w in _GUARANTEE_WORDS):
        return "guarantee"
    if has_notes or any(w in title for w in _TASK_WORDS):
        return "tasks"
    if any(w in title for w in _GENERAL_WORDS):
        return "general"
    return "tasks" if has_items and not notes_anywhere else "general"


def _raise_bracket(node: Node, error: BracketError) -> None:
    line = node.own().line_at(error.offset)
    raise DocumentError(error.message_zh, error.message_en, line=line)


class _Plan:
    """The state of one parse."""

    def __init__(self, text: str, limits: Limits) -> None:
        if not text or not text.strip():
            raise DocumentError("文件为空", "the document is empty")
        if "\x00" in text:
            raise DocumentError(
                "文本含有二进制内容（NUL 字符）",
                "the text holds binary data (NUL characters)",
                line=text.count("\n", 0, text.index("\x00")) + 1,
            )
        check_text(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"), limits)
        self.text = text
        chars = limits.max_line_chars
        self.outline = outline(paragraphs(text, max_chars=chars), max_chars=chars)
        self.warnings: list[str] = list(self.outline.warnings)
        self.sections: list[ParsedSection] = []
        self.labels: set[str] = set()
        self.task_nodes: list[tuple[Node, Note | None, str | None]] = []
        self.measures: list[ParsedGuaranteeMeasure] = []
        self.objectives: list[str] = []

    def classify(self) -> None:
        items = {id(part): _items(part) for part in self.outline.parts}
        notes_anywhere = any(i.note for part_items in items.values() for i in part_items)
        for part in self.outline.parts:
            title = _heading_title(part) if part.label else ""
            part_items = items[id(part)]
            has_notes = any(i.note for i in part_items)
            kind = _part_kind(title, has_notes, notes_anywhere, bool(part_items))
            if part.label:
                self._section(part, title, None, kind)
            if kind == "tasks":
                for item in part_items:
                    if item.error is not None:
                        _raise_bracket(item.node, item.error)
                notes = {id(i.node): i.note for i in part_items}
                self._collect(part, part.label or None, notes)
            elif kind == "guarantee":
                self._guarantees(part, title, part_items)
            else:
                self._objectives(part, title)

    def _section(self, node: Node, title: str, parent: str | None, kind: str) -> str:
        label = node.label
        if label in self.labels and parent:
            label = parent + label
        self.labels.add(label)
        self.sections.append(
            ParsedSection(label, title, parent, node.number, node.level, kind, node.line)
        )
        return label

    def _collect(
        self, node: Node, section: str | None, notes: dict[int, Note | None], *, loose: bool = False
    ) -> None:
        for child in node.children:
            self._place(child, section, notes, loose=loose)

    def _place(
        self, child: Node, section: str | None, notes: dict[int, Note | None], *, loose: bool
    ) -> None:
        """A task (an item with its own note, or a leaf), or a section of the items below it.
        With `loose` (a guarantee part), an item without notes is a guarantee measure."""
        below = any(notes.get(id(n)) for n in child.walk()[1:])
        if below or (child.children and not notes.get(id(child)) and not loose):
            label = self._section(child, _heading_title(child), section, "tasks")
            self._collect(child, label, notes, loose=loose)
        elif loose and not notes.get(id(child)):
            self._measure(child)
        else:
            self.task_nodes.append((child, notes.get(id(child)), section))

    def _guarantees(self, part: Node, title: str, items: list[_Item]) -> None:
        """A guarantee part: a numbered item that names responsible units is a task (with the
        items around it, under their heading); items without notes are guarantee measures."""
        notes = {id(i.node): i.note for i in items if i.note is not None}
        if not notes:
            self._measures(part, title)
            return
        for child in part.children:
            if any(id(n) in notes for n in child.walk()):
                self._place(child, part.label or None, notes, loose=True)
            else:
                self._measure(child)

    def _measures(self, part: Node, title: str) -> None:
        if not part.children:
            body = "".join(p.text for p in part.paras[1:])
            self.measures.append(ParsedGuaranteeMeasure(part.label, title, squash(body)))
            return
        for child in part.children:
            self._measure(child)

    def _measure(self, node: Node) -> None:
        head, body = _split_title(squash(node.all_text()))
        self.measures.append(ParsedGuaranteeMeasure(node.label, head.rstrip("：:"), body))

    def _objectives(self, part: Node, title: str) -> None:
        if "目标" in title:
            self.objectives.append(part.all_text())
            return
        for child in part.walk()[1:]:
            if "目标" in _heading_title(child):
                self.objectives.append(child.all_text())


def _province_in_text(text: str) -> str | None:
    counts = Counter({p: text.count(p) for p in PROVINCES if p in text})
    return counts.most_common(1)[0][0] if counts else None


def _infer_region(written: list[str], text: str) -> ParsedRegion | None:
    relative = Counter(relative_prefix(n) for n in written)
    cities: Counter[str] = Counter()
    for name in written:
        if relative_prefix(name):
            continue
        province = province_prefix(name)
        rest = name[len(province) :] if province and name.startswith(province) else name
        match = re.match(r"^([\u4e00-\u9fff]{2,4}?市)", rest)
        if match and match.group(1) not in _NOT_CITIES and side_hint(name) != "nipa":
            cities[match.group(1)] += 1
    province = _province_in_text(text)
    if relative["市"] > relative["省"] and cities:
        return ParsedRegion(province=province, city=cities.most_common(1)[0][0])
    if province:
        return ParsedRegion(province=province)
    return None


def _region(
    argument: str | None, issuers: list[str], written: list[str], text: str, warnings: list[str]
) -> tuple[str | None, ParsedRegion | None]:
    if argument:
        parts = region_from_name(argument)
        if parts.city and not parts.province:
            parts = ParsedRegion(_province_in_text(text), parts.city, parts.county)
        return squash(argument), parts
    for issuer in issuers:
        parts = region_from_org(issuer)
        if parts is not None:
            if parts.city and not parts.province:
                parts = ParsedRegion(_province_in_text(text), parts.city)
            return parts.name, parts
    parts = _infer_region(written, text)
    if parts is None:
        warnings.append("未能识别方案所属地区，请指定 / the region was not recognised: give it")
        return None, None
    warnings.append(
        f"方案所属地区由文中单位名称推断为“{parts.name}” / region inferred from the units "
        f"named in the text: {parts.name}"
    )
    return parts.name, parts


def _tasks(state: _Plan, region: ParsedRegion | None) -> list[ParsedTask]:
    written_numbers = [node.number for node, _, _ in state.task_nodes]
    keep = written_numbers == list(range(1, len(written_numbers) + 1))
    tasks: list[ParsedTask] = []
    unplaced: list[str] = []
    for index, (node, note, section) in enumerate(state.task_nodes, start=1):
        own = node.own().text
        body = own[: note.start] if note else own
        body += "".join(child.all_text() for child in node.children)
        title, rest = _split_title(squash(body))
        task = ParsedTask(
            number=node.number if keep else index,
            label=node.label,
            section=section,
            title=title,
            text=rest,
            non_exhaustive=False,
            line=node.line,
        )
        if note is None:
            state.warnings.append(
                f"第{node.line}行：任务{node.label}没有写明责任单位 / line {node.line}: task "
                f"{node.label} names no responsible unit"
            )
        else:
            reading = read_note(note, region=region, task_label=node.label)
            task.non_exhaustive = reading.non_exhaustive
            state.warnings.extend(reading.warnings)
            for order, a in enumerate(reading.assignments, start=1):
                name = canonical_agency_name(written=a.written, region=region, side=a.side)
                if a.side == "local" and relative_prefix(name) and name not in unplaced:
                    unplaced.append(name)
                task.responsibilities.append(
                    ParsedResponsibility(
                        a.written, name, a.side, a.role, order, is_collective_name(a.written)
                    )
                )
        tasks.append(task)
    if unplaced:
        names = "、".join(unplaced)
        state.warnings.append(
            f"无法确定这些单位属于哪个地区，请指定地区：{names} / cannot tell which region "
            f"these units belong to, give the region: {names}"
        )
    return tasks


def _indicators(state: _Plan) -> list[ParsedIndicator]:
    out: list[ParsedIndicator] = []
    seen: set[str] = set()
    for text in state.objectives:
        for indicator in indicators_in(squash(text)):
            if indicator.name in seen:
                state.warnings.append(
                    f"指标“{indicator.name}”出现多次，只取第一次 / indicator “{indicator.name}” "
                    "appears more than once: the first is kept"
                )
                continue
            seen.add(indicator.name)
            out.append(indicator)
    return out


def _kind(title: str | None, issuers: list[str], tasks: list[ParsedTask]) -> str:
    title = title or ""
    if "要点" in title:
        return "work_points"
    nipa = any(side_hint(i) == "nipa" for i in issuers) or any(
        r.side == "nipa" for t in tasks for r in t.responsibilities
    )
    return "joint" if nipa or "共建" in title else "implementation"


def parse_plan(
    *,
    text: str,
    title: str | None = None,
    region: str | None = None,
    doc_number: str | None = None,
    issued_on: date | None = None,
    limits: Limits | None = None,
) -> ParsedPlan:
    """Parse a plan document's text. Arguments given override what the text says.

    Raises DocumentError for an empty text, a text without recognisable tasks, a bracket of a
    responsibility note or heading number without its partner (the message names the line), or
    a text over one of the `limits` (paragraphs, line length, tasks; the defaults when none)."""
    state = _Plan(text, limits or Limits())
    state.classify()
    check_tasks(len(state.task_nodes), limits or Limits())
    if not state.task_nodes:
        raise DocumentError(
            "未找到可识别的任务（如“1.…”或“(一)…”编号的条目）",
            "no recognisable tasks (items numbered “1.” or “(一)”) were found",
        )
    front, tail = state.outline.front, state.outline.tail
    found_title = squash(title) if title else find_title(front)
    if not found_title:
        state.warnings.append("未识别出方案标题 / the title was not recognised")
    signed_on, issuers = find_signature(front, tail)
    issuers = issuers or issuers_from_notice(front)
    if not issuers:
        state.warnings.append("未识别出发文单位 / the issuers were not recognised")
    if issued_on is None:
        issued_on = signed_on
        if issued_on is None:
            state.warnings.append("未识别出成文日期 / the issue date was not recognised")
    probe = [
        a.written
        for _node, note, _section in state.task_nodes
        if note is not None
        for a in read_note(note, region=None, task_label="").assignments
    ]
    region_name, parts = _region(region, issuers, probe, text, state.warnings)
    tasks = _tasks(state, parts)
    return ParsedPlan(
        title=found_title,
        doc_number=squash(doc_number) if doc_number else find_doc_number(front),
        issued_on=issued_on,
        region=region_name,
        issuers=issuers,
        sections=state.sections,
        tasks=tasks,
        indicators=_indicators(state),
        guarantee_measures=state.measures,
        warnings=state.warnings,
        kind=_kind(found_title, issuers, tasks),
        published_on=find_published(front),
        region_parts=parts,
    )
