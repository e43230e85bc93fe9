"""The exports of a plan's year: the data once, then each format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from evaluations.exports.docx import render_docx
from evaluations.exports.pdf import render_pdf
from evaluations.exports.xlsx import render_xlsx

FORMATS = ("docx", "pdf", "xlsx")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_render(*, data: dict[str, Any], fmt: str) -> bytes:
    if fmt == "docx":
        return render_docx(data)
    if fmt == "pdf":
        return render_pdf(data)
    if fmt == "xlsx":
        return render_xlsx(data)
    raise ValidationError(_("未知的格式：%(formats)s(可选 docx、pdf、xlsx)") % {"formats": fmt})


def export_file_stem(*, data: dict[str, Any]) -> str:
    plan = data["plan"]
    return f"{plan['code']}-{data['year']}-self-evaluation"
