"""DOCX typography of official documents (GB/T 9704-2012), shared by every document the
product prints (the meeting pack, the 督办单): the official fonts by name, with the
substitutes Word takes on a machine that lacks them; the A4 page in either orientation; the
`— N —` page number; table rows that repeat as a header or never break across pages."""

from __future__ import annotations

import re
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", HEADING_FONT: "SimHei"}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# GB/T 9704-2012 7.1: top 37 mm, bottom 35 mm, left (binding) 28 mm, right 26 mm. The standard
# sets none for landscape pages (wide tables): these are the PDF pack's, so both formats of a
# pack run to about as many pages.
PORTRAIT_MARGINS_MM = (37, 35, 28, 26)
LANDSCAPE_MARGINS_MM = (26, 24, 30, 30)
# Text width of each orientation, for tables whose columns are given in millimetres.
PORTRAIT_TEXT_MM = 210 - 28 - 26
LANDSCAPE_TEXT_MM = 297 - 30 - 30
# GB/T 9704-2012's type sizes: 二号 (titles), 三号 (body), 四号, 五号.
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = Pt(22), Pt(16), Pt(14), Pt(10.5)
TWIPS_PER_MM = 1440 / 25.4
# Characters XML 1.0 cannot hold: lxml refuses them, so a stray one in a report (pasted from
# a spreadsheet, say) would fail the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: object) -> str:
    return "" if text is None else _NOT_XML.sub("", str(text))


def east_asian_font(element: Any, font: str) -> None:
    """Set `font` for Latin and East Asian text of a style or run."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), font)


def font_fallbacks(doc: Any) -> None:
    """Name a substitute for each official font in word/fontTable.xml (w:altName)."""
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, alt in FALLBACKS.items():
        font = etree.SubElement(root, f"{{{W_NS}}}font", {f"{{{W_NS}}}name": name})
        etree.SubElement(font, f"{{{W_NS}}}altName", {f"{{{W_NS}}}val": alt})
        etree.SubElement(font, f"{{{W_NS}}}charset", {f"{{{W_NS}}}val": "86"})  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def a4_page(section: Any, *, landscape: bool = False) -> None:
    """An A4 page with the official margins; landscape swaps the page size as Word expects
    (the orientation flag alone leaves a portrait-sized page)."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        top, bottom, left, right = LANDSCAPE_MARGINS_MM
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        top, bottom, left, right = PORTRAIT_MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)


def page_number_field(run: Any) -> None:
    """A PAGE field in `run`: Word and LibreOffice put the page's number there."""
    for kind, text in (("begin", None), ("instr", "PAGE"), ("separate", None), ("text", "1")):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)
