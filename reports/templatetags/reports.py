"""The reports a page of a lower app shows: the task page lists its reports through this
tag, so the tasks app renders them without importing the reports app above it."""

from __future__ import annotations

from typing import Any

from django import template

from reports.selectors import task_report_rows
from tasks.models import Task

register = template.Library()


@register.inclusion_tag("reports/_task_reports.html", takes_context=True)
def task_reports(context: template.Context, task: Task) -> dict[str, Any]:
    """Period × owing agency of the task, with what the user may do (recent periods, or all
    with ?periods=all)."""
    request = context["request"]
    table = task_report_rows(
        user=request.user, task=task, all_periods=request.GET.get("periods") == "all"
    )
    return {
        "report_table": table,
        "request": request,
        "task": task,
        "can_edit": context.get("can_edit"),
    }
