"""DOCX typography of official documents (GB/T 9704-2012), shared by every document the
product prints (the meeting pack, the 督办单): the official fonts by name, with the
substitutes Word takes on a machine that lacks them."""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", HEADING_FONT: "SimHei"}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


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
