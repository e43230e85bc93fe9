"""The 责任分工表 (division-of-responsibility table) of a plan: every task with each side's
lead and co-responsible agencies, its deadline, status and light, as JSON (the API), XLSX
and DOCX. Gathered once (content.py), drawn by xlsx.py and docx.py from the same data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse

from plans.models import Plan
from tasks.duty_table.content import duty_table_gather
from tasks.duty_table.docx import render_docx
from tasks.duty_table.xlsx import render_xlsx

__all__ = [
    "CONTENT_TYPES",
    "FILE_FORMATS",
    "duty_table_file_name",
    "duty_table_gather",
    "duty_table_render",
    "duty_table_response",
]

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FILE_FORMATS = tuple(CONTENT_TYPES)
_RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "xlsx": render_xlsx,
    "docx": render_docx,
}


def duty_table_render(*, data: dict[str, Any], fmt: str) -> bytes:
    return _RENDERERS[fmt](data)


def duty_table_file_name(*, plan: Plan, fmt: str) -> str:
    """ASCII, for every browser's download bar: the plan's code, or its id."""
    code = plan.code if plan.code.isascii() else f"plan-{plan.pk}"
    return f"{code}-duty-table.{fmt}"


def duty_table_response(*, plan: Plan, data: dict[str, Any], fmt: str) -> HttpResponse:
    """The file as an attachment: the plan page's links and the API answer with it."""
    response = HttpResponse(duty_table_render(data=data, fmt=fmt), content_type=CONTENT_TYPES[fmt])
    name = duty_table_file_name(plan=plan, fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
