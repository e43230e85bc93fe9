"""Bytes to text: encodings, .docx paragraphs and task tables, and what is refused."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from plans.importer.decode import decode_document
from plans.importer.errors import DocumentError
from plans.importer.parse import parse_plan
from plans.importer.tables import cn_numeral

DOCS = Path(__file__).resolve().parent / "docs"


def _docx(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


# --- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312"])
def test_text_encodings(encoding: str) -> None:
    text = "一、重点任务\r\n1.加强保护。（省知识产权局负责）\r\n"
    decoded = decode_document(data=text.encode(encoding), filename="plan.TXT")
    assert decoded == "一、重点任务\n1.加强保护。（省知识产权局负责）\n"


def test_gbk_fixture_document_on_disk() -> None:
    data = (DOCS / "work-points-gbk.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    plan = parse_plan(text=decode_document(data=data, filename="work-points-gbk.txt"))
    assert plan.title == "2024年河北省知识产权工作要点"
    assert plan.region == "河北省"
    assert [t.title for t in plan.tasks] == ["加快知识产权保护中心建设", "推进专利转化运用"]
    assert [(r.name, r.role) for r in plan.tasks[0].responsibilities] == [
        ("河北省知识产权局", "lead"),
        ("河北省公安厅", "co"),
        ("河北省高级人民法院", "co"),
    ]


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(DocumentError, match="文件为空") as caught:
        decode_document(data=data, filename="plan.txt")
    assert "the document is empty" in str(caught.value)


def test_binary_file_names_the_line() -> None:
    data = "第一行\n第二行\n".encode() + b"\x89PNG\x00\x01\x02"
    with pytest.raises(DocumentError, match="NUL") as caught:
        decode_document(data=data, filename="plan.txt")
    assert caught.value.line == 3
    assert "第3行" in str(caught.value)


def test_undecodable_bytes_name_the_line() -> None:
    data = "一、重点任务\n1.加强保护。\n".encode() + b"\xff\xfe\xfd\xfc abc\n"
    with pytest.raises(DocumentError, match="GB18030") as caught:
        decode_document(data=data, filename="plan.txt")
    assert caught.value.line == 3


def test_control_characters_are_not_text() -> None:
    data = bytes(range(1, 9)) * 50
    with pytest.raises(DocumentError, match="控制字符"):
        decode_document(data=data, filename="plan.txt")


@pytest.mark.parametrize(
    ("filename", "data", "words"),
    [
        ("plan.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 20, ".docx"),
        ("plan.pdf", b"%PDF-1.7\n...", "PDF"),
        ("plan.txt", b"PK\x03\x04" + b"x" * 20, "not text"),
        ("plan.docx", b"not a zip file at all", ".docx"),
    ],
)
def test_refused_files(filename: str, data: bytes, words: str) -> None:
    with pytest.raises(DocumentError, match=words.replace(".", r"\.")):
        decode_document(data=data, filename=filename)


# --- .docx ---------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_body_order() -> None:
    def build(document) -> None:
        document.add_paragraph("2024年某省知识产权工作要点")
        document.add_paragraph("一、强化保护")
        _table(
            document,
            [
                ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
                ["1", "加快保护中心建设。年内建成运行。", "省知识产权局", "省财政厅等", "2024年底"],
                ["2", "开展专项行动。", "省知识产权局", "省公安厅、省法院", "全年"],
            ],
        )
        document.add_paragraph("二、保障措施")
        document.add_paragraph("加强组织领导。")

    text = decode_document(data=_docx(build), filename="points.docx")
    assert text.split("\n") == [
        "2024年某省知识产权工作要点",
        "一、强化保护",
        "1.加快保护中心建设。年内建成运行。(牵头单位：省知识产权局；配合单位：省财政厅等)",
        "2.开展专项行动。(牵头单位：省知识产权局；配合单位：省公安厅、省法院)",
        "二、保障措施",
        "加强组织领导。",
    ]
    plan = parse_plan(text=text, region="山西省")
    assert [(t.number, t.title, t.non_exhaustive) for t in plan.tasks] == [
        (1, "加快保护中心建设", True),
        (2, "开展专项行动", False),
    ]
    assert [(r.name, r.role) for r in plan.tasks[1].responsibilities] == [
        ("山西省知识产权局", "lead"),
        ("山西省公安厅", "co"),
        ("山西省法院", "co"),
    ]


def test_table_layout_with_categories_and_responsible_units() -> None:
    def build(document) -> None:
        document.add_paragraph("威海市知识产权强市建设重点任务分工方案")
        document.add_paragraph("一、重点任务")
        _table(
            document,
            [
                ["类别", "序号", "任务名称", "任务内容", "责任单位"],
                ["知识产权保护", "1", "加强司法保护", "完善技术调查官制度。", "市法院、市检察院"],
                ["知识产权保护", "2", "强化行政保护", "开展专项行动。", "市市场监管局"],
                ["知识产权运用", "3", "推动专利转化", "建设运营中心。", "市科技局、市财政局"],
            ],
        )

    text = decode_document(data=_docx(build), filename="table.docx")
    assert text.split("\n")[2:] == [
        "(一)知识产权保护",
        "1.加强司法保护。完善技术调查官制度。(责任单位：市法院、市检察院)",
        "2.强化行政保护。开展专项行动。(责任单位：市市场监管局)",
        "(二)知识产权运用",
        "3.推动专利转化。建设运营中心。(责任单位：市科技局、市财政局)",
    ]
    plan = parse_plan(text=text, region="山东省威海市")
    assert [(s.label, s.title, s.parent) for s in plan.sections] == [
        ("一、", "重点任务", None),
        ("(一)", "知识产权保护", "一、"),
        ("(二)", "知识产权运用", "一、"),
    ]
    assert [(t.number, t.section, t.title, t.text) for t in plan.tasks] == [
        (1, "(一)", "加强司法保护", "完善技术调查官制度。"),
        (2, "(一)", "强化行政保护", "开展专项行动。"),
        (3, "(二)", "推动专利转化", "建设运营中心。"),
    ]
    assert [(r.name, r.role) for r in plan.tasks[0].responsibilities] == [
        ("威海市法院", "responsible"),
        ("威海市检察院", "responsible"),
    ]


def test_table_with_a_column_for_each_side() -> None:
    def build(document) -> None:
        document.add_paragraph("某省人民政府 国家知识产权局共建知识产权强省实施方案")
        document.add_paragraph("二、共建任务")
        _table(
            document,
            [
                ["序号", "任务", "国家知识产权局责任司局", "省级责任单位"],
                [
                    "1",
                    "建设保护中心。加快建设。",
                    "保护司牵头，公共服务司配合",
                    "省知识产权局牵头，省公安厅等按职责分工负责",
                ],
            ],
        )

    text = decode_document(data=_docx(build), filename="joint.docx")
    assert text.split("\n")[-1] == (
        "1.建设保护中心。加快建设。"
        "(保护司牵头，公共服务司配合；省知识产权局牵头，省公安厅等按职责分工负责)"
    )
    plan = parse_plan(text=text, region="贵州省")
    assert [(r.name, r.side, r.role) for r in plan.tasks[0].responsibilities] == [
        ("国家知识产权局保护司", "nipa", "lead"),
        ("国家知识产权局公共服务司", "nipa", "co"),
        ("贵州省知识产权局", "local", "lead"),
        ("贵州省公安厅", "local", "co"),
    ]
    assert plan.tasks[0].non_exhaustive


def test_other_tables_become_a_line_a_row() -> None:
    def build(document) -> None:
        _table(document, [["指标", "2020年", "2025年"], ["发明专利拥有量", "1.2万件", "2万件"]])

    text = decode_document(data=_docx(build), filename="t.docx")
    assert text.split("\n") == ["指标2020年2025年", "发明专利拥有量1.2万件2万件"]


@pytest.mark.parametrize(("number", "numeral"), [(1, "一"), (10, "十"), (14, "十四"), (20, "二十")])
def test_cn_numeral(number: int, numeral: str) -> None:
    assert cn_numeral(number) == numeral


def _chinese_list(document) -> str:
    """Add a list definition drawing `（一）`, `（二）` … and return its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0">'
            '<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%1）"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    return "90"


