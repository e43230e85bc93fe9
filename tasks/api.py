"""API of the tasks app: tasks (with their status change), responsibilities, work items and
the event timeline. Same permission rules and services as the browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Window
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import rules
from agencies.filters import filter_values
from api.etag import required_version, with_etag
from api.pagination import TOTAL, CountedRowsPagination, CountedRowsSource
from api.renderers import plain_json
from api.values import datetime_writer
from ops.compiled import AnyOf, CompiledQuery, CompiledShapes, RowCount
from ops.page_cache import cached_api_list
from plans.selectors import get_plan_for_user
from tasks import services
from tasks.duty_table import FILE_FORMATS, duty_table_gather, duty_table_response
from tasks.filters import ResponsibilityFilterSet, TaskFilterSet, WorkItemFilterSet
from tasks.models import Responsibility, ResponsibilityRole, Status, Task, WorkItem


class ResponsibilitySerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "task", "agency", "agency_name", "side", "role", "order", "written"]
        read_only_fields = fields

    def to_representation(self, instance: Responsibility) -> dict[str, Any]:
        # Plain values, the same the declared fields give (the schema still reads them): a task
        # list nests several per task, and DRF's field-by-field walk was most of its time.
        return {
            "id": instance.pk,
            "task": instance.task_id,
            "agency": instance.agency_id,
            "agency_name": instance.agency.name,
            "side": instance.side,
            "role": instance.role,
            "order": instance.order,
            "written": instance.written,
        }


class TaskSerializer(serializers.ModelSerializer):
    responsibilities = ResponsibilitySerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "section",
            "number",
            "label",
            "title",
            "body",
            "status",
            "status_changed_at",
            "due_on",
            "non_exhaustive",
            "version",
            "responsibilities",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Task) -> dict[str, Any]:
        # As the declared fields give it, without their per-field walk (see above); the two
        # dates through their own fields, for DRF's format and time zone.
        fields = self.fields
        changed_at, due_on = instance.status_changed_at, instance.due_on
        return {
            "id": instance.pk,
            "plan": instance.plan_id,
            "section": instance.section_id,
            "number": instance.number,
            "label": instance.label,
            "title": instance.title,
            "body": instance.body,
            "status": instance.status,
            "status_changed_at": fields["status_changed_at"].to_representation(changed_at)
            if changed_at is not None
            else None,
            "due_on": fields["due_on"].to_representation(due_on) if due_on is not None else None,
            "non_exhaustive": instance.non_exhaustive,
            "version": instance.version,
            "responsibilities": fields["responsibilities"].to_representation(
                instance.responsibilities.all()
            ),
        }


# The list's columns, read as plain values: the serializer's fields in its order, each
# foreign key as its id.
# The serializer's fields as columns of the task table (its foreign keys by their ids): the
# list reads these rows without the serializer, and the JSON keeps the serializer's order.
LIST_COLUMNS = tuple(
    {"plan": "plan_id", "section": "section_id"}.get(name, name)
    for name in TaskSerializer.Meta.fields
    if name != "responsibilities"
)
# The due date, written as the serializer's field writes it (its format).
_DATE = serializers.DateField()


def _list_rows(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The serializer's JSON for a page of `LIST_COLUMNS` rows, with each task's
    responsibilities: no model instance, and no serializer field walk, per task."""
    listed = _list_responsibilities([row[0] for row in rows])
    write = datetime_writer()  # as the serializer's field writes it (format and time zone)
    return [
        {
            "id": pk,
            "plan": plan,
            "section": section,
            "number": number,
            "label": label,
            "title": title,
            "body": body,
            "status": status,
            "status_changed_at": write(changed_at) if changed_at is not None else None,
            "due_on": _DATE.to_representation(due_on) if due_on is not None else None,
            "non_exhaustive": non_exhaustive,
            "version": version,
            "responsibilities": listed[pk],
        }
        for (
            pk,
            plan,
            section,
            number,
            label,
            title,
            body,
            status,
            changed_at,
            due_on,
            non_exhaustive,
            version,
        ) in rows
    ]


