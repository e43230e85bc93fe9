"""Rollups (统计快照): per plan, section, agency and indicator, on one date.

The arithmetic is in reports/rollup_gather.py; here the rows are written, as one upsert keyed
by (batch, plan, scope_key, as_of), so running a date again rewrites the same rows with the
same numbers. A meeting's rows are written once, by meetings/services.py, and frozen. Beside
the nightly rows, each night's per-province trend points (`TrendPoint`), summed from them.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from dashboards.models import NIGHTLY, Rollup, Scope, TrendPoint
from dashboards.rollup_gather import PlanRollup, sources_load
from dashboards.selectors import MOVING, PROVINCE_ID
from ops.page_cache import data_changed, rollups_changed
from plans.models import Plan


def plan_rollup_rows(*, plan: Plan, as_of: dt.date, batch: str = NIGHTLY) -> list[Rollup]:
    """The unsaved rows of one plan on `as_of` (a meeting's, or the pack's current data)."""
    src = sources_load(plans=[plan], as_of=as_of)
    return PlanRollup(plan=plan, as_of=as_of, batch=batch, src=src).rows_build()


def rollup_build(*, as_of: dt.date) -> dict[str, int]:
    """The nightly job: every plan's rows for `as_of`, upserted; rows of scopes that no longer
    exist (an agency taken off every task) are removed, so a re-run leaves exactly this set."""
    plans = list(Plan.objects.order_by("pk"))
    src = sources_load(plans=plans, as_of=as_of)
    rows = [
        row
        for plan in plans
        for row in PlanRollup(plan=plan, as_of=as_of, batch=NIGHTLY, src=src).rows_build()
    ]
    with transaction.atomic():
        written = _upsert(rows)
        Rollup.objects.filter(batch=NIGHTLY, as_of=as_of).exclude(pk__in=written).delete()
        trend_points_write(since=as_of, until=as_of)
        data_changed()  # written by COPY, so no signal: the dashboards move on at commit
        rollups_changed()
    return {"plans": len(plans), "rows": len(rows)}


def trend_points_write(*, since: dt.date, until: dt.date) -> int:
    """The trend points (`TrendPoint`) of the nights from `since` to `until`, summed from
    their nightly plan rows by province in one GROUP BY; the nights' old points go. Returns
    how many were written. The overview reads these for a user who sees every plan, so they
    must be exactly `selectors.trend_series`'s sums over those rows: the same expressions."""
    sums = (
        Rollup.objects.filter(batch=NIGHTLY, scope=Scope.PLAN, as_of__gte=since, as_of__lte=until)
        .annotate(province=PROVINCE_ID)
        .values_list("as_of", "province")
        .annotate(total=Sum("tasks_total"), moving=Sum(MOVING))
        .order_by()
    )
    points = [
        TrendPoint(as_of=as_of, province_id=province, tasks_total=total, moving=moving)
        for as_of, province, total, moving in sums
    ]
    TrendPoint.objects.filter(as_of__gte=since, as_of__lte=until).delete()
    TrendPoint.objects.bulk_create(points)
    return len(points)


UPSERT_COLUMNS = [
    f.column for f in Rollup._meta.concrete_fields if not f.primary_key
]  # batch, as_of, scope, …
KEY_COLUMNS = ["batch", "plan_id", "scope_key", "as_of"]


def _upsert(rows: list[Rollup]) -> list[int]:
    """Insert or update the rows on their key; returns their ids. Streamed with COPY into a
    temporary table, then one INSERT … ON CONFLICT DO UPDATE: the nightly job writes ~10,000
    rows in a fraction of a second. (SQLite, the embedded demo, takes bulk_create.)"""
    if connection.vendor != "postgresql":
        saved = Rollup.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["batch", "plan", "scope_key", "as_of"],
            update_fields=[c.removesuffix("_id") for c in UPSERT_COLUMNS if c not in KEY_COLUMNS],
        )
        return [row.pk for row in saved]
    now = timezone.now()
    fields = [f for f in Rollup._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{c}"' for c in UPSERT_COLUMNS)
    updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in UPSERT_COLUMNS if c not in KEY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE rollup_incoming ON COMMIT DROP AS"  # noqa: S608 - table and column names from the model  # nosec B608
            f" SELECT {columns} FROM {Rollup._meta.db_table} WITH NO DATA"
        )
        with cursor.copy(f"COPY rollup_incoming ({columns}) FROM STDIN") as copy:
            for row in rows:
                row.computed_at = now
                copy.write_row([getattr(row, f.attname) for f in fields])
        cursor.execute(
            f"INSERT INTO {Rollup._meta.db_table} ({columns}) SELECT {columns} FROM rollup_incoming"  # noqa: S608 - table and column names from the model  # nosec B608
            f" ON CONFLICT (batch, plan_id, scope_key, as_of) DO UPDATE SET {updates}"
            " RETURNING id"
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        # Dropped now, not only at commit: the caller's transaction may go on (tests, a
        # second date in the same transaction).
        cursor.execute("DROP TABLE rollup_incoming")
        return ids
