"""The importer's limits: a document over one is refused quickly, in little memory, with a
message naming the limit; numbering of any width is read and its gaps are warned about."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from plans.importer.decode import decode_document
from plans.importer.errors import DocumentError
from plans.importer.limits import Limits
from plans.importer.parse import parse_plan

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "plans" / "sources"
_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_HEAD = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    b'wordprocessingml/2006/main"><w:body>'
)


def write_docx(path: Path, chunks, *, extra_members: int = 0) -> Path:
    """A minimal .docx whose body is `chunks`, streamed: the file stays small."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        for index in range(extra_members):
            package.writestr(f"word/media/image{index}.png", b"png")
        with package.open("word/document.xml", "w") as body:
            body.write(_HEAD)
            for chunk in chunks:
                body.write(chunk)
            body.write(b"</w:body></w:document>")
    return path


def _paragraph(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


_MEASURE = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from plans.importer.decode import decode_document
from plans.importer.errors import DocumentError
from plans.importer.limits import Limits
from plans.importer.parse import parse_plan
start = time.perf_counter()
path = sys.argv[1]
limits = Limits(max_upload_bytes=int(sys.argv[2]))
try:
    with open(path, "rb") as handle:
        text = decode_document(data=handle.read(), filename=path, limits=limits)
    parse_plan(text=text, limits=limits)
    error = None
except DocumentError as exc:
    error = str(exc)
# VmHWM: the peak of this program's memory (getrusage's ru_maxrss keeps the forking parent's).
try:
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    peak = int(hwm.split()[1]) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"error": error, "seconds": time.perf_counter() - start, "peak_mb": peak}))
"""


def _measure(path: Path, upload_limit: int = Limits().max_upload_bytes) -> dict:
    """Read and parse a file in a fresh interpreter: its error, seconds and peak memory."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _MEASURE, str(path), str(upload_limit), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    figures = json.loads(result.stdout)
    print(path.name, figures)  # the figures, for the report (pytest -s)
    return figures


def test_a_small_docx_of_a_million_tiny_paragraphs_is_refused_in_little_memory(tmp_path):
    path = write_docx(tmp_path / "many.docx", (b"<w:p/>" * 100_000 for _ in range(12)))
    assert path.stat().st_size < 200_000  # 1.2 M paragraphs in about 120 KB
    figures = _measure(path)
    assert "IMPORT_MAX_PARAGRAPHS" in figures["error"]
    assert "段落过多" in figures["error"]
    assert figures["peak_mb"] < 150  # it was 734 MB and a worker timeout


@pytest.mark.parametrize("upload_limit", [Limits().max_upload_bytes, 100 * 1024 * 1024])
def test_a_30_mb_text_is_refused_before_it_is_parsed(tmp_path, upload_limit):
    line = ("1.加强知识产权保护工作，推进各项任务落实" * 3 + "。\n").encode()
    path = tmp_path / "big.txt"
    path.write_bytes(line * (30 * 1024 * 1024 // len(line)))
    figures = _measure(path, upload_limit)
    # Over the upload limit it is never decoded; with the limit raised, the paragraph count
    # stops it before the parser runs.
    expected = "IMPORT_MAX_UPLOAD_BYTES" if upload_limit < 30 * 1024 * 1024 else "段落过多"
    assert expected in figures["error"]
    assert figures["peak_mb"] < 300


def test_a_docx_with_one_300_mb_text_node_is_refused_by_its_uncompressed_size(tmp_path):
    chunks = [b"<w:p><w:r><w:t>", *([b"a" * 1024 * 1024] * 300), b"</w:t></w:r></w:p>"]
    figures = _measure(write_docx(tmp_path / "node.docx", chunks))
    assert "IMPORT_MAX_DOCX_UNCOMPRESSED_BYTES" in figures["error"]
    assert "解压后为 300.0 MB" in figures["error"]
    assert figures["peak_mb"] < 150


def test_a_text_node_lxml_refuses_becomes_a_document_error(tmp_path):
    chunks = [b"<w:p><w:r><w:t>", *([b"a" * 1024 * 1024] * 15), b"</w:t></w:r></w:p>"]
    data = write_docx(tmp_path / "node.docx", chunks).read_bytes()
    with pytest.raises(DocumentError, match="一段文字过长") as caught:
        decode_document(data=data, filename="node.docx")
    assert "IMPORT_MAX_LINE_CHARS" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, r"无法读取该 \.docx 文件"),
        (b"not a zip at all", r"无法读取该 \.docx 文件"),
    ],
)
def test_a_damaged_docx_is_a_document_error(data, words):
    with pytest.raises(DocumentError, match=words):
        decode_document(data=data, filename="x.docx")


