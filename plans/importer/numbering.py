"""Word's automatic list numbering: the `1.` or `（一）` Word draws but the text does not hold.

A paragraph numbered by Word (its own `w:numPr`, or its style's) gets the label Word would show,
rendered from the list level's `lvlText` (`%1.`, `（%1）`, `%1、`) and number format (decimal or
Chinese counting). Bullets give no label.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

from plans.importer.tables import cn_numeral

_CHINESE_FORMATS = ("chinese", "ideograph", "japaneseCounting", "taiwaneseCounting")


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


class WordNumbering:
    """Counts list items through one document, as Word does when it renders it."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles = {
            s.get(qn("w:styleId")): s for s in document.styles.element.findall(qn("w:style"))
        }
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for node in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                start = int(_val(lvl, "w:start") or 1)
                levels[int(lvl.get(qn("w:ilvl")))] = (
                    start,
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                )
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in numbering.findall(qn("w:num")):
            ref = _val(num, "w:abstractNumId")
            if ref in abstract:
                self.levels[num.get(qn("w:numId"))] = abstract[ref]

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int]:
        ppr = paragraph._p.pPr
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style_id = _val(ppr, "w:pStyle") if ppr is not None else None
        seen: set[str] = set()
        while num_pr is None and style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            spr = style.find(qn("w:pPr"))
            num_pr = spr.find(qn("w:numPr")) if spr is not None else None
            style_id = _val(style, "w:basedOn")
        if num_pr is None:
            return None, 0
        return _val(num_pr, "w:numId"), int(_val(num_pr, "w:ilvl") or 0)

    def label(self, paragraph: Any) -> str:
        """The label Word shows before this paragraph, counting it; "" when there is none."""
        num_id, ilvl = self._num_pr(paragraph)
        levels = self.levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id or "", {})
        start, fmt, _text = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""
        text = levels[ilvl][2]
        for level in range(ilvl, -1, -1):
            if f"%{level + 1}" not in text:
                continue
            value = counters.get(level, levels.get(level, (1, "", ""))[0])
            level_fmt = levels.get(level, (1, "decimal", ""))[1]
            shown = cn_numeral(value) if level_fmt.startswith(_CHINESE_FORMATS) else str(value)
            text = text.replace(f"%{level + 1}", shown)
        return text
