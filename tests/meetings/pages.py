"""Looking at a meeting pack's pages the way a reader does, whichever engine made the PDF.

Everything here reads the finished file with poppler-utils (pdftotext's word boxes, pdffonts,
pdftoppm) and LibreOffice for the DOCX, never the renderer's own objects: a check passes or
fails on what is printed. Coordinates are PDF points from the page's top-left corner, as
pdftotext -bbox-layout gives them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess  # nosec B404 - fixed poppler / LibreOffice command lines, no shell
import tempfile
import uuid
import xml.etree.ElementTree as ET  # nosec B405 - pdftotext's own output, not outside input
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ops import official_docx

MM = 72 / 25.4
# GB/T 9704-2012 margins of an A4 portrait page (top, right, bottom, left), in mm.
MARGINS_MM = (37.0, 26.0, 35.0, 28.0)
# The project's landscape margins (top, bottom, left, right), in mm.
LANDSCAPE_MARGINS_MM = official_docx.LANDSCAPE_MARGINS_MM
# Glyph boxes reach a little past the line box (ascenders, descenders, the side bearings of
# full-width punctuation): this much past the text area still counts as inside.
TOLERANCE_MM = 2.0
OPENING = set("（〔【《〈「『“‘")
CLOSING = set("）〕】》〉」』”’，。、；：！？")
PAGE_NUMBER = re.compile(r"^[—–－\-]+\s*\d+\s*[—–－\-]+$")
PAGE_NUMBER_PART = re.compile(r"^[—–－\-\d]+$")
LEVEL1 = re.compile(r"^([一二三四五六七八九十]+、|附件)")
WS = re.compile(r"\s+")
# A line belongs to a task table's rows when it shares this many characters in a row with a
# task's printed fields (title, agencies, status, progress, problems, next steps).
ROW_WINDOW = 6
# A task row begins on a page when its first line holds the start of a task title.
TITLE_START = 6
ROW_LINE = 14.0  # pt: a table row's first lines, cell by cell, start this close together
SOFFICE_TIMEOUT = 180


def squash(text: str) -> str:
    """Text with every whitespace removed: CJK lines wrap anywhere, so titles and cells are
    compared without the line breaks and spaces the layout put in."""
    return WS.sub("", text)


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Line(Box):
    words: list[Box] = field(default_factory=list)


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def words(self) -> list[Box]:
        return [w for line in self.lines for w in line.words]

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def _run(args: list[str], *, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, capture_output=True, check=True, timeout=timeout)  # noqa: S603  # nosec B603


def _float(node: ET.Element, name: str) -> float:
    return float(node.attrib[name])


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page with its size and its lines of words (pdftotext -bbox-layout), the lines
    in top-to-bottom order."""
    out = _run(["pdftotext", "-bbox-layout", str(pdf), "-"]).stdout
    root = ET.fromstring(out)  # noqa: S314  # nosec B314 - poppler's output for our own file
    pages = []
    for number, node in enumerate(root.iterfind(".//{*}page"), start=1):
        lines = []
        for line in node.iterfind(".//{*}line"):
            words = [
                Box(_float(w, "xMin"), _float(w, "yMin"), _float(w, "xMax"), _float(w, "yMax"),
                    w.text or "")
                for w in line.iterfind("{*}word")
            ]  # fmt: skip
            lines.append(
                Line(
                    _float(line, "xMin"), _float(line, "yMin"), _float(line, "xMax"),
                    _float(line, "yMax"), "".join(w.text for w in words), words,
                )
            )  # fmt: skip
        lines.sort(key=lambda ln: (round(ln.y0, 1), ln.x0))
        pages.append(Page(number, _float(node, "width"), _float(node, "height"), lines))
    return pages


def pdf_text(pdf: Path) -> str:
    """The PDF's text in reading order and in content-stream order (-raw) one after the other:
    a title wrapped inside a table cell reads whole in at least one of them."""
    plain = _run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"]).stdout.decode()
    raw = _run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"]).stdout.decode()
    return plain + "\n\f\n" + raw


def titles_missing(pdf: Path, titles: Iterable[str]) -> list[str]:
    text = squash(pdf_text(pdf))
    return [t for t in titles if squash(t) not in text]


