"""Reads of the cross-province comparison and the typical-case library, always through the
visibility rules: the tasks of the plans the user may see (`Task.objects.visible_to`), the
reports they may read (`ProgressReport.objects.visible_to`).

Similarity is TF-IDF over the segmented words (comparison/similarity.py), computed per
request over the visible tasks: a few queries whatever the number of tasks matched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from agencies.rules import User
from comparison import similarity
from plans.models import Plan
from reports.models import ProgressReport, ReportingPeriod, ReportState
from search.segment import query_words
from tasks.lights import light_for
from tasks.models import Responsibility, ResponsibilityRole, Task

TOPICS_SHOWN = 24
# A topic shared by many provinces lists at most this many tasks (the best matches).
TOPIC_ROWS_MAX = 200
# Below this cosine a task is no longer "similar", only sharing a common word.
SIMILAR_MIN = 0.08
EXCERPT_CHARS = 120
TOPIC_MAX_CHARS = 50


class BadTopic(ValueError):
    """The topic cannot be searched for: empty, only punctuation, or too long."""


@dataclass(slots=True)
class CompareRow:
    """One task as the comparison lists it, in plain values."""

    task_id: int
    task_label: str
    task_title: str
    plan_id: int
    plan_title: str
    region_name: str
    status: str
    due_on: dt.date | None
    score: float
    light: str = ""
    # Set by the view, in the request's language: the status label and the light's badge.
    status_label: str = ""
    badge: str = ""
    leads: list[str] = field(default_factory=list)
    latest_report_id: int | None = None
    latest_report_period: str = ""
    latest_excerpt: str = ""
    case_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class PlanGroup:
    region_name: str
    plan_id: int
    plan_title: str
    rows: list[CompareRow]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def visible_plan_count(*, user: User) -> int:
    return Plan.objects.visible_to(user).count()


def visible_corpus(*, user: User) -> similarity.Corpus:
    """The tasks the user may see, as a TF-IDF corpus: one query. A page that both derives
    topics and ranks tasks builds it once and hands it to both."""
    rows = Task.objects.visible_to(user).order_by().values_list("pk", "plan_id", "title", "body")
    return similarity.corpus_build(rows)


def topics_for(
    *, user: User, limit: int = TOPICS_SHOWN, corpus: similarity.Corpus | None = None
) -> list[str]:
    """Topics derived from the texts of the tasks the user may see (`derived_topics`)."""
    return similarity.derived_topics(corpus or visible_corpus(user=user), limit=limit)


def clean_topic(topic: str) -> str:
    """The topic as searched for, or BadTopic with the reason."""
    topic = " ".join((topic or "").split())
    if len(topic) > TOPIC_MAX_CHARS:
        raise BadTopic("too_long")
    if not query_words(topic):
        raise BadTopic("empty")
    return topic


def _rows(*, user: User, scores: dict[int, float], today: dt.date) -> list[CompareRow]:
    """The listed tasks with their leads, latest accepted report and typical cases: three
    queries for any number of tasks."""
    tasks = (
        Task.objects.filter(pk__in=list(scores))
        .order_by()
        .values_list(
            "pk",
            "label",
            "title",
            "plan_id",
            "plan__title",
            "plan__region__name",
            "status",
            "due_on",
        )
    )
    rows = {
        pk: CompareRow(pk, label, title, plan_id, plan_title, region, status, due_on, scores[pk])
        for pk, label, title, plan_id, plan_title, region, status, due_on in tasks
    }
    leads = (
        Responsibility.objects.filter(task_id__in=list(rows), role=ResponsibilityRole.LEAD)
        .order_by("task_id", "order")
        .values_list("task_id", "agency__name")
    )
    for task_id, name in leads:
        rows[task_id].leads.append(name)
    accepted = (
        ProgressReport.objects.visible_to(user)
        .filter(task_id__in=list(rows), state=ReportState.ACCEPTED)
        .order_by("-period__ends_on", "-pk")
        .values_list(
            "pk", "task_id", "period__label", "achievements", "progress", "is_typical_case"
        )
    )
    for pk, task_id, period, achievements, progress, typical in accepted:
        row = rows[task_id]
        if row.latest_report_id is None:
            row.latest_report_id, row.latest_report_period = pk, period
            row.latest_excerpt = _excerpt(achievements or progress)
        if typical:
            row.case_ids.append(pk)
    for row in rows.values():
        row.light = light_for(status=row.status, due_on=row.due_on, today=today)
    return sorted(rows.values(), key=lambda r: (-r.score, r.region_name, r.plan_id, r.task_id))


def _grouped(rows: list[CompareRow]) -> list[PlanGroup]:
    """Rows by plan, the plan of the best match first (rows arrive best first)."""
    groups: dict[int, PlanGroup] = {}
    for row in rows:
        group = groups.get(row.plan_id)
        if group is None:
            group = groups[row.plan_id] = PlanGroup(
                row.region_name, row.plan_id, row.plan_title, []
            )
        group.rows.append(row)
    return list(groups.values())


def topic_tasks(
    *,
    user: User,
    topic: str,
    today: dt.date | None = None,
    corpus: similarity.Corpus | None = None,
) -> list[PlanGroup]:
    """The tasks of every plan the user may see whose index words hold each word of the
    topic's precise cut (as search matches), ranked by cosine similarity to the topic,
    grouped by plan. BadTopic for a topic that cannot be searched for."""
    topic = clean_topic(topic)
    corpus = corpus or visible_corpus(user=user)
    needed = similarity.topic_words(topic)
    query = similarity.topic_vector(corpus, topic)
    scores: dict[int, float] = {}
    for key, doc in corpus.docs.items():
        if all(word in doc.terms for word in needed):
            scores[key] = corpus.score(query, doc)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:TOPIC_ROWS_MAX]
    return _grouped(_rows(user=user, scores=dict(best), today=today or timezone.localdate()))


def similar_tasks(
    *, user: User, task: Task, limit: int = 5, today: dt.date | None = None
) -> list[CompareRow]:
    """The tasks of OTHER plans the user may see closest to `task` (cosine over TF-IDF)."""
    corpus = visible_corpus(user=user)
    own = corpus.docs.get(task.pk)
    if own is None:  # not visible: the caller fetched it through the getter, so never here
        return []
    target = corpus.vector(own.terms)
    scores = {
        key: corpus.score(target, doc)
        for key, doc in corpus.docs.items()
        if doc.group != task.plan_id
    }
    best = sorted(
        ((k, s) for k, s in scores.items() if s >= SIMILAR_MIN), key=lambda kv: (-kv[1], kv[0])
    )[:limit]
    return _rows(user=user, scores=dict(best), today=today or timezone.localdate())


# --- typical cases (典型案例) ------------------------------------------------------------


def case_filter_choices(*, user: User) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The regions and plans the user may filter by: those of the plans they may see."""
    plans = list(
        Plan.objects.visible_to(user)
        .order_by("region__name", "-issued_on")
        .values_list("pk", "title", "region_id", "region__name")
    )
    regions = sorted({(r, name) for _pk, _t, r, name in plans}, key=lambda x: x[1])
    return regions, [(pk, title) for pk, title, _r, _n in plans]


