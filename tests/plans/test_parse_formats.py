"""Each seed plan parses the same however it arrives: .docx, GB18030/GBK, UTF-8 with a BOM,
Windows line ends, or text copied out of a PDF (hard-wrapped lines, page numbers, blank lines)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest

from plans.importer.decode import decode_document
from plans.importer.parse import parse_plan

SOURCES = Path(__file__).resolve().parents[2] / "plans" / "sources"
SEEDS = ["hainan-2022.txt", "hunan-2022.txt", "weihai-2021.txt"]


def _width(char: str) -> float:
    return 0.5 if ord(char) < 128 else 1.0


def pdf_extracted(
    text: str,
    *,
    width: float = 30,
    blank_every: int = 7,
    page_lines: int = 23,
    indent: str = "",
) -> str:
    """Text as copied out of a PDF: every line hard-wrapped at `width` (CJK 1, ASCII ½), a
    `— N —` page-number line with blank lines around it every `page_lines` lines, and a stray
    blank line every `blank_every` lines. With `indent`, paragraphs start indented by two
    characters, and the extraction keeps (`"keep"`) or drops (`"drop"`) the indentation."""
    out: list[str] = []
    count, page = 0, 1
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        chunks, chunk, used = [], "", 0.0
        if indent:
            chunk, used = "\u3000\u3000", 2.0
        for char in line:
            if used + _width(char) > width:
                chunks.append(chunk)
                chunk, used = "", 0.0
            chunk += char
            used += _width(char)
        chunks.append(chunk)
        for chunk in chunks:
            out.append(chunk.strip() if indent == "drop" else chunk)
            count += 1
            if count % blank_every == 0:
                out.append("")
            if count % page_lines == 0:
                out += ["", f"— {page} —", ""]
                page += 1
    return "\n".join(out)


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def parsed(text: str) -> dict[str, Any]:
    return parse_plan(text=text).to_json_dict()


@pytest.fixture(scope="module", params=SEEDS)
def seed(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    text = decode_document(data=(SOURCES / request.param).read_bytes(), filename=request.param)
    return text, parsed(text)


def test_docx_paragraph_per_line(seed: tuple[str, dict[str, Any]]) -> None:
    text, expected = seed
    assert parsed(decode_document(data=docx_bytes(text), filename="plan.docx")) == expected


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-16"])
def test_other_encodings(seed: tuple[str, dict[str, Any]], encoding: str) -> None:
    text, expected = seed
    data = text.encode(encoding)
    assert parsed(decode_document(data=data, filename="plan.txt")) == expected


def test_windows_line_ends(seed: tuple[str, dict[str, Any]]) -> None:
    text, expected = seed
    data = text.replace("\n", "\r\n").encode("gb18030")
    assert parsed(decode_document(data=data, filename="plan.txt")) == expected


@pytest.mark.parametrize(
    ("width", "blank_every", "page_lines"),
    [(30, 7, 23), (28, 5, 19), (33, 11, 31), (24, 3, 17), (40, 9, 27)],
)
def test_pdf_extracted(
    seed: tuple[str, dict[str, Any]], width: float, blank_every: int, page_lines: int
) -> None:
    text, expected = seed
    pdf = pdf_extracted(text, width=width, blank_every=blank_every, page_lines=page_lines)
    assert "— 2 —" in pdf
    assert parsed(pdf) == expected


@pytest.mark.parametrize("indent", ["keep", "drop"])
def test_pdf_extracted_with_indented_paragraphs(
    seed: tuple[str, dict[str, Any]], indent: str
) -> None:
    text, expected = seed
    assert parsed(pdf_extracted(text, indent=indent)) == expected


def test_pdf_extracted_as_gb18030_docx(seed: tuple[str, dict[str, Any]]) -> None:
    text, expected = seed
    pdf = pdf_extracted(text)
    assert parsed(decode_document(data=pdf.encode("gb18030"), filename="p.txt")) == expected
    assert parsed(decode_document(data=docx_bytes(pdf), filename="p.docx")) == expected


def test_other_page_number_forms() -> None:
    text = (SOURCES / "hainan-2022.txt").read_text(encoding="utf-8")
    expected = parsed(text)
    lines = pdf_extracted(text).split("\n")
    forms = ["- 3 -", "第3页", "第 4 页 共 9 页", "5/9", "—  6  —", "7"]
    for index, form in enumerate(forms):
        lines.insert(40 * (index + 1), form)
    assert parsed("\n".join(lines)) == expected
