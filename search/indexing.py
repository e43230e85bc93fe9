"""Writing the search index: the rows of `SearchEntry`, built from the source models.

One builder per kind turns a queryset of source rows (read with `values()`, so a bulk
rebuild does not instantiate 900k model objects) into entries; the signal receivers use the
same builders on one primary key, so a row written on save equals the row a rebuild writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from agencies.models import Level, Region
from meetings.models import Decision
from plans.models import Plan
from reports.models import HANDED_IN, ProgressReport
from search.models import Kind, SearchEntry
from search.segment import words
from tasks.models import Task, WorkItem

# What is kept of a body for snippets; the words are taken from the whole text.
BODY_CHARS = 4000
TITLE_CHARS = 300
BATCH = 2000


def joined(tokens: list[str]) -> str:
    """Space-joined with a space at both ends: the SQLite fallback matches " word "."""
    return f" {' '.join(tokens)} " if tokens else ""


class Provinces:
    """Region id → its province's id (a city or county climbs to its province), loaded once."""

    def __init__(self) -> None:
        self._regions = {
            pk: (level, parent_id)
            for pk, level, parent_id in Region.objects.values_list("pk", "level", "parent_id")
        }

    def of(self, region_id: int) -> int:
        current = region_id
        for _ in range(5):  # national → province → city → county: never deeper
            level, parent_id = self._regions.get(current, (Level.PROVINCIAL, None))
            if level in (Level.PROVINCIAL, Level.NATIONAL) or parent_id is None:
                return current
            current = parent_id
        return current


@dataclass(frozen=True)
class Source:
    """How one kind is read: its rows (as dicts) and how a row becomes an entry."""

    kind: Kind
    rows: Callable[[], QuerySet[Any, dict[str, Any]]]
    build: Callable[[dict[str, Any]], dict[str, Any]]


def _plan_rows() -> QuerySet[Any, dict[str, Any]]:
    return Plan.objects.order_by("pk").values(
        "pk", "title", "doc_number", "source_text", "region_id"
    )


def _plan_build(row: dict[str, Any]) -> dict[str, Any]:
    title = f"{row['title']} {row['doc_number']}".strip()
    return {
        "plan_id": row["pk"],
        "region_id": row["region_id"],
        "status": "",
        "title": title,
        "body": row["source_text"],
    }


def _task_rows() -> QuerySet[Any, dict[str, Any]]:
    return Task.objects.order_by("pk").values(
        "pk", "plan_id", "plan__region_id", "label", "title", "body", "status"
    )


def _task_build(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": row["plan_id"],
        "task_id": row["pk"],
        "region_id": row["plan__region_id"],
        "status": row["status"],
        "title": f"{row['label']}{row['title']}",
        "body": row["body"],
    }


def _work_item_rows() -> QuerySet[Any, dict[str, Any]]:
    return WorkItem.objects.order_by("pk").values(
        "pk", "task_id", "task__plan_id", "task__plan__region_id", "title", "body", "status"
    )


def _work_item_build(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan_id": row["task__plan_id"],
        "task_id": row["task_id"],
        "region_id": row["task__plan__region_id"],
        "status": row["status"],
        "title": row["title"],
        "body": row["body"],
    }


def _decision_rows() -> QuerySet[Any, dict[str, Any]]:
    return Decision.objects.order_by("pk").values(
        "pk",
        "text",
        "meeting_id",
        "meeting__title",
        "meeting__committee__plan_id",
        "meeting__committee__plan__region_id",
        "work_item__task_id",
        "work_item__status",
    )


def _decision_build(row: dict[str, Any]) -> dict[str, Any]:
    first_line = row["text"].strip().splitlines()[0] if row["text"].strip() else ""
    return {
        "plan_id": row["meeting__committee__plan_id"],
        "task_id": row["work_item__task_id"],
        "link_id": row["meeting_id"],
        "region_id": row["meeting__committee__plan__region_id"],
        "status": row["work_item__status"],
        "title": f"{row['meeting__title']}：{first_line}",
        "body": row["text"],
    }


def _report_rows() -> QuerySet[Any, dict[str, Any]]:
    # Handed-in reports only: a draft is private to its agency, a returned one is being
    # rewritten (it comes back when handed in again).
    return (
        ProgressReport.objects.filter(state__in=HANDED_IN)
        .order_by("pk")
        .values(
            "pk",
            "task_id",
            "task__plan_id",
            "task__plan__region_id",
            "task__label",
            "task__title",
            "agency_id",
            "agency__name",
            "period__label",
            "state",
            "is_typical_case",
            "progress",
            "achievements",
            "problems",
            "next_steps",
        )
    )