@dataclass
class Font:
    name: str
    type: str
    embedded: bool


def pdf_fonts(pdf: Path) -> list[Font]:
    """pdffonts' table. A long name pushes the other columns right and a type may hold a
    space ("CID TrueType"), so a row is read from both ends: the name first, then emb, sub,
    uni and the object number and generation last."""
    fonts = []
    for row in _run(["pdffonts", str(pdf)]).stdout.decode().splitlines()[2:]:
        cells = row.split()
        if len(cells) >= 8:
            fonts.append(
                Font(name=cells[0], type=" ".join(cells[1:-6]), embedded=cells[-5] == "yes")
            )
    return fonts


def page_count(pdf: Path) -> int:
    out = _run(["pdfinfo", str(pdf)]).stdout.decode()
    match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    return int(match.group(1)) if match else 0


def render_pngs(pdf: Path, folder: Path, *, dpi: int = 40) -> list[Path]:
    """The pages as PNG images (pdftoppm), replacing what an earlier run left in `folder`."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    _run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "page")])
    return sorted(folder.glob("page-*.png"))


# --- the text area -------------------------------------------------------------------------


def text_frames(page: Page) -> list[tuple[float, float, float, float]]:
    """The text areas (x0, y0, x1, y1) a page may have. Portrait: the GB/T 9704 margins. The
    standard sets none for a landscape page (a wide table's): the project's own landscape
    margins (ops.official_docx, both renderers use them) or the portrait sheet's margins
    turned with it, a quarter turn either way or mirrored."""
    top, right, bottom, left = (m * MM for m in MARGINS_MM)
    if not page.landscape:
        options = [(top, right, bottom, left)]
    else:
        l_top, l_bottom, l_left, l_right = (m * MM for m in LANDSCAPE_MARGINS_MM)
        options = [(l_top, l_right, l_bottom, l_left)] + [
            (a, b, c, d)
            for (a, c) in ((left, right), (right, left))
            for (b, d) in ((top, bottom), (bottom, top))
        ]
    return [(lf, tp, page.width - rt, page.height - bt) for tp, rt, bt, lf in options]


def _outside(word: Box, frame: tuple[float, float, float, float], tol: float) -> bool:
    # A full-width bracket or stop is half blank: at a line's start or end the engines set
    # that half past the edge (pdftotext boxes the whole advance), the ink stays inside.
    half = (word.y1 - word.y0) / 2
    text = word.text.strip()
    left = tol + (half if text[:1] in OPENING else 0)
    right = tol + (half if text[-1:] in CLOSING else 0)
    x0, y0, x1, y1 = frame
    return word.x0 < x0 - left or word.y0 < y0 - tol or word.x1 > x1 + right or word.y1 > y1 + tol


def words_outside_text_area(page: Page, *, tolerance_mm: float = TOLERANCE_MM) -> list[Box]:
    """The words (page numbers aside: they sit in the foot margin by the standard) that no
    allowed text area of the page holds, for the frame that holds the most of them."""
    tol = tolerance_mm * MM
    words = [w for w in page.words if not PAGE_NUMBER_PART.match(w.text.strip())]
    best: list[Box] | None = None
    for frame in text_frames(page):
        out = [w for w in words if _outside(w, frame, tol)]
        if best is None or len(out) < len(best):
            best = out
    return best or []


def page_numbers(pages: list[Page]) -> dict[int, int | None]:
    """Each page's printed number ("— N —"), None where it has none."""
    found: dict[int, int | None] = {}
    for page in pages:
        found[page.number] = None
        for line in page.lines:
            text = squash(line.text)
            if PAGE_NUMBER.match(text):
                found[page.number] = int(re.sub(r"\D", "", text))
    return found


# --- task tables ---------------------------------------------------------------------------


@dataclass
class TablePage:
    page: Page
    header_top: float | None  # top of the header row on this page, None without one
    first_row_top: float  # top of the first line of task rows
    first_row_text: str
    # Whether the first row on the page begins there, with its task's title; False when it
    # is the rest of a row that started on the page before.
    row_begins: bool


def _level1(pages: list[Page]) -> list[tuple[int, Line]]:
    return [(p.number, ln) for p in pages for ln in p.lines if LEVEL1.match(squash(ln.text))]


def _row_matcher(row_texts: Iterable[str]):
    haystack = "\x00".join(squash(t) for t in row_texts if t)

    def is_row(text: str) -> bool:
        text = squash(text)
        if len(text) < ROW_WINDOW:
            return len(text) >= 3 and text in haystack and not text.isdigit()
        return any(text[i : i + ROW_WINDOW] in haystack for i in range(len(text) - ROW_WINDOW + 1))

    return is_row


def _header_band(lines: list[Line], headers: list[str]) -> tuple[float, list[Line]] | None:
    """The topmost band of lines (tops within 24 pt) that together name three of the table's
    column headers (a table may leave out a column it has nothing for); its top and its
    lines. A header cell may wrap, so a header is known by its first two characters."""
    keys = [squash(h)[:2] for h in headers if squash(h)]
    need = min(len(keys), 3)
    hits = [(ln, {k for k in keys if k in squash(ln.text)}) for ln in lines]
    hits = [(ln, found) for ln, found in hits if found and len(squash(ln.text)) <= 60]
    for ln, _found in sorted(hits, key=lambda h: h[0].y0):
        band = [(o, f) for o, f in hits if ln.y0 - 1 <= o.y0 <= ln.y0 + 24]
        if len(set().union(*(f for _, f in band))) >= need:
            return ln.y0, [o for o, _ in band]
    return None


def task_table_pages(
    pages: list[Page],
    *,
    heading: str,
    headers: list[str],
    row_texts: Iterable[str],
    titles: Iterable[str],
) -> list[TablePage]:
    """The pages holding rows of the task tables: between the level-1 heading `heading`
    (二、重点任务推进情况) and the next level-1 heading, each with its header row's top, its
    first task row's top and whether that row starts with one of the `titles`."""
    starts = {squash(t)[:TITLE_START] for t in titles if squash(t)}
    level1 = _level1(pages)
    start = next(((n, ln) for n, ln in level1 if squash(heading) in squash(ln.text)), None)
    if start is None:
        raise AssertionError(f"no level-1 heading “{heading}” in the PDF")
    later = [(n, ln) for n, ln in level1 if (n, ln.y0) > (start[0], start[1].y0)]
    end = later[0] if later else (len(pages) + 1, None)
    is_row = _row_matcher(row_texts)
    found = []
    for page in pages:
        if not start[0] <= page.number <= end[0]:
            continue
        lines = [
            ln for ln in page.lines
            if (page.number, ln.y0) > (start[0], start[1].y0)
            and (end[1] is None or (page.number, ln.y0) < (end[0], end[1].y0))
        ]  # fmt: skip
        band = _header_band(lines, headers)
        in_band = {id(ln) for ln in band[1]} if band else set()
        rows = [ln for ln in lines if id(ln) not in in_band and is_row(ln.text)]
        if not rows:
            continue
        first = min(rows, key=lambda ln: ln.y0)
        # The row's first line: its cells' first lines start within a line's height.
        head = "".join(squash(ln.text) for ln in rows if ln.y0 <= first.y0 + ROW_LINE)
        begins = any(title_start in head for title_start in starts)
        found.append(TablePage(page, band[0] if band else None, first.y0, first.text, begins))
    return found


# --- LibreOffice ---------------------------------------------------------------------------


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise AssertionError(
            "LibreOffice is not installed: apt-get install -y --no-install-recommends "
            "libreoffice-writer-nogui"
        )
    return path


def docx_to_pdf(docx: Path, folder: Path) -> Path:
    """The DOCX opened and printed to PDF by LibreOffice headless, with a profile of its own
    (parallel runs and a user's LibreOffice never share one) and a time limit."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.gettempdir()) / f"lo-profile-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        _run(
            [
                soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(docx),
            ],
            timeout=SOFFICE_TIMEOUT,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = folder / f"{docx.stem}.pdf"
    if not pdf.exists():
        raise AssertionError(f"LibreOffice wrote no PDF for {docx.name}")
    return pdf
