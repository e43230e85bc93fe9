"""Reads for tasks, always through the permission rules, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies import rules
from agencies.models import Agency, Side
from agencies.rules import User
from ops.compiled import AnyOf, CompiledQuery
from plans.models import Plan
from tasks import hooks
from tasks.lights import Light, is_overdue, light_for, overdue_q
from tasks.models import (
    Event,
    EventKind,
    ExtensionRequest,
    ExtensionState,
    Responsibility,
    ResponsibilityRole,
    Status,
    Task,
    WorkItem,
)

# --- getters: one object, or 404 / 403 ----------------------------------------------------


def _task_for_agencies(everything: bool) -> CompiledQuery[Task]:
    return CompiledQuery[Task](
        lambda pk, mine: (
            Task.objects.visible_to_agencies(mine, everything=everything)
            .select_related("plan__lead_agency", "plan__region", "section")
            .filter(pk=pk)
        ),
        samples=({"pk": 1, "mine": [2]}, {"pk": 3, "mine": [4]}),
    )


# Read by every task page and form: compiled once per process (ops/compiled.py) for each
# shape of the visibility rule.
_TASK_FOR = {everything: _task_for_agencies(everything) for everything in (True, False)}


def get_task_for_user(user: User, pk: int, *, write: bool = False) -> Task:
    """The task if the user may see it (404 otherwise, never a hint that it exists);
    with write=True, 403 unless the user may edit it."""
    mine, everything = rules.visibility(user)
    task = _TASK_FOR[everything].first(pk=pk, mine=mine) if everything or mine else None
    if task is None:
        raise rules.NotVisible
    if write and not rules.can_edit_task(user, task):
        raise PermissionDenied
    return task


def get_work_item_for_user(user: User, pk: int, *, write: bool = False) -> WorkItem:
    item = (
        WorkItem.objects.filter(task__in=Task.objects.visible_to(user))
        .select_related("task__plan__lead_agency")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise rules.NotVisible
    if write and not rules.can_edit_task(user, item.task):
        raise PermissionDenied
    return item


def get_extension_request_for_user(user: User, pk: int, *, write: bool = False) -> ExtensionRequest:
    request = (
        ExtensionRequest.objects.filter(work_item__task__in=Task.objects.visible_to(user))
        .select_related("work_item__task__plan__lead_agency", "agency")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise rules.NotVisible
    if write and not rules.can_edit_task(user, request.work_item.task):
        raise PermissionDenied
    return request


# --- 我的任务 -------------------------------------------------------------------------------

Kind = Literal["task", "work_item"]
# The strongest of several roles one user's agencies hold on a task is the one shown.
_ROLE_RANK = Case(
    When(role=ResponsibilityRole.LEAD, then=Value(0)),
    When(role=ResponsibilityRole.RESPONSIBLE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class ReturnedReport:
    pk: int
    period: str
    reason: str


@dataclass(frozen=True)
class MyTaskRow:
    kind: Kind
    task: Task
    work_item: WorkItem | None
    title: str
    status: str
    role: str
    due_on: dt.date | None
    next_report_due: dt.date | None
    overdue: bool
    light: Light
    # 退回待改: the latest report of the user's agencies on the task that was sent back, owed
    # again (its id, period and the coordinator's reason); None when there is none.
    returned: ReturnedReport | None = None

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def role_label(self) -> str:
        return str(ResponsibilityRole(self.role).label)


@dataclass
class PlanGroup:
    plan: Plan
    rows: list[MyTaskRow] = field(default_factory=list)


def my_tasks(
    *,
    user: User,
    plan: int | None = None,
    status: str | None = None,
    role: str | None = None,
    overdue: bool = False,
    q: str = "",
    today: dt.date | None = None,
) -> list[PlanGroup]:
    """Every task where the user's agencies are named (lead, co or responsible) and every
    work item naming them, grouped by plan, in two queries whatever the number of rows.

    For a task, `next_report_due` is the earliest due date of the plan's periods for which an
    agency of the user owes a report (local side, or NIPA when the plan asks) that is not yet
    submitted or accepted; `overdue` means that date has passed. For a work item (reports are
    per task) `overdue` is `tasks.lights.is_overdue`: past its due date, neither completed nor
    ongoing.
    """
    today = today or timezone.localdate()
    mine = sorted(rules.agency_ids(user))
    if not mine:
        return []
    q = q.strip()
    if plan is None and not status and not role and not overdue and not q:
        # The page as it opens, unfiltered: its two queries compiled once per process.
        return _grouped(
            tasks=_MY_TASK_ROWS(mine=mine), items=_MY_WORK_ITEM_ROWS(mine=mine), today=today
        )
    tasks = _my_task_rows(mine=mine)
    items = _my_work_item_rows(mine=mine)
    if plan is not None:
        tasks, items = tasks.filter(plan_id=plan), items.filter(task__plan_id=plan)
    if status:
        tasks, items = tasks.filter(status=status), items.filter(status=status)
    if role:
        has_role = Responsibility.objects.filter(
            AnyOf("agency_id", mine), task=OuterRef("pk"), role=role
        )
        tasks, items = tasks.filter(Exists(has_role)), items.filter(my_role=role)
    if overdue:
        tasks = tasks.filter(next_report_due__lt=today)
        items = items.filter(overdue_q(today))
    if q:
        # icontains is a substring match: it finds Chinese words inside unsegmented text.
        tasks = tasks.filter(Q(title__icontains=q) | Q(body__icontains=q))
        items = items.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return _grouped(tasks=list(tasks), items=list(items), today=today)


# reports.models.ReportState.RETURNED, by value: the reports app sits above this one.
_RETURNED = "returned"


def _my_task_rows(*, mine: list[int]) -> QuerySet[Task]:
    named = Responsibility.objects.filter(AnyOf("agency_id", mine), task=OuterRef("pk"))
    strongest = named.annotate(rank=_ROLE_RANK).order_by("rank").values("role")[:1]
    # The reports app's model, reached through the task's reverse relation (not imported).
    reports = Task._meta.get_field("reports").related_model.objects
    sent_back = reports.filter(
        AnyOf("agency_id", mine), task=OuterRef("pk"), state=_RETURNED
    ).order_by("-period__due_on", "-pk")
    return (
        Task.objects.filter(Exists(named))
        .select_related("plan__region")
        # The plan's full text is never shown here and runs to tens of kilobytes per row.
        .defer("plan__source_text")
        .annotate(
            my_role=Subquery(strongest),
            next_report_due=hooks.next_report_due(mine),
            returned_id=Subquery(sent_back.values("pk")[:1]),
            returned_period=Subquery(sent_back.values("period__label")[:1]),
            returned_reason=Subquery(sent_back.values("return_reason")[:1]),
        )
        .order_by("plan_id", "number")
    )


def _my_work_item_rows(*, mine: list[int]) -> QuerySet[WorkItem]:
    names_me = WorkItem.agencies.through.objects.filter(
        AnyOf("agency_id", mine), workitem_id=OuterRef("pk")
    )
    on_task = Responsibility.objects.filter(AnyOf("agency_id", mine), task=OuterRef("task"))
    strongest = on_task.annotate(rank=_ROLE_RANK).order_by("rank").values("role")[:1]
    # Named on the work item but not on its task: a responsible agency (责任单位) of the item.
    role = Coalesce(Subquery(strongest), Value(ResponsibilityRole.RESPONSIBLE))
    return (
        WorkItem.objects.filter(Exists(names_me))
        .select_related("task__plan__region")
        .defer("task__plan__source_text")
        .annotate(my_role=role)
        .order_by("task__plan_id", "task__number", "due_on", "pk")
    )


# The same two querysets, their SQL built once per process (ops/compiled.py).
_SAMPLES = ({"mine": [1]}, {"mine": [2]})
_MY_TASK_ROWS = CompiledQuery[Task](lambda mine: _my_task_rows(mine=mine), samples=_SAMPLES)
_MY_WORK_ITEM_ROWS = CompiledQuery[WorkItem](
    lambda mine: _my_work_item_rows(mine=mine), samples=_SAMPLES
)


def _grouped(*, tasks: list[Task], items: list[WorkItem], today: dt.date) -> list[PlanGroup]:
    groups: dict[int, PlanGroup] = {}
    rows: list[tuple[tuple[int, int, int], MyTaskRow]] = []
    for task in tasks:
        groups.setdefault(task.plan_id, PlanGroup(plan=task.plan))
        next_due = task.next_report_due  # type: ignore[attr-defined]
        row = MyTaskRow(
            kind="task",
            task=task,
            work_item=None,
            title=task.title,
            status=task.status,
            role=task.my_role,  # type: ignore[attr-defined]
            due_on=task.due_on,
            next_report_due=next_due,
            overdue=next_due is not None and next_due < today,
            light=light_for(
                status=task.status, due_on=task.due_on, today=today, next_report_due=next_due
            ),
            returned=_returned(task),
        )
        rows.append(((task.number, 0, 0), row))
    for item in items:
        groups.setdefault(item.task.plan_id, PlanGroup(plan=item.task.plan))
        late = is_overdue(status=item.status, due_on=item.due_on, today=today)
        row = MyTaskRow(
            kind="work_item",
            task=item.task,
            work_item=item,
            title=item.title,
            status=item.status,
            role=item.my_role,  # type: ignore[attr-defined]
            due_on=item.due_on,
            next_report_due=None,
            overdue=late,
            light=light_for(status=item.status, due_on=item.due_on, today=today),
        )
        rows.append(((item.task.number, 1, len(rows)), row))
    # A work item follows its task; the plans in the order of their region and title.
    for _key, row in sorted(rows, key=lambda pair: pair[0]):
        groups[row.task.plan_id].rows.append(row)
    return sorted(groups.values(), key=lambda g: (g.plan.region.name, g.plan.title))


def _returned(task: Task) -> ReturnedReport | None:
    pk = task.returned_id  # type: ignore[attr-defined]
    if pk is None:
        return None
    return ReturnedReport(
        pk=pk,
        period=task.returned_period,  # type: ignore[attr-defined]
        reason=task.returned_reason,  # type: ignore[attr-defined]
    )


def _my_plans_query(mine: list[int]) -> QuerySet[Plan]:
    carries = Responsibility.objects.filter(task__plan=OuterRef("pk")).filter(
        AnyOf("agency_id", mine)
    )
    work = WorkItem.agencies.through.objects.filter(workitem__task__plan=OuterRef("pk")).filter(
        AnyOf("agency_id", mine)
    )
    plans = Plan.objects.filter(Exists(carries) | Exists(work)).order_by("region__name", "title")
    # The filter shows titles; a plan's full source text runs to tens of kilobytes.
    return plans.values_list("pk", "title")


# On every build of 我的任务: compiled once per process (ops/compiled.py).
_MY_PLANS = CompiledQuery[tuple[int, str]](_my_plans_query, samples=({"mine": [1]}, {"mine": [2]}))


def my_plans(*, user: User) -> list[tuple[int, str]]:
    """(id, title) of the plans in which the user's agencies carry a task or a work item:
    the choices of 我的任务's plan filter."""
    mine = sorted(rules.agency_ids(user))
    return _MY_PLANS(mine=mine) if mine else []


