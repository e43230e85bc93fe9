"""Bytes of an uploaded document → its text, one paragraph a line.

- `.txt`: UTF-8 (with or without BOM) is tried strictly first, then GB18030 (which covers GBK
  and GB2312); UTF-16 with a BOM is read too. NUL bytes, control characters or bytes neither
  encoding accepts mean the file is not text: a DocumentError names the line.
- `.docx`: paragraphs in body order; a table whose header names a task column (任务, 重点任务,
  任务内容, …) and unit columns (责任单位, 牵头单位, 配合单位, …) becomes the lines a plain
  document would have: `1.任务。正文(牵头单位：A；配合单位：B)`, with a category column (类别,
  领域, …) giving `(一)类别` group headings. A title column beside a content column (重点任务 |
  主要内容) gives `1.标题。内容(…)`; one unit column per side gives NIPA's part first, as the
  running text writes it; a section row (merged across the table, or alone in its row) gives a
  `(一)…` heading, never a task. Other tables become one line a row.
- `.doc` and `.pdf` are refused with a hint (save as .docx / copy the text out).

The text is returned as written (line breaks normalised to `\\n`); undoing PDF line breaks and
page numbers is the parser's job (:mod:`plans.importer.normalize`), so that line numbers in its
errors are those of the file.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import PurePath
from typing import Any

from lxml.etree import XMLSyntaxError

from plans.importer.errors import DocumentError
from plans.importer.limits import Limits, check_docx_xml, check_members, check_text, check_upload

__all__ = ["DocumentError", "Limits", "decode_document"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError("UTF-16 文本无法解码", "undecodable UTF-16 text") from exc
    if b"\x00" in data:
        raise DocumentError(
            "文件含有二进制内容（NUL 字节），不是文本文件",
            "the file holds binary data (NUL bytes), not text",
            line=_line_of(data, data.index(b"\x00")),
        )
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return body.decode("gb18030")
    except UnicodeDecodeError as exc:
        # The encoding that read further is the one the file is (mostly) in.
        at = max(utf8_error.start, exc.start)
        raise DocumentError(
            "无法识别文字编码（既不是 UTF-8 也不是 GB18030/GBK）",
            "unknown text encoding (neither UTF-8 nor GB18030/GBK)",
            line=_line_of(body, at),
        ) from exc


def decode_document(*, data: bytes, filename: str, limits: Limits | None = None) -> str:
    """The text of a `.txt` or `.docx` document; DocumentError when there is none, or when it
    is over one of the `limits` (the defaults when none are given)."""
    limits = limits or Limits()
    check_upload(len(data), limits)
    suffix = PurePath(filename).suffix.lower()
    if not data or data.isspace():  # not strip(): a copy of the whole upload
        raise DocumentError("文件为空", "the document is empty")
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(
            "不支持旧版 Word（.doc）文件，请另存为 .docx",
            "old Word (.doc) files are not supported: save as .docx",
        )
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        raise DocumentError(
            "不能直接导入 PDF，请复制其中文字另存为 .txt 后导入",
            "PDF cannot be imported directly: copy its text into a .txt file",
        )
    if suffix == ".docx":
        text = docx_text(data, limits)
    elif data.startswith(b"PK\x03\x04"):
        raise DocumentError(
            "文件是压缩包或 Office 文档，不是文本文件",
            "the file is an archive or Office document, not text",
            line=1,
        )
    else:
        text = _decode_text(data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control and len(text) - len(_CONTROL.sub("", text)) > max(3, len(text) // 200):
        raise DocumentError(
            "文件含有大量控制字符，不是文本文件",
            "the file holds many control characters: it is not text",
            line=text.count("\n", 0, control.start()) + 1,
        )
    if not text.strip():
        raise DocumentError("文件为空", "the document is empty")
    check_text(text, limits)
    return text


# Errors whose text says what is wrong with the file (the archive's or the XML's own words);
# any other error python-docx raises on a damaged package (an AttributeError deep in its part
# graph, a TypeError on a missing attribute) says nothing to the user.
_TELLING = (zipfile.BadZipFile, zlib.error, XMLSyntaxError, EOFError, NotImplementedError)


def _unreadable(exc: Exception) -> DocumentError:
    if isinstance(exc, XMLSyntaxError) and "huge" in str(exc).lower():
        return DocumentError(
            "无法读取该 .docx 文件：其中一段文字过长（IMPORT_MAX_LINE_CHARS）",
            "the .docx file cannot be read: one run of text is too long (IMPORT_MAX_LINE_CHARS)",
        )
    if not isinstance(exc, _TELLING):
        return DocumentError(
            "无法读取该 .docx 文件（文件结构不完整或已损坏），请用 Word 打开后另存为 .docx 再导入",
            "the .docx file cannot be read (its structure is incomplete or damaged): open it "
            "in Word, save it as .docx again and import that",
        )
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return DocumentError(
        f"无法读取该 .docx 文件（{reason}）", f"the .docx file cannot be read ({reason})"
    )


def _member_bytes(package: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytearray:
    """A member inflated into one growing buffer: `ZipFile.read` grows a bytes object copy by
    copy, about twice a 29 MB body at its peak (refusing such a file took 55 MB above the
    process's size, now 42)."""
    out = bytearray()
    with package.open(member) as stream:
        while chunk := stream.read(1 << 20):
            out += chunk
    return out


def _check_package(data: bytes, limits: Limits) -> None:
    """Refuse a .docx over the limits from its member list and raw XML, before any parsing.
    ``zipfile`` never inflates a member past the size its directory declares."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            check_members(len(members), sum(m.file_size for m in members), limits)
            names = {m.filename for m in members}
            if "word/document.xml" not in names:
                raise DocumentError(
                    "该 .docx 文件缺少正文（word/document.xml）",
                    "the .docx file has no body (word/document.xml)",
                )
            xml = {
                m.filename: _member_bytes(package, m)
                for m in members
                if m.filename.endswith((".xml", ".rels"))
            }
            body = xml.pop("word/document.xml")
            check_docx_xml(body, list(xml.values()), limits)
    except DocumentError:
        raise
    # A damaged, truncated or encrypted archive, one compressed by an unknown method, or a
    # member whose compressed data is corrupt (zlib's own error, not an OSError).
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise _unreadable(exc) from exc
    except NotImplementedError as exc:
        raise _unreadable(exc) from exc


def docx_text(data: bytes, limits: Limits | None = None) -> str:
    """Paragraphs and tables of a .docx in body order, one line a paragraph or table row."""
    from docx import Document

    from plans.importer.numbering import WordNumbering

    _check_package(data, limits or Limits())
    lines: list[str] = []
    try:
        document = Document(io.BytesIO(data))
        _block_lines(document.element.body, document, lines, WordNumbering(document))
    except DocumentError:
        raise
    # python-docx on a package only its limits were checked on: a damaged part fails deep in
    # its part graph with whatever error that code meets (zlib's, lxml's, an AttributeError on
    # a part of the wrong type, a TypeError on a relationship without a target…). Every one
    # means the file cannot be read; none may become a server error.
    except Exception as exc:
        raise _unreadable(exc) from exc
    return "\n".join(lines)


def _block_lines(element: Any, parent: Any, lines: list[str], numbering: Any) -> None:
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from plans.importer.tables import table_lines
    from plans.importer.wordtext import paragraph_text

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, parent)
            label = numbering.label(paragraph)
            text = paragraph_text(child)
            lines.append(text if not label or text.lstrip().startswith(label) else label + text)
        elif child.tag == qn("w:tbl"):
            lines.extend(table_lines(Table(child, parent)))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _block_lines(content, parent, lines, numbering)