def _report_build(row: dict[str, Any]) -> dict[str, Any]:
    parts = (row["progress"], row["achievements"], row["problems"], row["next_steps"])
    return {
        "kind": Kind.TYPICAL_CASE if row["is_typical_case"] else Kind.REPORT,
        "plan_id": row["task__plan_id"],
        "task_id": row["task_id"],
        "agency_id": row["agency_id"],
        "region_id": row["task__plan__region_id"],
        "status": row["state"],
        "title": (
            f"{row['task__label']}{row['task__title']} · {row['agency__name']}"
            f" · {row['period__label']}"
        ),
        "body": "\n".join(part for part in parts if part),
    }


SOURCES: dict[str, Source] = {
    Kind.PLAN: Source(Kind.PLAN, _plan_rows, _plan_build),
    Kind.TASK: Source(Kind.TASK, _task_rows, _task_build),
    Kind.WORK_ITEM: Source(Kind.WORK_ITEM, _work_item_rows, _work_item_build),
    Kind.DECISION: Source(Kind.DECISION, _decision_rows, _decision_build),
    # Reports and typical cases come from the same rows: the builder says which.
    Kind.REPORT: Source(Kind.REPORT, _report_rows, _report_build),
}

# How each source's rows are narrowed to one plan.
PLAN_FILTER = {
    Kind.PLAN: "pk",
    Kind.TASK: "plan_id",
    Kind.WORK_ITEM: "task__plan_id",
    Kind.DECISION: "meeting__committee__plan_id",
    Kind.REPORT: "task__plan_id",
}


def build_entries(
    source: Source, rows: Iterable[dict[str, Any]], provinces: Provinces
) -> Iterator[SearchEntry]:
    for row in rows:
        fields = source.build(row)
        kind = fields.pop("kind", source.kind)
        title = fields["title"][:TITLE_CHARS]
        body = fields["body"] or ""
        fields["region_id"] = provinces.of(fields["region_id"])
        yield SearchEntry(
            kind=kind,
            object_id=row["pk"],
            **{**fields, "title": title, "body": body[:BODY_CHARS]},
            title_words=joined(words(title)),
            words=joined(words(body)),
        )


def reindex(*, plan: Plan | None = None, batch_size: int = BATCH) -> dict[str, int]:
    """Rebuild the index (of one plan, or all): delete the rows, write them again in batches.

    One transaction: a search during the rebuild sees the old rows, never a half-built index.
    Returns the number of rows written per kind."""
    provinces = Provinces()
    counts: dict[str, int] = {kind: 0 for kind in Kind.values}
    with transaction.atomic():
        stale = SearchEntry.objects.all()
        if plan is not None:
            stale = stale.filter(plan=plan)
        # Index rows have no cascades or signals: one DELETE, no rows loaded first.
        stale._raw_delete(stale.db)
        for source in SOURCES.values():
            rows = source.rows()
            if plan is not None:
                rows = rows.filter(**{PLAN_FILTER[source.kind]: plan.pk})
            batch: list[SearchEntry] = []
            for entry in build_entries(source, rows.iterator(chunk_size=batch_size), provinces):
                batch.append(entry)
                counts[entry.kind] += 1
                if len(batch) >= batch_size:
                    SearchEntry.objects.bulk_create(batch)
                    batch = []
            if batch:
                SearchEntry.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: how common each word is decides between the
        # GIN index and a walk down the newest reports (selectors.REPORT_WINDOW).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
    return counts


def index_object(*, kind: str, pk: int) -> None:
    """Write (or remove) the entry of one source object, as the rebuild would."""
    source = SOURCES[Kind.REPORT if kind in (Kind.REPORT, Kind.TYPICAL_CASE) else kind]
    row = source.rows().filter(pk=pk).first()
    # A report is one entry under one of two kinds: remove it under both first.
    kinds = [Kind.REPORT, Kind.TYPICAL_CASE] if source.kind == Kind.REPORT else [source.kind]
    if row is None:
        SearchEntry.objects.filter(kind__in=kinds, object_id=pk).delete()
        return
    entry = next(build_entries(source, [row], Provinces()))
    with transaction.atomic():
        SearchEntry.objects.filter(kind__in=kinds, object_id=pk).exclude(kind=entry.kind).delete()
        values = {
            field.attname: getattr(entry, field.attname)
            for field in SearchEntry._meta.concrete_fields
            if field.attname not in ("id", "kind", "object_id", "updated_at")
        }
        SearchEntry.objects.update_or_create(kind=entry.kind, object_id=pk, defaults=values)


def remove_object(*, kind: str, pk: int) -> None:
    kinds = [Kind.REPORT, Kind.TYPICAL_CASE] if kind in (Kind.REPORT, Kind.TYPICAL_CASE) else [kind]
    SearchEntry.objects.filter(kind__in=kinds, object_id=pk).delete()


def plan_region_changed(*, plan_id: int) -> None:
    """A plan's region moved: its rows' province follows (the plan entry is rewritten)."""
    region_id = Plan.objects.filter(pk=plan_id).values_list("region_id", flat=True).first()
    if region_id is None:
        return
    province = Provinces().of(region_id)
    SearchEntry.objects.filter(plan_id=plan_id).exclude(region_id=province).update(
        region_id=province
    )