# --- the task page ------------------------------------------------------------------------


# Read on every task page: compiled once per process (ops/compiled.py).
_RESPONSIBILITIES = CompiledQuery[Responsibility](
    lambda task_id: (
        Responsibility.objects.filter(task_id=task_id).select_related("agency").order_by("order")
    ),
    samples=({"task_id": 1}, {"task_id": 2}),
)


def task_responsibilities(*, task: Task) -> list[Responsibility]:
    """In the order written; the page splits them by side and role."""
    return _RESPONSIBILITIES(task_id=task.pk)


@dataclass(frozen=True)
class MatrixRow:
    side: str
    side_label: str
    lead: list[Responsibility]  # 牵头 (and 责任单位, who answer for the task alike)
    co: list[Responsibility]  # 配合


def task_responsibility_matrix(*, task: Task) -> list[MatrixRow]:
    """Who carries the task, NIPA side first then local, each list in the order written."""
    rows = []
    everyone = task_responsibilities(task=task)
    for side in (Side.NIPA, Side.LOCAL):
        mine = [r for r in everyone if r.side == side]
        rows.append(
            MatrixRow(
                side=side,
                side_label=str(Side(side).label),
                lead=[r for r in mine if r.role != ResponsibilityRole.CO],
                co=[r for r in mine if r.role == ResponsibilityRole.CO],
            )
        )
    return rows