def _numbered(document, text: str, num_id: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def test_word_list_numbering_is_drawn_into_the_text() -> None:
    def build(document) -> None:
        document.add_paragraph("2024年威海市知识产权工作要点")
        document.add_paragraph("一、重点任务")
        num_id = _chinese_list(document)
        _numbered(document, "加强保护。建立机制。（责任单位：市公安局）", num_id)
        _numbered(document, "加强运用。推动转化。（责任单位：市科技局）", num_id)
        document.add_paragraph("要点", style="List Bullet")

    text = decode_document(data=_docx(build), filename="numbered.docx")
    assert text.split("\n") == [
        "2024年威海市知识产权工作要点",
        "一、重点任务",
        "（一）加强保护。建立机制。（责任单位：市公安局）",
        "（二）加强运用。推动转化。（责任单位：市科技局）",
        "要点",
    ]
    plan = parse_plan(text=text, region="山东省威海市")
    assert [(t.label, t.title) for t in plan.tasks] == [("(一)", "加强保护"), ("(二)", "加强运用")]
    assert plan.tasks[0].responsibilities[0].name == "威海市公安局"


def test_word_list_numbering_of_a_style() -> None:
    def build(document) -> None:
        document.add_paragraph("一、重点任务")
        document.add_paragraph("加强保护。建立机制。(市知识产权局牵头)", style="List Number")
        document.add_paragraph("加强运用。推动转化。(市科技局负责)", style="List Number")

    text = decode_document(data=_docx(build), filename="numbered.docx")
    assert text.split("\n")[1:] == [
        "1.加强保护。建立机制。(市知识产权局牵头)",
        "2.加强运用。推动转化。(市科技局负责)",
    ]
