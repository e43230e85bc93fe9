"""How much of a document the importer reads: the limits, passed in by its callers.

The importer stays plain Python: the web form and the `import_plan` command build a
:class:`Limits` from the settings (`IMPORT_MAX_*`) and pass it to ``decode_document`` and
``parse_plan``. A document over a limit is refused with a DocumentError naming the limit and its
setting, before the costly part of the work: the upload's size before it is read, a .docx's
member list (sizes as declared, which bound what ``zipfile`` will inflate) before it is opened,
its paragraphs and XML elements counted in the raw XML before a tree is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from plans.importer.errors import DocumentError

MIB = 1024 * 1024
# XML elements a .docx may hold per paragraph allowed (runs, properties, tables, styles…): an
# element costs a few hundred bytes of memory once parsed, whatever its size in the file.
ELEMENTS_PER_PARAGRAPH = 50

_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")
_START_TAG = re.compile(rb"<[A-Za-z_]")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Limits:
    """The largest document the importer reads (defaults: those of the settings)."""

    max_upload_bytes: int = 10 * MIB  # IMPORT_MAX_UPLOAD_BYTES
    max_docx_uncompressed_bytes: int = 30 * MIB  # IMPORT_MAX_DOCX_UNCOMPRESSED_BYTES
    max_docx_members: int = 200  # IMPORT_MAX_DOCX_MEMBERS
    max_paragraphs: int = 20_000  # IMPORT_MAX_PARAGRAPHS
    max_line_chars: int = 20_000  # IMPORT_MAX_LINE_CHARS
    max_tasks: int = 2_000  # IMPORT_MAX_TASKS

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The limits the `IMPORT_MAX_*` attributes of a settings object give (Django's, passed
        in by the caller); a missing one keeps its default."""
        names = {f.name: "IMPORT_" + f.name.upper() for f in fields(cls)}
        given = {field: getattr(settings, name, None) for field, name in names.items()}
        return cls(**{field: int(value) for field, value in given.items() if value is not None})


def _size(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} B"


def check_upload(size: int, limits: Limits) -> None:
    """An uploaded file or pasted text larger than IMPORT_MAX_UPLOAD_BYTES."""
    if size > limits.max_upload_bytes:
        most = _size(limits.max_upload_bytes)
        raise DocumentError(
            f"文件过大（{_size(size)}），导入的文件最大为 {most}（IMPORT_MAX_UPLOAD_BYTES）",
            f"the file is too large ({_size(size)}): at most {most} (IMPORT_MAX_UPLOAD_BYTES)",
        )


def check_members(count: int, uncompressed: int, limits: Limits) -> None:
    """A .docx's member count and total uncompressed size, from its central directory."""
    if count > limits.max_docx_members:
        most = limits.max_docx_members
        raise DocumentError(
            f".docx 文件包含 {count} 个部件，超过上限 {most} 个（IMPORT_MAX_DOCX_MEMBERS）",
            f"the .docx holds {count} parts, more than {most} (IMPORT_MAX_DOCX_MEMBERS)",
        )
    if uncompressed > limits.max_docx_uncompressed_bytes:
        most = _size(limits.max_docx_uncompressed_bytes)
        raise DocumentError(
            f".docx 文件解压后为 {_size(uncompressed)}，超过上限 {most}"
            "（IMPORT_MAX_DOCX_UNCOMPRESSED_BYTES）",
            f"the .docx is {_size(uncompressed)} uncompressed, more than {most} "
            "(IMPORT_MAX_DOCX_UNCOMPRESSED_BYTES)",
        )


def _too_many_paragraphs(count: int | str, limits: Limits) -> DocumentError:
    most = limits.max_paragraphs
    return DocumentError(
        f"文档段落过多（{count} 段），最多 {most} 段（IMPORT_MAX_PARAGRAPHS）",
        f"too many paragraphs ({count}): at most {most} (IMPORT_MAX_PARAGRAPHS)",
    )


def _count(pattern: re.Pattern[bytes], chunks: list[bytes | bytearray], most: int) -> int:
    """How many times `pattern` occurs, counting no further than one past `most`."""
    count = 0
    for chunk in chunks:
        for _match in pattern.finditer(chunk):
            count += 1
            if count > most:
                return count
    return count


def check_docx_xml(
    document_xml: bytes | bytearray, other_xml: list[bytes | bytearray], limits: Limits
) -> None:
    """Paragraphs of the body and XML elements of every part, counted in the raw XML."""
    if _count(_PARAGRAPH_TAG, [document_xml], limits.max_paragraphs) > limits.max_paragraphs:
        raise _too_many_paragraphs(f"{limits.max_paragraphs}+", limits)
    most = limits.max_paragraphs * ELEMENTS_PER_PARAGRAPH
    if _count(_START_TAG, [document_xml, *other_xml], most) > most:
        raise DocumentError(
            f".docx 文件的 XML 元素过多（超过 {most} 个，"
            f"即 IMPORT_MAX_PARAGRAPHS 的 {ELEMENTS_PER_PARAGRAPH} 倍）",
            f"the .docx holds too many XML elements (over {most}) "
            f"({ELEMENTS_PER_PARAGRAPH} × IMPORT_MAX_PARAGRAPHS)",
        )


def check_text(text: str, limits: Limits) -> None:
    """The paragraph (non-blank line) count and the longest line of a text; stops at the first
    line over a limit, without splitting the whole text."""
    count = 0
    for match in _LINE.finditer(text):
        if match.end() - match.start() > limits.max_line_chars:
            line = text.count("\n", 0, match.start()) + 1
            raise line_too_long(line, match.end() - match.start(), limits)
        if not match.group().strip():
            continue
        count += 1
        if count > limits.max_paragraphs:
            raise _too_many_paragraphs(f"{limits.max_paragraphs}+", limits)


def line_too_long(line: int, length: int, limits: Limits) -> DocumentError:
    most = limits.max_line_chars
    return DocumentError(
        f"段落过长（{length} 字），每段最多 {most} 字（IMPORT_MAX_LINE_CHARS）",
        f"a paragraph is too long ({length} characters): at most {most} (IMPORT_MAX_LINE_CHARS)",
        line=line,
    )


def check_tasks(count: int, limits: Limits) -> None:
    if count > limits.max_tasks:
        most = limits.max_tasks
        raise DocumentError(
            f"任务过多（{count} 项），一个方案最多 {most} 项（IMPORT_MAX_TASKS）",
            f"too many tasks ({count}): a plan holds at most {most} (IMPORT_MAX_TASKS)",
        )