def typical_cases(
    *,
    user: User,
    region_id: int | None = None,
    plan_id: int | None = None,
    year: int | None = None,
    q: str = "",
) -> QuerySet[ProgressReport]:
    """Accepted reports held up as typical cases (典型案例) that the user may read, newest
    period first; `q` is cut into search words, each of which must occur in the case's
    texts or its task's title."""
    cases = (
        ProgressReport.objects.visible_to(user)
        .filter(is_typical_case=True)
        .select_related("task__plan__region", "agency", "period")
        .order_by("-period__ends_on", "task__plan__region__name", "task__number", "pk")
    )
    if region_id is not None:
        cases = cases.filter(task__plan__region_id=region_id)
    if plan_id is not None:
        cases = cases.filter(task__plan_id=plan_id)
    if year is not None:
        cases = cases.filter(period__ends_on__year=year)
    for word in query_words(q)[:10]:
        cases = cases.filter(
            Q(achievements__icontains=word)
            | Q(progress__icontains=word)
            | Q(task__title__icontains=word)
        )
    return cases


def case_years(*, user: User) -> list[int]:
    """The years of the visible plans' reporting periods: read from the periods (a few
    thousand rows), not from the reports (≈ 900k at national scale)."""
    periods = ReportingPeriod.objects.filter(plan__in=Plan.objects.visible_to(user))
    return [d.year for d in periods.order_by().dates("ends_on", "year", order="DESC")]
