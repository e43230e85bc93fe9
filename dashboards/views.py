"""Dashboards: 全国总览, a plan's dashboard, an agency's duties (我司职责 / 本单位职责).

Each page reads the nightly rollups (or one annotated query) and builds its tables here; the
charts draw the same tables, and `?format=csv|xlsx` (with `table=` where a page has several)
downloads them. Filters are GET parameters, so a link carries them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from agencies import rules
from dashboards import tables
from dashboards.selectors import (
    DutyRow,
    agency_responsibilities,
    duty_plans,
    get_agency_for_user,
    indicator_trajectories,
    overview_rows,
    plan_rollups,
    red_tasks,
    trend_series,
    typical_cases,
)
from ops.db_router import reads_from_replica
from ops.page_cache import ROLLUP_VERSION_KEY, cached_page, kept_value
from ops.rows import choice_labels, day_text, pk_path
from ops.tables import Table, table_response
from plans.selectors import get_plan_for_user
from reports.models import ProgressReport
from tasks.lights import light_badges, light_for
from tasks.models import ResponsibilityRole, Status

EXPORT_FORMATS = {"csv", "xlsx"}
DUTIES_PAGE_SIZE = 100
# The most urgent red tasks on the overview; each plan's dashboard lists its own in full.
RED_TASKS_SHOWN = 50


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _download(request: HttpRequest, choices: dict[str, Table], filename: str) -> HttpResponse:
    """The table asked for by `?table=`, in `?format=`; 404 for a table the page has not."""
    name = request.GET.get("table") or next(iter(choices))
    if name not in choices:
        raise Http404
    return table_response(
        table=choices[name], filename=f"{filename}-{name}", fmt=request.GET["format"]
    )


@require_GET
@login_required
@cached_page
@reads_from_replica
def overview(request: HttpRequest) -> HttpResponse:
    region_id = _int_param(request, "region")
    rows = overview_rows(user=request.user, region_id=region_id)
    table = tables.overview_table(rows)
    if request.GET.get("format") in EXPORT_FORMATS:
        return _download(request, {"plans": table}, "overview")
    today = timezone.localdate()
    # All of the country: a line per province; one region asked for: a line per plan's region.
    plan_ids = sorted(r.plan_id for r in rows)
    # Every plan (NIPA, no region asked for): the province sums the nightly rollup wrote.
    every_plan = region_id is None and rules.reads_everything(request.user)
    trend = kept_value(
        name="overview-trend",
        parts=(plan_ids, today, region_id is None),
        version_key=ROLLUP_VERSION_KEY,
        compute=lambda: trend_series(
            plan_ids=plan_ids, until=today, by_province=region_id is None, every_plan=every_plan
        ),
    )
    chart = tables.overview_chart(rows, trend)
    regions = sorted({(r.region_id, r.region_name) for r in rows}, key=lambda x: x[1])
    return render(
        request,
        "dashboards/overview.html",
        {
            "table": table,
            "rows": rows,
            "chart": chart,
            "regions": regions if region_id is None else [],
            "region_id": region_id,
            "query": urlencode({"region": region_id}) if region_id else "",
            "red_tasks": _red_rows(request, today=today),
            "red_tasks_shown": RED_TASKS_SHOWN,
        },
    )


def _red_rows(request: HttpRequest, *, today: dt.date) -> list[dict[str, object]]:
    """The most urgent red tasks as the overview lists them: values, a link and a label."""
    task_url = pk_path("tasks:task_detail")
    statuses = choice_labels(Status.choices)
    found = red_tasks(user=request.user, today=today).values_list(
        "pk", "label", "title", "status", "due_on", "plan__region__name"
    )
    return [
        {
            "region": region,
            "url": task_url(pk),
            "name": f"{label}{title}",
            "status": status,
            "status_label": statuses.get(status, status),
            "due": day_text(due_on),
        }
        for pk, label, title, status, due_on, region in found[:RED_TASKS_SHOWN]
    ]


@require_GET
@login_required
@cached_page
@reads_from_replica
def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    rollups = plan_rollups(plan=plan)
    trajectories = indicator_trajectories(plan=plan)
    choices = {
        "sections": tables.sections_table(rollups.sections),
        "agencies": tables.league_table(rollups.agencies),
        "indicators": tables.indicators_table(rollups.indicators),
    }
    if request.GET.get("format") in EXPORT_FORMATS:
        return _download(request, choices, f"plan-{plan.pk}")
    chart = tables.plan_chart(rollups, trajectories)
    return render(
        request,
        "dashboards/plan_dashboard.html",
        {
            "plan": plan,
            "rollups": rollups,
            "tables": choices,
            "chart": chart,
            "cases": _case_rows(typical_cases(plan=plan)[:50]),
        },
    )


def _case_rows(cases: Iterable[ProgressReport]) -> list[dict[str, object]]:
    """The typical cases as the dashboard lists them, each with its link made once a page."""
    report_url = pk_path("reports:report_detail")
    return [
        {
            "url": report_url(case.pk),
            "name": f"{case.task.label}{case.task.title}",
            "agency": case.agency.name,
            "period": case.period.label,
            "achievements": case.achievements,
        }
        for case in cases
    ]


@require_GET
@login_required
def my_agency(request: HttpRequest) -> HttpResponse:
    """本单位职责: the page of the user's first agency."""
    mine = sorted(rules.agency_ids(request.user))
    if not mine:
        raise Http404
    return redirect("dashboards:agency", pk=mine[0])


