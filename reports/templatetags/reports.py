"""The reports a page of a lower app shows: the task page lists its reports through this
tag (`{{ task_reports(task) }}` in its Jinja body, `{% task_reports task %}` in a Django
template), so the tasks app renders them without importing the reports app above it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.translation import ngettext
from markupsafe import Markup

from ops import jinja
from reports.selectors import task_report_rows
from tasks.models import Task

register = template.Library()


def _task_reports(request: HttpRequest, task: Task, *, can_edit: bool) -> Markup:
    """Period × owing agency of the task, with what the user may do (recent periods, or all
    with ?periods=all)."""
    table = task_report_rows(
        user=request.user, task=task, all_periods=request.GET.get("periods") == "all"
    )
    hidden = table.hidden_periods
    return jinja.render(
        "reports/_task_reports.html",
        {
            "report_table": table,
            "request": request,
            "task": task,
            "can_edit": can_edit,
            # Plural forms are chosen here: the template takes only constant `_()` strings.
            "show_hidden_periods": ngettext(
                "显示其余 %(count)s 个报送周期", "显示其余 %(count)s 个报送周期", hidden
            )
            % {"count": hidden},
        },
    )


@register.simple_tag(takes_context=True)
def task_reports(context: template.Context, task: Task) -> Markup:
    return _task_reports(context["request"], task, can_edit=bool(context.get("can_edit")))


@jinja.jinja_global("task_reports", takes_context=True)
def task_reports_jinja(context: Mapping[str, Any], task: Task) -> Markup:
    return _task_reports(context["request"], task, can_edit=bool(context.get("can_edit")))
