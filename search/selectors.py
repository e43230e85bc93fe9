"""Search over everything a user may see: plans, tasks, work items, meeting decisions,
handed-in reports and typical cases.

One query per kind, each filtered by the user's visibility in SQL (the same rules as the
pages: `Plan.objects.visible_to` for what belongs to a plan as a whole, the report rule of
`ProgressReport.objects.visible_to` for reports), so the number of queries does not grow
with the data. On PostgreSQL the words go through the GIN-indexed `tsvector` and a
`pg_trgm`-indexed title match; on SQLite (the embedded demo) the same words are looked up
in the space-joined words column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from agencies import rules
from agencies.models import Region
from plans.models import Plan
from reports.models import ReportState
from search.indexing import Provinces
from search.models import REPORT_KINDS, Kind, SearchEntry
from search.segment import query_words
from tasks.models import Responsibility, Status

MAX_QUERY_CHARS = 200
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Reports at national scale: ~800k rows, and a common word matches most of them. Ranking
# them all costs seconds, so a report kind ranks the newest matches only (found newest
# first through the (kind, object_id) index): this many per requested result.
REPORT_WINDOW = 10
SNIPPET_BEFORE = 40
SNIPPET_LENGTH = 160
# Result groups in this order: what a plan is made of first, what was reported last.
KIND_ORDER = [
    Kind.PLAN,
    Kind.TASK,
    Kind.WORK_ITEM,
    Kind.DECISION,
    Kind.TYPICAL_CASE,
    Kind.REPORT,
]
URL_NAMES = {
    Kind.PLAN: "dashboards:plan",
    Kind.TASK: "tasks:task_detail",
    Kind.WORK_ITEM: "tasks:work_item_detail",
    Kind.DECISION: "meetings:meeting_detail",
    Kind.TYPICAL_CASE: "reports:report_detail",
    Kind.REPORT: "reports:report_detail",
}


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    title_html: SafeString
    snippet: SafeString
    plan_id: int
    plan_title: str
    region_id: int
    region: str
    status: str
    status_label: str
    url: str
    rank: float


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit]
    # More matches than shown: the user narrows the query or the filters.
    more: bool = False


@dataclass
class SearchResult:
    query: str
    words: list[str]
    groups: list[Group] = field(default_factory=list)

    @property
    def hits(self) -> list[Hit]:
        return [hit for group in self.groups for hit in group.hits]

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def status_labels() -> dict[str, str]:
    """Every status a result can carry (tasks' and work items', reports' states)."""
    labels = {value: str(label) for value, label in Status.choices}
    labels.update({value: str(label) for value, label in ReportState.choices})
    return labels


def parse_query(q: str | None) -> tuple[str, list[str]]:
    """The stripped query and its words; a ValidationError (field `q`) when unusable."""
    query = (q or "").strip()
    if not query:
        raise ValidationError({"q": [_("请输入检索词。")]})
    if len(query) > MAX_QUERY_CHARS:
        raise ValidationError(
            {
                "q": [
                    _("检索词过长：最多 %(max)d 个字，当前 %(length)d 个字。")
                    % {"max": MAX_QUERY_CHARS, "length": len(query)}
                ]
            }
        )
    found = query_words(query)
    if not found:
        raise ValidationError({"q": [_("检索词只有标点或空白，请输入文字或数字。")]})
    return query, found


def _visible(user: rules.User) -> tuple[Q, Q] | None:
    """(plan-kind condition, report-kind condition), or None when the user sees everything.

    Plan kinds: the plan is visible (`Plan.objects.visible_to`). Report kinds: the rule of
    `ProgressReport.objects.visible_to` without its draft clause (no draft is indexed), on
    the entry's own columns: the plan's lead agency is mine, the report is my agency's, or
    my agency shares its task. The ids are read first (two small queries) and passed as
    lists, not subqueries: with lists the planner sees how few rows a liaison may read and
    walks the task/agency/plan indexes; with subqueries it guessed "most reports" and
    walked every report newest first (2 s for a liaison whose reports are old)."""
    if rules.reads_everything(user):
        return None
    mine = rules.agency_ids(user)
    if not mine:
        return Q(pk__in=[]), Q(pk__in=[])
    plans = list(Plan.objects.visible_to(user).order_by().values_list("pk", "lead_agency_id"))
    visible = [pk for pk, _lead in plans]
    led = [pk for pk, lead in plans if lead in mine]
    shared = list(
        Responsibility.objects.filter(agency_id__in=mine)
        .order_by()
        .values_list("task_id", flat=True)
        .distinct()
    )
    reports = Q(plan_id__in=led) | Q(agency_id__in=mine) | Q(task_id__in=shared)
    return Q(plan_id__in=visible), reports


def _pattern(words: list[str]) -> re.Pattern[str]:
    # Longest first: 知识产权 is marked whole rather than as 知识 then 产权.
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in ordered), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str]) -> SafeString:
    """The text escaped, every match wrapped in <mark> (the text's own markup stays text)."""
    parts: list[SafeString] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(format_html("{}<mark>{}</mark>", text[last : match.start()], match.group(0)))
        last = match.end()
    parts.append(format_html("{}", text[last:]))
    return format_html_join("", "{}", ((part,) for part in parts))