def work_item_agency_choices(*, task: Task) -> QuerySet[Agency]:
    """Agencies a work item of the task may name: those of the plan, and its lead."""
    in_plan = (
        Q(responsibilities__task__plan_id=task.plan_id)
        | Q(pk=task.plan.lead_agency_id)
        | Q(work_items__task=task)
    )
    ids = Agency.objects.filter(in_plan).values("pk")
    return Agency.objects.filter(pk__in=ids).order_by("side", "name")


# A task's work items, compiled once per process (ops/compiled.py): most tasks have none, and
# the ORM built this query on every view of the task page (~0.7 ms of CPU).
_WORK_ITEMS = CompiledQuery[WorkItem](
    lambda task_id: WorkItem.objects.filter(task_id=task_id).order_by("year", "due_on", "pk"),
    samples=({"task_id": 1}, {"task_id": 2}),
)


def task_work_items(*, task: Task) -> list[WorkItem]:
    """Work items with their agencies and any pending extension request (`pending`): one
    query, three when there are work items."""
    items = _WORK_ITEMS(task_id=task.pk)
    if items:
        pending = ExtensionRequest.objects.filter(state=ExtensionState.PENDING).select_related(
            "agency", "requested_by"
        )
        prefetch_related_objects(
            items, "agencies", Prefetch("extension_requests", queryset=pending, to_attr="pending")
        )
    return items


