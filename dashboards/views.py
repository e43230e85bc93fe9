"""Dashboards: 全国总览, a plan's dashboard, an agency's duties (我司职责 / 本单位职责).

Each page reads the nightly rollups (or one annotated query) and builds its tables here; the
charts draw the same tables, and `?format=csv|xlsx` (with `table=` where a page has several)
downloads them. Filters are GET parameters, so a link carries them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from agencies import rules
from api.pagination import CountThenPage
from dashboards import tables
from dashboards.duties import (
    DutyRow,
    duty_page_rows,
    duty_plans,
    duty_query,
    duty_rows,
    get_agency_for_user,
)
from dashboards.selectors import (
    RED_TASKS_SHOWN,
    indicator_trajectories,
    overview_rows,
    plan_rollups,
    red_task_rows,
    trend_series,
    typical_case_rows,
)
from ops.db_router import reads_from_replica
from ops.page_cache import ROLLUP_VERSION_KEY, cached_page, kept_value
from ops.rows import choice_labels, cut_text, day_text, pk_path
from ops.tables import Table, table_response
from plans.selectors import get_plan_for_user
from tasks.lights import light_badges, light_for
from tasks.models import ResponsibilityRole, Status

EXPORT_FORMATS = {"csv", "xlsx"}
DUTIES_PAGE_SIZE = 100


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
    red_rows, red_count = _red_rows(request, today=today)
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
            "red_tasks": red_rows,
            "red_count": red_count,
            "red_tasks_shown": RED_TASKS_SHOWN,
        },
    )


def _red_rows(request: HttpRequest, *, today: dt.date) -> tuple[SafeString, int]:
    """The most urgent red tasks as the overview lists them, as `<tr>`s (values, a link and
    a label each, escaped as `{{ value }}` would be), and how many."""
    task_url = pk_path("tasks:task_detail")
    statuses = choice_labels(Status.choices)
    found = red_task_rows(user=request.user, today=today)
    rows = [
        f"<tr><td>{escape(str(region))}</td>"
        f'<th scope="row"><a href="{escape(task_url(pk))}">{escape(f"{label}{title}")}</a></th>'
        f'<td><span class="status status-{escape(status)}">'
        f"{escape(str(statuses.get(status, status)))}</span></td>"
        f"<td>{escape(day_text(due_on))}</td></tr>"
        for pk, label, title, status, due_on, region in found
    ]
    return mark_safe("\n".join(rows)), len(rows)  # noqa: S308 - every value escaped  # nosec B308 B703


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
            "cases": _case_rows(typical_case_rows(plan=plan)),
        },
    )


def _case_rows(found: list[tuple[Any, ...]]) -> SafeString:
    """The typical cases as the dashboard lists them, as HTML: each with its link made once
    a page, its achievements cut to 200 characters (`|truncatechars:200`) and every value
    escaped as `{{ value }}` would be."""
    report_url = pk_path("reports:report_detail")
    cards = []
    for pk, label, title, agency, period, achievements in found:
        cut = f"<p>{escape(cut_text(achievements, 200))}</p>" if achievements else ""
        cards.append(
            f'<div class="card"><p><a href="{escape(report_url(pk))}">'
            f"{escape(f'{label}{title}')}</a> "
            f'<span class="muted">· {escape(str(agency))} · {escape(str(period))}</span></p>'
            f"{cut}</div>"
        )
    return mark_safe("\n".join(cards))  # noqa: S308 - every value escaped  # nosec B308 B703


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


def _duty_body(rows: list[DutyRow]) -> SafeString:
    """The page's rows as `<tr>`s: labels, lights and links made once a page, each value
    escaped as `{{ value }}` would be, built in Python rather than by a template loop over a
    hundred rows of eleven values (a third of the page's time)."""
    task_url = pk_path("tasks:task_detail")
    report_url = pk_path("reports:report_detail")
    roles = choice_labels(ResponsibilityRole.choices)
    statuses = choice_labels(Status.choices)
    lights = light_badges()  # already HTML
    return mark_safe(  # noqa: S308 - every value escaped here  # nosec B308 B703
        "\n".join(
            f"<tr><td>{escape(row.region_name)}</td>"
            f'<th scope="row"><a href="{escape(task_url(row.task_id))}">'
            f"{escape(f'{row.task_label}{row.task_title}')}</a><br>"
            f'<span class="muted">{escape(row.plan_title)}</span></th>'
            f"<td>{escape(str(roles.get(row.role, row.role)))}</td>"
            f'<td><span class="status status-{escape(row.task_status)}">'
            f"{escape(str(statuses.get(row.task_status, row.task_status)))}</span></td>"
            f"<td>{lights[row.light]}</td>"
            f"<td>{escape(day_text(row.task_due_on))}</td>"
            + (
                f'<td><a href="{escape(report_url(row.latest_report_id))}">'
                f"{escape(str(row.latest_report_period))}</a></td></tr>"
                if row.latest_report_id
                else "<td>—</td></tr>"
            )
            for row in rows
        )
    )


@require_GET
@login_required
@cached_page
@reads_from_replica
def agency_duties(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_for_user(request.user, pk)
    plan_id = _int_param(request, "plan")
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    query = duty_query(user=request.user, agency=agency, plan_id=plan_id, status=status)
    today = timezone.localdate()
    if request.GET.get("format") in EXPORT_FORMATS:
        rows = _duty_rows(duty_rows(query), today=today)
        return _download(request, {"duties": tables.duties_table(rows)}, f"agency-{agency.pk}")
    # A NIPA department shares hundreds of tasks: the page reads one page of them (and the
    # plans for the filter, with their count) from the database; the download has them all.
    plans, total = duty_plans(query)
    duties = CountThenPage(
        count=lambda: total, page=lambda bottom, top: duty_page_rows(query, bottom, top)
    )
    page = Paginator(duties, DUTIES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _duty_rows(page.object_list, today=today)
    return render(
        request,
        "dashboards/agency_duties.html",
        {
            "agency": agency,
            "own": agency.pk in rules.agency_ids(request.user),
            "duties": _duty_body(rows) if rows else "",
            "page": page,
            "total": total,
            "table_title": tables.duties_title(),
            "plans": plans,
            "plan_id": plan_id,
            "status": status,
            "query": urlencode({k: v for k, v in {"plan": plan_id, "status": status}.items() if v}),
            "statuses": list(choice_labels(Status.choices).items()),
        },
    )