def _repackaged(tmp_path, member: str, old: bytes, new: bytes) -> bytes:
    source = write_docx(tmp_path / "ok.docx", [_paragraph(f"{n}.任务。") for n in range(1, 300)])
    out = io.BytesIO()
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(out, "w") as copy:
        for info in package.infolist():
            data = package.read(info)
            copy.writestr(info, data.replace(old, new) if info.filename == member else data)
    return out.getvalue()


def test_a_docx_whose_compressed_body_is_damaged_is_a_document_error(tmp_path):
    """zlib's own error (not an OSError) escaped as a server error."""
    path = write_docx(tmp_path / "ok.docx", [_paragraph(f"{n}.任务。") for n in range(1, 300)])
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("word/document.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 200
    data[start : start + 10] = bytes(b ^ 0xFF for b in data[start : start + 10])
    with pytest.raises(
        DocumentError, match=r"无法读取该 \.docx 文件（Error -3 while decompressing"
    ):
        decode_document(data=bytes(data), filename="x.docx")


@pytest.mark.parametrize(
    ("member", "old", "new"),
    [
        # python-docx: "not a Word file" (a ValueError naming a BytesIO object)
        ("[Content_Types].xml", b"/word/document.xml", b"/word/other.xml"),
        # python-docx: a TypeError joining a missing Target
        ("_rels/.rels", b'Target="word/document.xml"', b'Tarjet="x"'),
        # python-docx: an AttributeError on a relationships part of the wrong shape
        ("_rels/.rels", b"<Relationship ", b"<Relation "),
    ],
)
def test_a_damaged_docx_package_is_a_document_error_that_says_so(tmp_path, member, old, new):
    data = _repackaged(tmp_path, member, old, new)
    with pytest.raises(DocumentError) as caught:
        decode_document(data=data, filename="x.docx")
    assert "无法读取该 .docx 文件（文件结构不完整或已损坏）" in caught.value.message_zh
    assert "BytesIO" not in str(caught.value)


def test_a_truncated_docx_is_a_document_error(tmp_path):
    data = write_docx(tmp_path / "ok.docx", [_paragraph("1.任务。")]).read_bytes()
    with pytest.raises(DocumentError, match=r"无法读取该 \.docx 文件"):
        decode_document(data=data[: len(data) // 2], filename="x.docx")


def test_a_docx_without_a_body_is_a_document_error(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
    with pytest.raises(DocumentError, match="缺少正文"):
        decode_document(data=path.read_bytes(), filename="empty.docx")


def test_too_many_docx_members_are_refused_before_opening(tmp_path):
    data = write_docx(tmp_path / "m.docx", [_paragraph("x")], extra_members=10).read_bytes()
    with pytest.raises(DocumentError, match="IMPORT_MAX_DOCX_MEMBERS") as caught:
        decode_document(data=data, filename="m.docx", limits=Limits(max_docx_members=5))
    assert "包含 13 个部件，超过上限 5 个" in str(caught.value)


def test_a_docx_of_too_many_xml_elements_is_refused(tmp_path):
    chunks = [_paragraph("<w:b/>" * 200) for _ in range(10)]
    data = write_docx(tmp_path / "e.docx", chunks).read_bytes()
    with pytest.raises(DocumentError, match="XML 元素过多"):
        decode_document(data=data, filename="e.docx", limits=Limits(max_paragraphs=20))


def test_a_docx_within_the_limits_still_reads(tmp_path):
    lines = ["关于加强知识产权工作的实施方案", "一、重点任务", "1.加强保护。（牵头单位：省局）"]
    data = write_docx(tmp_path / "ok.docx", [_paragraph(t) for t in lines]).read_bytes()
    assert decode_document(data=data, filename="ok.docx").split("\n") == lines


def _runs_paragraph(runs: int) -> bytes:
    """A paragraph of `runs` one-letter runs, the last a full stop."""
    return (
        b"<w:p>"
        + b"<w:r><w:t>x</w:t></w:r>" * (runs - 1)
        + (b"<w:r><w:t>\xe3\x80\x82</w:t></w:r></w:p>")
    )


def test_a_small_docx_of_half_a_million_tiny_runs_reads_within_the_limits(tmp_path):
    """Within every limit (19,000 paragraphs of 24 one-letter runs, a 50 KB file), so the web
    worker reads it, in one pass."""
    path = write_docx(tmp_path / "runs.docx", (_runs_paragraph(24) * 1000 for _ in range(19)))
    assert path.stat().st_size < 100_000
    text = decode_document(data=path.read_bytes(), filename="runs.docx")
    assert text.split("\n") == ["x" * 23 + "。"] * 19_000


def test_reading_a_paragraph_asks_no_xpath_query_per_run(tmp_path, monkeypatch):
    """python-docx's own paragraph text runs an XPath query a run: 8-11 s of the file above in
    a web worker, against 1-2 s read in one pass. Counted, not timed: the queries of a
    document of 24-run paragraphs are those of the same paragraphs in one run each."""
    from docx.oxml.xmlchemy import BaseOxmlElement

    calls = []
    xpath = BaseOxmlElement.xpath
    monkeypatch.setattr(
        BaseOxmlElement, "xpath", lambda self, *a, **kw: calls.append(1) or xpath(self, *a, **kw)
    )

    def queries(runs: int) -> int:
        path = write_docx(tmp_path / f"{runs}.docx", [_runs_paragraph(runs) * 200])
        calls.clear()
        text = decode_document(data=path.read_bytes(), filename=f"{runs}.docx")
        assert text.split("\n") == ["x" * (runs - 1) + "。"] * 200
        return len(calls)

    assert queries(24) == queries(1)


def test_a_docx_paragraphs_text_is_what_word_shows(tmp_path):
    """Runs, runs inside a hyperlink, tabs, line breaks (not page breaks), no-break hyphens,
    in document order; deleted text and field codes are not text; table cells too."""
    paragraph = (
        b'<w:p><w:pPr><w:jc w:val="left"/></w:pPr>'
        b'<w:r><w:t xml:space="preserve">1. A </w:t><w:tab/><w:t>B</w:t></w:r>'
        b"<w:hyperlink><w:r><w:t>link</w:t></w:r><w:r><w:br/><w:t>C</w:t></w:r></w:hyperlink>"
        b'<w:r><w:br w:type="page"/><w:noBreakHyphen/><w:cr/><w:t>D</w:t></w:r>'
        b"<w:del><w:r><w:delText>gone</w:delText></w:r></w:del>"
        b"<w:r><w:instrText>PAGE</w:instrText><w:t>E</w:t></w:r></w:p>"
    )
    table = (
        b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>\xe4\xbb\xbb\xe5\x8a\xa1</w:t></w:r></w:p></w:tc>"
        b"<w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc>"
        b"</w:tr></w:tbl>"
    )
    data = write_docx(tmp_path / "t.docx", [paragraph, table]).read_bytes()
    lines = decode_document(data=data, filename="t.docx").split("\n")
    assert lines[0] == "1. A \tBlink"
    assert lines[1] == "C-"
    assert lines[2] == "DE"
    assert any("任务" in line and "ab" in line for line in lines[3:])


def test_an_upload_over_the_limit_is_refused_with_its_size():
    with pytest.raises(DocumentError, match="IMPORT_MAX_UPLOAD_BYTES") as caught:
        decode_document(data=b"a" * 2048, filename="a.txt", limits=Limits(max_upload_bytes=1024))
    assert "文件过大（2 KB），导入的文件最大为 1 KB" in str(caught.value)


def test_a_long_line_is_refused_naming_its_line():
    text = "标题\n" + "长" * 101 + "\n一、重点任务\n"
    with pytest.raises(DocumentError, match="IMPORT_MAX_LINE_CHARS") as caught:
        parse_plan(text=text, limits=Limits(max_line_chars=100))
    assert caught.value.line == 2
    assert "段落过长（101 字），每段最多 100 字" in str(caught.value)


def test_broken_lines_joined_past_the_line_limit_are_refused():
    text = "一、重点任务\n1.任务。内容\n" + "\n".join(["推进知识产权保护工作"] * 30)
    with pytest.raises(DocumentError, match="段落过长") as caught:
        parse_plan(text=text, limits=Limits(max_line_chars=100))
    assert caught.value.line == 3


def test_too_many_paragraphs_in_a_text_are_refused():
    text = "\n".join(f"{i}.任务{i}。" for i in range(1, 12))
    with pytest.raises(DocumentError, match="IMPORT_MAX_PARAGRAPHS"):
        parse_plan(text=text, limits=Limits(max_paragraphs=10))


def _plan(count: int, *, skip: int | None = None) -> str:
    lines = ["关于加强知识产权工作的实施方案", "一、重点任务"]
    for number in range(1, count + 1):
        if number != skip:
            lines.append(f"{number}.任务{number}。推进工作。（牵头单位：省知识产权局）")
    return "\n".join(lines)


def test_too_many_tasks_are_refused():
    with pytest.raises(DocumentError, match="IMPORT_MAX_TASKS") as caught:
        parse_plan(text=_plan(6), region="海南省", limits=Limits(max_tasks=5))
    assert "任务过多（6 项），一个方案最多 5 项" in str(caught.value)


def test_items_numbered_1000_and_up_are_tasks_of_their_own():
    parsed = parse_plan(text=_plan(1002), region="海南省")
    assert [t.label for t in parsed.tasks[-4:]] == ["999.", "1000.", "1001.", "1002."]
    assert parsed.tasks[999].title == "任务1000"
    assert "任务1000" not in parsed.tasks[998].text


def test_a_gap_in_the_numbering_is_warned_about_even_when_read_as_text():
    # `3.` is missing and `2.`'s note ends in a bracket: `4.` reads as the text of `2.`.
    parsed = parse_plan(text=_plan(5, skip=3), region="海南省")
    assert [t.label for t in parsed.tasks] == ["1.", "2."]
    assert any("编号“4.”与前一项（第2项）不连续" in w for w in parsed.warnings)


def test_a_jump_in_the_numbering_is_warned_about():
    text = _plan(5, skip=3).replace("）\n4.", "）。\n4.")
    parsed = parse_plan(text=text, region="海南省")
    assert [t.label for t in parsed.tasks] == ["1.", "2.", "4.", "5."]
    assert any("编号“4.”不连续" in w for w in parsed.warnings)


def test_the_real_plans_read_without_numbering_warnings():
    for path in SOURCES.glob("*.txt"):
        parsed = parse_plan(text=path.read_text(encoding="utf-8"))
        assert not [w for w in parsed.warnings if "不连续" in w], path.name


def test_the_settings_give_the_limits():
    assert Limits.from_settings(settings) == Limits(
        max_upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
        max_docx_uncompressed_bytes=settings.IMPORT_MAX_DOCX_UNCOMPRESSED_BYTES,
        max_docx_members=settings.IMPORT_MAX_DOCX_MEMBERS,
        max_paragraphs=settings.IMPORT_MAX_PARAGRAPHS,
        max_line_chars=settings.IMPORT_MAX_LINE_CHARS,
        max_tasks=settings.IMPORT_MAX_TASKS,
    )
    with override_settings(IMPORT_MAX_TASKS=7):
        assert Limits.from_settings(settings).max_tasks == 7


@override_settings(IMPORT_MAX_TASKS=5)
def test_the_command_refuses_a_plan_over_the_limit(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(_plan(6), encoding="utf-8")
    with pytest.raises(CommandError, match="IMPORT_MAX_TASKS"):
        call_command("import_plan", str(path), "--dry-run", "--json", "--region", "海南省")


def test_the_real_command_refuses_an_oversized_file_in_one_line(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 4096)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "IMPORT_MAX_UPLOAD_BYTES": "1024",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_plan", str(path), "--dry-run", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "IMPORT_MAX_UPLOAD_BYTES" in result.stderr