def work_item_extensions(*, work_item: WorkItem) -> QuerySet[ExtensionRequest]:
    return work_item.extension_requests.select_related(
        "agency", "requested_by", "decided_by"
    ).order_by("-created_at", "-pk")


def work_item_timeline(*, work_item: WorkItem) -> QuerySet[Event]:
    return (
        Event.objects.filter(work_item=work_item)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def plan_tasks(*, plan: Plan) -> QuerySet[Task]:
    """Tasks in document order with their responsibilities, in two queries."""
    responsibilities = Responsibility.objects.select_related("agency").order_by("order")
    return (
        plan.tasks.select_related("section")
        .prefetch_related(Prefetch("responsibilities", queryset=responsibilities))
        .order_by("number")
    )


# --- the timeline: by kind, as the user may see it --------------------------------------------

# What a sentence of tasks.timeline reads besides the event itself.
TIMELINE_RELATED = ("actor", "task", "work_item", "report__agency", "report__period")


def timeline_kind(value: str) -> str:
    """A kind asked for in a filter, or "" (every kind) for anything that is not one."""
    return value if value in EventKind.values else ""


def _timeline_rows(
    events: QuerySet[Event], related: tuple[str, ...] = TIMELINE_RELATED
) -> QuerySet[Event]:
    """Newest first, with what a line names; a report's texts (kilobytes each, the reports
    app's `LONG_TEXTS`) are no part of a line."""
    texts = Event._meta.get_field("report").related_model.LONG_TEXTS
    return (
        events.select_related(*related)
        .defer(*(f"report__{name}" for name in texts))
        .order_by("-created_at", "-pk")
    )


def events_seen_q(*, user: User) -> Q:
    """A report's events are seen by who may see the report (a draft: its own agency alone):
    the report model's own rule, reached through the event's foreign key, since the reports
    app sits above this one.

    Asked of each event's own report (a correlated EXISTS on the report's primary key), not
    as `report IN (every report the user may see)`: that set is most of the ~900k reports,
    which the planner estimated at a cost high enough to JIT-compile the query (≈0.7 s) even
    when no event of the task names a report."""
    reports = Event._meta.get_field("report").related_model.objects.visible_to(user)
    return Q(report__isnull=True) | Exists(reports.filter(pk=OuterRef("report_id")))


def _events_seen_by_agencies_q(mine: list[int], *, everything: bool) -> Q:
    """`events_seen_q` for a member of the agencies `mine` (the reports' `visible_to_agencies`,
    whose SQL does not change with the agencies: compilable)."""
    reports = Event._meta.get_field("report").related_model.objects
    visible = reports.visible_to_agencies(mine, everything=everything)
    return Q(report__isnull=True) | Exists(visible.filter(pk=OuterRef("report_id")))


def task_timeline_for(*, user: User, task: Task, kind: str = "") -> QuerySet[Event]:
    """The task's events the user may see, of one kind or all, newest first."""
    events = Event.objects.filter(task=task).filter(events_seen_q(user=user))
    if kind:
        events = events.filter(kind=kind)
    return _timeline_rows(events)


# The task page shows the newest events and links to the whole timeline (paged, filterable,
# downloadable): a busy task's history must not make its page slower year after year.
TIMELINE_ON_PAGE = 30


def timeline_head(events: QuerySet[Event]) -> tuple[list[Event], bool]:
    """The newest TIMELINE_ON_PAGE of `events` (a timeline the user may see, as
    `task_timeline_for` or `plan_timeline` give it), and whether there are older ones (one
    query).

    The newest ids are picked from the events alone, and only those rows are joined to
    their actor, task and report: a busy task's thousands of events are never all joined.
    (Asked as one join, the planner, misled by statistics older than a burst of events,
    joined a task's 3,000 events and sorted them afterwards: 12 ms instead of 1.)"""
    newest = events.values("pk")[: TIMELINE_ON_PAGE + 1]
    # The user's filters were applied in `newest`; the rows are fetched by primary key.
    head = list(_timeline_rows(Event.objects.filter(pk__in=newest)))
    return head[:TIMELINE_ON_PAGE], len(head) > TIMELINE_ON_PAGE


# Every event of a task's timeline names that task: the page has it, so no row joins it (a
# task with its body, each of thirty rows, read and built into a model of its own).
_TASK_TIMELINE_RELATED = tuple(name for name in TIMELINE_RELATED if name != "task")


def _task_timeline_head(everything: bool) -> CompiledQuery[Event]:
    return CompiledQuery[Event](
        lambda task_id, mine: _timeline_rows(
            Event.objects.filter(
                pk__in=Event.objects.filter(task_id=task_id)
                .filter(_events_seen_by_agencies_q(mine, everything=everything))
                .order_by("-created_at", "-pk")
                .values("pk")[: TIMELINE_ON_PAGE + 1]
            ),
            _TASK_TIMELINE_RELATED,
        ),
        samples=({"task_id": 1, "mine": [2]}, {"task_id": 3, "mine": [4]}),
    )


# The task page's timeline, compiled once per process (ops/compiled.py) for each shape of
# the visibility rule: `timeline_head(task_timeline_for(...))`, without the ORM building it.
_TASK_TIMELINE_HEAD = {everything: _task_timeline_head(everything) for everything in (True, False)}


def task_timeline_head(*, user: User, task: Task) -> tuple[list[Event], bool]:
    """`timeline_head(task_timeline_for(user=user, task=task))`: what the task page shows."""
    mine, everything = rules.visibility(user)
    if not (everything or mine):  # sees no report: the rule's third shape, left to the ORM
        return timeline_head(task_timeline_for(user=user, task=task))
    head = _TASK_TIMELINE_HEAD[everything](task_id=task.pk, mine=mine)
    for event in head:
        event.task = task
    return head[:TIMELINE_ON_PAGE], len(head) > TIMELINE_ON_PAGE


def plan_timeline(*, user: User, plan: Plan, kind: str = "") -> QuerySet[Event]:
    """Everything recorded on the plan (its tasks, work items, reports, meetings, packs,
    periods) that the user may see, of one kind or all, newest first."""
    events = Event.objects.filter(plan=plan).filter(events_seen_q(user=user))
    if kind:
        events = events.filter(kind=kind)
    return _timeline_rows(events)