def snippet(text: str, pattern: re.Pattern[str]) -> SafeString:
    """A window of the text around its first match, highlighted; its start when none."""
    flat = " ".join(text.split())
    match = pattern.search(flat)
    start = max(0, match.start() - SNIPPET_BEFORE) if match else 0
    window = flat[start : start + SNIPPET_LENGTH]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_LENGTH < len(flat) else ""
    return format_html("{}{}{}", prefix, highlight(window, pattern), suffix)


def _matching(qs: QuerySet[SearchEntry], *, query: str, words: list[str]) -> QuerySet[Any]:
    """The entries that match, each with `rank`; PostgreSQL and SQLite alike."""
    partial = f"%{query}%"
    if connection.vendor == "postgresql":
        terms = " ".join(words)
        # The words through the tsvector (GIN); the whole query as a part of the title
        # (pg_trgm GIN) for what the segmenter does not cut out (one character, a part
        # of a name). A title hit ranks above a body hit.
        # Qualified: the joined plan has a title too.
        table = SearchEntry._meta.db_table
        # The SQL is constant (the table name from the model); the user's words are bound.
        matches = RawSQL(  # noqa: S611  # nosec B611
            f"({table}.vector @@ plainto_tsquery('simple', %s) OR {table}.title ILIKE %s)",
            (terms, partial),
            output_field=BooleanField(),
        )
        rank = RawSQL(  # noqa: S611  # nosec B611
            f"ts_rank({table}.vector, plainto_tsquery('simple', %s))"
            f" + CASE WHEN {table}.title ILIKE %s THEN 1.0 ELSE 0.0 END",
            (terms, partial),
            output_field=FloatField(),
        )
        return qs.filter(matches).annotate(rank=rank)
    # SQLite: every word as a whole word of the title or the body, or the query in the title.
    every = Q()
    for word in words:
        every &= Q(title_words__contains=f" {word} ") | Q(words__contains=f" {word} ")
    return qs.filter(every | Q(title__icontains=query))


def _sqlite_rank(entry: SearchEntry, *, query: str, words: list[str]) -> float:
    # The shape of ts_rank's order: title words count above body words.
    in_title = sum(1 for word in words if f" {word} " in entry.title_words)
    in_body = sum(1 for word in words if f" {word} " in entry.words)
    return in_title + 0.1 * in_body + (1.0 if query.lower() in entry.title.lower() else 0.0)


