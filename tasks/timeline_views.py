"""The timeline by kind, and its download for audit: a task's (the task page's timeline, filtered
in place with htmx) and a plan's (/tasks/plan/<id>/timeline/), each for whoever may see the
task or plan. `?format=csv|xlsx` downloads the filtered timeline; the security log records
each download as an export (security.middleware)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agencies import rules
from ops.tables import Table, table_response
from plans.selectors import get_plan_for_user
from tasks import selectors
from tasks.forms import CommentForm
from tasks.models import Event
from tasks.timeline import export_headers, export_rows

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")
# A cell starting like a formula is prefixed, so a spreadsheet never runs it.


@login_required
@require_GET
def task_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk)
    kind = selectors.timeline_kind(request.GET.get("kind", ""))
    events = selectors.task_timeline_for(user=request.user, task=task, kind=kind)
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        return _download(events, filename=f"task-{task.pk}-timeline", fmt=fmt)
    if request.htmx:  # the task page's timeline, filtered in place
        can_comment = rules.can_comment(request.user, task)
        head, older = selectors.timeline_head(events)
        ctx = {"task": task, "events": head, "older_events": older, "kind": kind}
        ctx["comment_form"] = CommentForm() if can_comment else None
        return render(request, "tasks/_timeline.html", ctx)
    ctx = {"plan": task.plan, "task": task, **_page(request, events, kind)}
    return render(request, "tasks/plan_timeline.html", ctx)


@login_required
@require_GET
def plan_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    kind = selectors.timeline_kind(request.GET.get("kind", ""))
    events = selectors.plan_timeline(user=request.user, plan=plan, kind=kind)
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        return _download(events, filename=f"plan-{plan.pk}-timeline", fmt=fmt)
    return render(
        request, "tasks/plan_timeline.html", {"plan": plan, **_page(request, events, kind)}
    )


def _page(request: HttpRequest, events: QuerySet[Event], kind: str) -> dict[str, Any]:
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "events": page.object_list,
        "page": page,
        "kind": kind,
        "query": urlencode({"kind": kind}) if kind else "",
    }


def _download(events: QuerySet[Event], *, filename: str, fmt: str) -> HttpResponse:
    """Every event of the filtered timeline, oldest first (the order an auditor reads)."""
    rows: Iterable[list[Any]] = export_rows(
        events.order_by("created_at", "pk").iterator(chunk_size=2000)
    )
    table = Table(title=str(_("动态记录")), headers=export_headers(), rows=rows)
    return table_response(table=table, filename=filename, fmt=fmt)
