"""The outline of a document: front matter, then parts (`一、`) holding numbered items.

A line that looks like a heading is one only when its number continues the outline (`(三)` after
`(二)`, `1.` again under a new group); otherwise, when the paragraph before it is unfinished,
it is the rest of that paragraph (a PDF line that happens to start with `2.` or `(二)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.importer.errors import DocumentError
from plans.importer.frontmatter import DATE_CLOSING, looks_like_issuers
from plans.importer.headings import TERMINAL, Heading, broken_heading_of, heading_of
from plans.importer.normalize import Para, too_long


@dataclass
class Node:
    """A part (level 1) or a numbered item (level 2 or 3) and the paragraphs under it."""

    level: int
    number: int
    label: str
    paras: list[Para] = field(default_factory=list)  # own text: heading line and what follows
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    @property
    def line(self) -> int:
        return self.paras[0].line if self.paras else 0

    def own(self) -> Para:
        """Its own text without the label, paragraphs joined."""
        return Para.joined(self.paras)

    def all_text(self) -> str:
        """Its own text and that of every item under it."""
        return self.own().text + "".join(child.all_text() for child in self.children)

    def walk(self) -> list[Node]:
        return [self] + [n for child in self.children for n in child.walk()]


@dataclass
class Outline:
    front: list[Para]
    parts: list[Node]
    tail: list[Para]  # paragraphs after the last item that look like a signature block
    warnings: list[str] = field(default_factory=list)


def _body_start(paras: list[Para]) -> int | None:
    for level in (1, 2, 3):
        for index, para in enumerate(paras):
            heading = heading_of(para.text)
            if heading and heading.level == level and heading.number == 1:
                return index
    return None


class _Builder:
    def __init__(self, root: Node, *, implicit: bool, max_chars: int | None = None) -> None:
        # With `implicit`, items numbered from the start without a `一、` part sit in `root`, a
        # part without a label; otherwise the first paragraph opens the first part.
        self.parts: list[Node] = [root] if implicit else []
        self.part = root
        self.current: dict[int, Node | None] = {1: root, 2: None, 3: None}
        self.last = {1: 0, 2: 0, 3: 0}
        self.new_group = True
        self.warnings: list[str] = []
        self.last_para: Para | None = None
        self.max_chars = max_chars

    def expected(self, heading: Heading) -> bool:
        level, number = heading.level, heading.number
        if level == 3:
            return number == self.last[3] + 1 or (number == 1 and self.new_group)
        if level == 2 and any(child.level == 3 for child in self.part.children):
            return False  # `1.` items already sit directly under this part: no `(一)` groups
        return number == self.last[level] + 1

    def open(self, heading: Heading, para: Para) -> None:
        own = para.sliced(len(para.text) - len(heading.rest))
        node = Node(heading.level, heading.number, heading.label, [own])
        if heading.level == 1:
            self.parts.append(node)
            self.part = node
            self.current = {1: node, 2: None, 3: None}
            self.last[2] = 0
            self.new_group = True
        else:
            parent = self.part
            if heading.level == 3 and self.current[2] is not None:
                parent = self.current[2]
            node.parent = parent
            parent.children.append(node)
            self.current[heading.level] = node
            if heading.level == 2:
                self.current[3] = None
                self.new_group = True
            else:
                self.new_group = False
        self.last[heading.level] = heading.number
        self.last_para = own

    def attach(self, para: Para, *, merge: bool = False) -> None:
        node = self.current[3] or self.current[2] or self.part
        if merge and self.last_para is not None and self.last_para is node.paras[-1]:
            self.last_para.extend(para)
            if self.max_chars is not None and len(self.last_para.text) > self.max_chars:
                raise too_long(self.last_para, self.max_chars)
            return
        node.paras.append(para)
        self.last_para = para

    def warn_skipped(self, heading: Heading, para: Para) -> None:
        """A numbered line read as the text before it although its number skips ahead (`7.`
        after `5.`): it may be a lost item, so the preview says so."""
        last = self.last[heading.level]
        if heading.number > last + 1:
            self.warnings.append(
                f"第{para.line}行：编号“{heading.label}”与前一项（第{last}项）不连续，"
                f"已作为上一项的正文，请核对 / line {para.line}: “{heading.label}” skips "
                f"numbers after item {last}: read as the text of the item before, check it"
            )

    def feed(self, para: Para) -> None:
        heading = heading_of(para.text)
        broken = broken_heading_of(para.text) if heading is None else None
        if broken is not None and broken == self.last[2] + 1:
            raise DocumentError(
                "标题编号的括号不配对", "unbalanced bracket in a heading number", line=para.line
            )
        if heading is not None and not self.expected(heading):
            previous = self.last_para.text.rstrip() if self.last_para else ""
            if previous and previous[-1] not in TERMINAL:
                self.attach(para, merge=True)
                self.warn_skipped(heading, para)
                return
            self.warnings.append(
                f"第{para.line}行：编号“{heading.label}”不连续 / line {para.line}: "
                f"“{heading.label}” does not follow the numbering before it"
            )
        if heading is None:
            self.attach(para)
        else:
            self.open(heading, para)


def outline(paras: list[Para], *, max_chars: int | None = None) -> Outline:
    """Front matter, parts and items of a document; a paragraph that merges lines past
    `max_chars` is refused."""
    start = _body_start(paras)
    if start is None:
        return Outline(front=paras, parts=[], tail=[])
    first = heading_of(paras[start].text)
    implicit = first is not None and first.level != 1
    builder = _Builder(Node(1, 0, ""), implicit=implicit, max_chars=max_chars)
    for para in paras[start:]:
        builder.feed(para)
    parts = builder.parts
    return Outline(paras[:start], parts, _tail(parts), builder.warnings)


def _tail(parts: list[Node]) -> list[Para]:
    """A signature block (issuers, date, `(此件公开发布)`) closing the document after its last
    item; it is taken off that item, so that it is no part of its text."""
    if not parts:
        return []
    last = parts[-1].walk()[-1]
    count = 0
    dated = False
    for para in reversed(last.paras[1:]):
        text = para.text.strip()
        if DATE_CLOSING.search(text):
            dated = True
        elif not (looks_like_issuers(text) or re.fullmatch(r"[(（]此件.{1,8}[)）]", text)):
            break
        count += 1
    if not dated or not count:
        return []
    tail = last.paras[-count:]
    del last.paras[-count:]
    return tail
