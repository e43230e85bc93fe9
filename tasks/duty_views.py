"""A plan's 责任分工表 as a download (XLSX or DOCX), for whoever may see the plan."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from plans.selectors import get_plan_for_user
from tasks.duty_table import CONTENT_TYPES, duty_table_gather, duty_table_response


@login_required
@require_GET
def plan_duty_table(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, int(pk))
    if fmt not in CONTENT_TYPES:  # the URL admits only the two; a guard for direct calls
        raise Http404
    return duty_table_response(plan=plan, data=duty_table_gather(plan=plan), fmt=fmt)