def search_for(
    *,
    user: rules.User,
    q: str | None,
    kind: str | None = None,
    plan: int | None = None,
    region: int | None = None,
    status: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> SearchResult:
    """Ranked results grouped by kind, at most `limit` per kind, with highlighted snippets;
    only what the user may see. A ValidationError for an unusable query or filter."""
    query, words = parse_query(q)
    if kind and kind not in Kind.values:
        raise ValidationError({"kind": [_("未知的结果类型：%(kind)s。") % {"kind": kind}]})
    limit = max(1, min(limit, MAX_LIMIT))
    result = SearchResult(query=query, words=words)
    visible = _visible(user)
    postgres = connection.vendor == "postgresql"
    base = SearchEntry.objects.select_related("plan", "region").defer("plan__source_text")
    if postgres:
        # The words columns are for the SQLite fallback's matching and rank only.
        base = base.defer("words", "title_words")
    if plan:
        base = base.filter(plan_id=plan)
    if region:
        base = base.filter(region_id=region)
    if status:
        base = base.filter(status=status)
    pattern = _pattern([*words, query])
    labels = status_labels()
    for each in KIND_ORDER:
        if kind and each != kind:
            continue
        qs = base.filter(kind=each)
        if visible is not None:
            qs = qs.filter(visible[1] if each in REPORT_KINDS else visible[0])
        qs = _matching(qs, query=query, words=words)
        if postgres:
            if each in REPORT_KINDS:
                # Seeing everything: walk the (kind, object_id) index newest first and stop
                # at the window. Seeing a part: an expression the index cannot serve, so
                # the planner gathers the user's reports through the task/agency/plan
                # indexes and sorts those (the walk would pass every report newer than
                # theirs: 2 s for a liaison of the first plan).
                newest = F("object_id").desc() if visible is None else (F("object_id") + 0).desc()
                window = list(qs.order_by(newest)[: limit * REPORT_WINDOW + 1])
                more = len(window) > limit * REPORT_WINDOW
                entries = sorted(window, key=lambda e: (-e.rank, -e.object_id))
                more = more or len(entries) > limit
                entries = entries[:limit]
            else:
                entries = list(qs.order_by("-rank", "object_id")[: limit + 1])
                more = len(entries) > limit
                entries = entries[:limit]
        else:
            found = list(qs)
            for entry in found:
                entry.rank = _sqlite_rank(entry, query=query, words=words)
            found.sort(key=lambda e: (-e.rank, e.object_id))
            more = len(found) > limit
            entries = found[:limit]
        if not entries:
            continue
        hits = [_hit(entry, pattern=pattern, labels=labels) for entry in entries]
        result.groups.append(Group(kind=each, label=str(Kind(each).label), hits=hits, more=more))
    return result


def _hit(entry: SearchEntry, *, pattern: re.Pattern[str], labels: dict[str, str]) -> Hit:
    target = entry.link_id if entry.kind == Kind.DECISION and entry.link_id else entry.object_id
    return Hit(
        kind=entry.kind,
        id=entry.object_id,
        title=entry.title,
        title_html=highlight(entry.title, pattern),
        snippet=snippet(entry.body, pattern),
        plan_id=entry.plan_id,
        plan_title=entry.plan.title,
        region_id=entry.region_id,
        region=entry.region.name,
        status=entry.status,
        status_label=labels.get(entry.status, entry.status),
        url=reverse(URL_NAMES[Kind(entry.kind)], args=[target]),
        rank=round(float(entry.rank), 4),
    )


def filter_choices(*, user: rules.User) -> dict[str, list[tuple[Any, str]]]:
    """What the page's filters offer: the plans the user may see and their provinces, the
    kinds, the statuses."""
    plans = list(
        Plan.objects.visible_to(user).order_by("region__name", "pk").only("title", "region_id")
    )
    provinces = Provinces()
    regions = Region.objects.filter(pk__in={provinces.of(p.region_id) for p in plans})
    return {
        "plans": [(p.pk, p.title) for p in plans],
        "regions": [(r.pk, r.name) for r in regions.order_by("name")],
        "kinds": [(k, str(Kind(k).label)) for k in KIND_ORDER],
        "statuses": list(status_labels().items()),
    }
