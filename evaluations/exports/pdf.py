"""The 年度自评报告 as PDF, laid out by Typst with the meeting pack's machinery: the same
fonts (meetings/packs/fonts, embedded in the PDF), the data handed over as one JSON string
value in `sys.inputs`, never as markup."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from evaluations.exports.content import document
from meetings.packs.typst_pdf import EXTRA_FONTS, FONTS

TEMPLATE = Path(__file__).with_name("self_evaluation.typ")


@cache
def _compiler() -> Any:
    """One compiler per process: the fonts are read once."""
    import typst  # imported here: the compiler loads only when a PDF is made

    paths = [str(FONTS)] + [str(p) for p in EXTRA_FONTS if p.is_dir()]
    return typst.Compiler(
        str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=paths, ignore_system_fonts=True
    )


def render_pdf(data: dict[str, Any]) -> bytes:
    payload = json.dumps(document(data), ensure_ascii=False)
    return bytes(_compiler().compile(format="pdf", sys_inputs={"pack": payload}))