def _duty_rows(found: Iterable[tuple[Any, ...]], *, today: dt.date) -> list[DutyRow]:
    rows = [DutyRow(*values) for values in found]
    for row in rows:
        row.light = light_for(status=row.task_status, due_on=row.task_due_on, today=today)
    return rows


def _duty_display(rows: list[DutyRow]) -> list[dict[str, object]]:
    """The page's rows: labels, lights and links made once a page, then put in each row."""
    task_url = pk_path("tasks:task_detail")
    report_url = pk_path("reports:report_detail")
    roles = choice_labels(ResponsibilityRole.choices)
    statuses = choice_labels(Status.choices)
    lights = light_badges()
    return [
        {
            "region": row.region_name,
            "url": task_url(row.task_id),
            "name": f"{row.task_label}{row.task_title}",
            "plan": row.plan_title,
            "role": roles.get(row.role, row.role),
            "status": row.task_status,
            "status_label": statuses.get(row.task_status, row.task_status),
            "light": lights[row.light],
            "due": day_text(row.task_due_on),
            "report_url": report_url(row.latest_report_id) if row.latest_report_id else "",
            "report_period": row.latest_report_period,
        }
        for row in rows
    ]


@require_GET
@login_required
@cached_page
@reads_from_replica
def agency_duties(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request.user, pk)
    plan_id = _int_param(request, "plan")
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    found = agency_responsibilities(
        user=request.user, agency=agency, plan_id=plan_id, status=status
    )
    today = timezone.localdate()
    if request.GET.get("format") in EXPORT_FORMATS:
        duties = _duty_rows(found, today=today)
        return _download(request, {"duties": tables.duties_table(duties)}, f"agency-{agency.pk}")
    # A NIPA department shares hundreds of tasks: the page reads one page of them (and the
    # count, and the plans for the filter) from the database; the download has them all.
    page = Paginator(found, DUTIES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/agency_duties.html",
        {
            "agency": agency,
            "own": agency.pk in rules.agency_ids(request.user),
            "duties": _duty_display(_duty_rows(page.object_list, today=today)),
            "page": page,
            "total": page.paginator.count,
            "table_title": tables.duties_title(),
            "plans": duty_plans(found),
            "plan_id": plan_id,
            "status": status,
            "query": urlencode({k: v for k, v in {"plan": plan_id, "status": status}.items() if v}),
            "statuses": list(choice_labels(Status.choices).items()),
        },
    )
