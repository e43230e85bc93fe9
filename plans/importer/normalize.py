"""From text lines to paragraphs, undoing what PDF extraction does to a document.

Page-number lines (`— 3 —`, `- 3 -`, `第3页`, `3/12`) and blank lines are dropped. A line is joined
to the paragraph before it unless it starts a heading or a block of its own (a date, a document
number, `(此件主动公开)`), or that paragraph is finished: it ends a sentence (`。；：！？`), it is a
title line, a date or a document number, or it is a heading. When the text is hard-wrapped (most
lines share one width, as text copied out of a PDF does), a heading whose last line is full
continues on the next line.

Every paragraph remembers which line of the given text each of its characters came from, so an
error can name the line.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from plans.importer.errors import DocumentError
from plans.importer.headings import TERMINAL, broken_heading_of, heading_of

_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-－─]+\s*\d{1,4}\s*[—–\-－─]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,3})\s*$"
)
_DATE_END = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_DATE_ONLY = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
_LABELLED_DATE = re.compile(r"^\s*(?:发布|印发|成文|发文|公开)?(?:日期|时间)\s*[:：]")
DOC_NUMBER_LINE = re.compile(
    r"^\s*[\u4e00-\u9fff]{1,8}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d{1,4}\s*号\s*$"
)
_PAREN_ONLY = re.compile(r"^\s*[(（][^()（）]{1,20}[)）]\s*$")
_ATTACHMENT = re.compile(r"^\s*附\s*件\s*\d*\s*[:：]?")
DOC_KIND_END = re.compile(r"(方案|意见|要点|通知|规划|计划|纲要|办法|细则|决定|通告|公告)$")
_SENTENCE_MARKS = re.compile(r"[，,。；;！？!?]")


def display_width(text: str) -> float:
    """Width as printed: a CJK character is 1, an ASCII character 0.5."""
    return sum(0.5 if ord(c) < 128 else 1.0 for c in text)


def is_title_like(text: str) -> bool:
    """A heading-style line naming a document: `…实施方案`, no sentence punctuation."""
    stripped = text.strip()
    return (
        bool(DOC_KIND_END.search(stripped))
        and len(stripped) <= 100
        and not _SENTENCE_MARKS.search(stripped)
    )


@dataclass
class Para:
    """A paragraph: its text (lines joined without separator) and where each line began."""

    text: str = ""
    starts: list[int] = field(default_factory=list)  # offset in `text` where each line begins
    lines: list[int] = field(default_factory=list)  # line number of each of those lines
    last_full: bool = False

    @property
    def line(self) -> int:
        return self.lines[0] if self.lines else 0

    def line_at(self, offset: int) -> int:
        """The line of the given text that the character at `offset` came from."""
        if not self.lines:
            return 0
        index = bisect.bisect_right(self.starts, max(offset, 0)) - 1
        return self.lines[max(index, 0)]

    def add(self, text: str, line: int) -> None:
        self.starts.append(len(self.text))
        self.lines.append(line)
        self.text += text

    def extend(self, other: Para) -> None:
        offset = len(self.text)
        self.starts.extend(offset + start for start in other.starts)
        self.lines.extend(other.lines)
        self.text += other.text
        self.last_full = other.last_full

    def sliced(self, start: int) -> Para:
        """The paragraph from `start` on, keeping line numbers."""
        out = Para()
        for i, begin in enumerate(self.starts):
            end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
            if end <= start:
                continue
            out.add(self.text[max(begin, start) : end], self.lines[i])
        out.last_full = self.last_full
        return out

    @classmethod
    def joined(cls, paras: list[Para]) -> Para:
        """One paragraph of many, in time linear in their length."""
        out = cls()
        offset = 0
        for para in paras:
            out.starts.extend(offset + start for start in para.starts)
            out.lines.extend(para.lines)
            offset += len(para.text)
        out.text = "".join(para.text for para in paras)
        out.last_full = paras[-1].last_full if paras else False
        return out


def _clean(line: str) -> str:
    return line.replace("\u3000", " ").replace("\xa0", " ").replace("\u200b", "").strip()


def text_lines(text: str) -> list[tuple[int, str]]:
    """(line number, raw line) for every line of the text, `\\r\\n`, `\\r` and form feeds too."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").lstrip("\ufeff")
    return list(enumerate(text.split("\n"), start=1))


def wrap_width(lines: list[tuple[int, str]]) -> float | None:
    """The width a hard-wrapped text was wrapped at, or None for a text of whole paragraphs."""
    widths = [display_width(raw.rstrip()) for _, raw in lines if _clean(raw)]
    widths = [w for w in widths if w >= 8]
    if len(widths) < 8:
        return None
    common, _count = Counter(round(w) for w in widths).most_common(1)[0]
    near = [w for w in widths if common - 2 <= w <= common + 1]
    if len(near) < 0.4 * len(widths):
        return None
    return max(near)


def _starts_block(text: str) -> bool:
    return bool(
        heading_of(text)
        or broken_heading_of(text) is not None
        or _DATE_ONLY.match(text)
        or _LABELLED_DATE.match(text)
        or DOC_NUMBER_LINE.match(text)
        or _PAREN_ONLY.match(text)
        or _ATTACHMENT.match(text)
    )


def _finished(para: Para, wrapped: bool) -> bool:
    text = para.text.rstrip()
    if not text or text[-1] in TERMINAL:
        return True
    if heading_of(text) is not None:
        return not (wrapped and para.last_full)
    return bool(
        _DATE_END.search(text)
        or _LABELLED_DATE.match(text)
        or DOC_NUMBER_LINE.match(text)
        or _PAREN_ONLY.match(text)
        or is_title_like(text)
    )


def normalized_text(*, text: str) -> str:
    """The text one paragraph a line, as the parser reads it (for previews)."""
    return "\n".join(para.text for para in paragraphs(text))


def paragraphs(text: str, *, max_chars: int | None = None) -> list[Para]:
    """The paragraphs of a text, page numbers and blank lines dropped, broken lines joined.
    A paragraph joined from broken lines longer than `max_chars` is refused (DocumentError)."""
    lines = text_lines(text)
    width = wrap_width(lines)
    paras: list[Para] = []
    for number, raw in lines:
        line = _clean(raw)
        if not line or _PAGE_NUMBER.match(line):
            continue
        full = width is not None and display_width(raw.rstrip()) >= width - 3
        if not paras or _starts_block(line) or _finished(paras[-1], width is not None):
            paras.append(Para())
        paras[-1].add(line, number)
        paras[-1].last_full = full
        if max_chars is not None and len(paras[-1].text) > max_chars:
            raise too_long(paras[-1], max_chars)
    return paras


def too_long(para: Para, max_chars: int) -> DocumentError:
    return DocumentError(
        f"从此行起的段落过长（超过 {max_chars} 字，IMPORT_MAX_LINE_CHARS），"
        "请检查是否缺少句末标点或换行",
        f"the paragraph from here on is too long (over {max_chars} characters, "
        "IMPORT_MAX_LINE_CHARS): check for missing full stops or line breaks",
        line=para.line,
    )