# The listed tasks' responsibilities, read for every page of the list: the ids as one array
# (AnyOf), so the SQL is compiled once per process (ops/compiled.py).
_LISTED_RESPONSIBILITIES = CompiledQuery[tuple[Any, ...]](
    lambda task_ids: (
        Responsibility.objects.filter(AnyOf("task_id", task_ids))
        .order_by("task_id", "order")
        .values_list(
            "id", "task_id", "agency_id", "agency__name", "side", "role", "order", "written"
        )
    ),
    samples=({"task_ids": [1]}, {"task_ids": [2]}),
)


def _list_responsibilities(task_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each listed task's responsibilities as the serializer gives them, read as plain values
    in one query (in the order written), not as a model and an agency per row."""
    by_task: dict[int, list[dict[str, Any]]] = {pk: [] for pk in task_ids}
    keys = ResponsibilitySerializer.Meta.fields
    for row in _LISTED_RESPONSIBILITIES(task_ids=task_ids) if task_ids else ():
        by_task[row[1]].append(dict(zip(keys, row, strict=True)))
    return by_task


# The list's query, compiled once per process for each shape of request: whether the user
# reads every plan, which filters are given, and whether `overdue` asks yes or no. The
# FilterSet builds it, so the filters keep one definition; their values, the user's agencies
# and the day `overdue` is judged on are its parameters.
_LIST_FILTERS = ("plan", "agency", "status", "role")
_ListShape = tuple[bool, tuple[str, ...], bool | None]


def _task_list_filtered(shape: _ListShape, values: dict[str, Any]) -> QuerySet[Task]:
    everything, given, overdue = shape
    tasks = Task.objects.visible_to_agencies(values.get("mine", []), everything=everything)
    data = {name: str(values[name]) for name in given}
    if overdue is not None:
        data["overdue"] = "yes" if overdue else "no"
    return TaskFilterSet(data=data, queryset=tasks, today=values.get("today")).qs


_LIST_SAMPLES = {
    "plan": (1, 2),
    "agency": (3, 4),
    "status": (Status.BEHIND.value, Status.AT_RISK.value),
    "role": (ResponsibilityRole.LEAD.value, ResponsibilityRole.CO.value),
    "mine": ([5], [6]),
    "today": (dt.date(2000, 1, 1), dt.date(2000, 1, 2)),
}
# A page's rows with the count of them all beside each. For a user who does not read every
# plan, on its generic plan: PostgreSQL otherwise plans it again for every page asked (~1 ms
# for a liaison) where the generic plan answers as fast. Who reads every plan gets a query
# PostgreSQL keeps a generic plan for by itself (docs/performance.md, "Tenth round").
_TASK_LISTS = CompiledShapes[tuple[Any, ...]](
    lambda shape, **values: (
        _task_list_filtered(shape, values)
        .order_by("plan_id", "number")
        .values_list(*LIST_COLUMNS)
        .annotate(**{TOTAL: Window(Count("pk"))})
    ),
    samples=_LIST_SAMPLES,
    generic_plan=lambda shape: not shape[0],  # (everything, given, overdue)
)
# The count alone, for `?page=last`.
_TASK_COUNTS = CompiledShapes[int](
    lambda shape, **values: (
        _task_list_filtered(shape, values)
        .order_by()
        .annotate(n=RowCount())
        .values_list("n", flat=True)
    ),
    samples=_LIST_SAMPLES,
)


def _task_list_rows(request: Request) -> CountedRowsSource | QuerySet[Any]:
    """The tasks the caller may see, filtered by the request's query, as counted rows of
    `LIST_COLUMNS` for the paginator: the same rows and order as the FilterSet's queryset."""
    cleaned = filter_values(TaskFilterSet, request.query_params)
    mine, everything = rules.visibility(request.user)
    if not (mine or everything):
        return Task.objects.none().values_list(*LIST_COLUMNS)
    given = tuple(name for name in _LIST_FILTERS if cleaned.get(name) not in EMPTY_VALUES)
    overdue = cleaned.get("overdue")
    values = {name: cleaned[name] for name in given}
    if not everything:
        values["mine"] = mine
    if overdue is not None:
        values["today"] = timezone.localdate()
    shape = (everything, given, overdue)
    return CountedRowsSource(
        lambda bottom, top: _TASK_LISTS.slice(shape, bottom, top, **values),
        count=lambda: _TASK_COUNTS.query(shape, values)(**values)[0],
    )


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(max_length=2000)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    pagination_class = CountedRowsPagination  # the list's rows come with their count
    filter_backends = [DjangoFilterBackend]
    filterset_class = TaskFilterSet

    # Kept per full URL, so per query string: each filter has its own copy.
    @cached_api_list
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The serializer's JSON, built from the page's rows read as plain values (every field
        # but the responsibilities is a column of the task): see `_list_rows`. (A comment,
        # not a docstring: the schema would take a docstring as the operation's description.)
        # The rows come from a query compiled once per shape of request (`_task_list_rows`).
        page = self.paginate_queryset(_task_list_rows(request))  # always paged: a page size
        # Plain values only (no float): orjson writes DRF's bytes (api/renderers.py).
        return plain_json(self.get_paginated_response(_list_rows(list(page or ()))))

    def get_queryset(self) -> QuerySet[Task]:
        # (The list reads its rows by `_task_list_rows`, not from here.)
        tasks = Task.objects.visible_to(self.request.user).order_by("plan_id", "number")
        # Each task's responsibilities with their agency in one query, in the order written
        # (by task and order: not the model's default, which joins the task and its plan to sort).
        responsibilities = Responsibility.objects.select_related("agency").order_by(
            "task_id", "order"
        )
        return tasks.prefetch_related(Prefetch("responsibilities", queryset=responsibilities))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        return with_etag(Response(self.get_serializer(task).data), task.version)

    @extend_schema(
        request=StatusChangeSerializer,
        responses=TaskSerializer,
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
    )
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Change the status, with a reason; If-Match must carry the task's ETag."""
        task = self.get_object()
        if not rules.can_edit_task(request.user, task):
            raise PermissionDenied
        version = required_version(request)
        change = StatusChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        task = services.task_set_status(
            actor=request.user, task=task, expected_version=version, **change.validated_data
        )
        task = self.get_queryset().get(pk=task.pk)
        return with_etag(Response(TaskSerializer(task).data), task.version)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The duty table's ?format=xlsx|docx names a file, not a DRF renderer: negotiation
        # must not answer 404 for it; the action answers the file, or JSON.
        return super().perform_content_negotiation(request, force or self.action == "duty_table")

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT, required=True),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", *FILE_FORMATS]),
        ],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"], url_path="duty-table", pagination_class=None)
    def duty_table(self, request: Request) -> Response | HttpResponse:
        """责任分工表 of a plan the caller may see: JSON (plan, sections, tasks with each
        side's lead and co agencies, deadline, status and light), or the XLSX or DOCX file."""
        fmt = request.query_params.get("format", "json").strip().lower() or "json"
        if fmt not in ("json", *FILE_FORMATS):
            raise ValidationError({"format": [_("格式只能是 json、xlsx、docx。")]})
        value = request.query_params.get("plan", "").strip()
        if not value.isdigit():
            raise ValidationError({"plan": [_("请用 plan=方案编号 指定方案。")]})
        plan = get_plan_for_user(request.user, int(value))
        data = duty_table_gather(plan=plan)
        if fmt == "json":
            return Response(data)
        return duty_table_response(plan=plan, data=data, fmt=fmt)


class ResponsibilityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResponsibilitySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResponsibilityFilterSet

    def get_queryset(self) -> QuerySet[Responsibility]:
        return (
            Responsibility.objects.filter(task__in=Task.objects.visible_to(self.request.user))
            .select_related("agency")
            .order_by("task_id", "order")
        )


class WorkItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkItem
        fields = [
            "id",
            "task",
            "title",
            "body",
            "year",
            "due_on",
            "status",
            "source",
            "agencies",
            "closed_at",
            "close_note",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class WorkItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = WorkItemFilterSet

    def get_queryset(self) -> QuerySet[WorkItem]:
        return (
            WorkItem.objects.filter(task__in=Task.objects.visible_to(self.request.user))
            .prefetch_related("agencies")
            .order_by("task_id", "due_on", "pk")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        return with_etag(Response(self.get_serializer(item).data), item.version)
