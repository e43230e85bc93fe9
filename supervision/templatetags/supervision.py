"""The 督办 panel a page of a lower app shows (the task, work item and report pages): its
notices and, for the plan's coordinators, the link to issue one. The lower apps render it
through this tag (`{% supervision_panel target %}`, or `{{ supervision_panel(target) }}` in a
Jinja template) without importing supervision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.http import HttpRequest
from markupsafe import Markup

from agencies import rules
from ops import jinja
from supervision.selectors import Target, target_notices, target_task

register = template.Library()

_KINDS = {"Task": "task", "WorkItem": "work_item", "ProgressReport": "report"}


def _panel(request: HttpRequest, target: Target) -> Markup:
    user = request.user
    return jinja.render(
        "supervision/_panel.html",
        {
            "notices": list(target_notices(user=user, target=target)),
            "kind": _KINDS[type(target).__name__],
            "target": target,
            "can_issue": rules.can_coordinate_plan(user, target_task(target).plan),
        },
    )


@register.simple_tag(takes_context=True)
def supervision_panel(context: template.Context, target: Target) -> Markup:
    return _panel(context["request"], target)


@jinja.jinja_global("supervision_panel", takes_context=True)
def supervision_panel_jinja(context: Mapping[str, Any], target: Target) -> Markup:
    return _panel(context["request"], target)
