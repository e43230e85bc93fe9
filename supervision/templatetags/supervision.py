"""The 督办 panel a page of a lower app shows (the task, work item and report pages): its
notices and, for the plan's coordinators, the link to issue one. The lower apps render it
through this tag without importing supervision."""

from __future__ import annotations

from typing import Any

from django import template

from agencies import rules
from supervision.selectors import Target, target_notices, target_task

register = template.Library()

_KINDS = {"Task": "task", "WorkItem": "work_item", "ProgressReport": "report"}


@register.inclusion_tag("supervision/_panel.html", takes_context=True)
def supervision_panel(context: template.Context, target: Target) -> dict[str, Any]:
    user = context["request"].user
    return {
        "notices": list(target_notices(user=user, target=target)),
        "kind": _KINDS[type(target).__name__],
        "target": target,
        "can_issue": rules.can_coordinate_plan(user, target_task(target).plan),
    }
