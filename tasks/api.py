"""API of the tasks app: tasks (with their status change), responsibilities, work items and
the event timeline. Same permission rules and services as the browser."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import rules
from api.etag import required_version, with_etag
from ops.page_cache import cached_api_list
from tasks import services
from tasks.models import Event, Responsibility, ResponsibilityRole, Status, Task, WorkItem


class ResponsibilitySerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "task", "agency", "agency_name", "side", "role", "order", "written"]
        read_only_fields = fields


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


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(max_length=2000)


def _flag(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    return value.lower() in ("1", "true", "yes")


TASK_FILTERS = [
    OpenApiParameter("plan", OpenApiTypes.INT),
    OpenApiParameter("agency", OpenApiTypes.INT, description="任务的牵头/配合/责任单位"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
    OpenApiParameter("role", OpenApiTypes.STR, enum=ResponsibilityRole.values),
    OpenApiParameter("overdue", OpenApiTypes.BOOL, description="已过完成时限且未完成"),
]


@extend_schema(parameters=TASK_FILTERS)
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer

    @cached_api_list
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Task]:
        tasks = rules.visible_tasks(self.request.user).prefetch_related("responsibilities__agency")
        params = self.request.query_params
        if params.get("plan", "").isdigit():
            tasks = tasks.filter(plan_id=int(params["plan"]))
        if params.get("status") in Status.values:
            tasks = tasks.filter(status=params["status"])
        agency = params.get("agency", "")
        role = params.get("role", "")
        if agency.isdigit() or role in ResponsibilityRole.values:
            held = Responsibility.objects.filter(task=OuterRef("pk"))
            if agency.isdigit():
                held = held.filter(agency_id=int(agency))
            if role in ResponsibilityRole.values:
                held = held.filter(role=role)
            tasks = tasks.filter(Exists(held))
        overdue = _flag(params.get("overdue"))
        if overdue is not None:
            late = Q(due_on__lt=timezone.localdate()) & ~Q(
                status__in=[Status.COMPLETED, Status.ONGOING]
            )
            tasks = tasks.filter(late) if overdue else tasks.exclude(late)
        return tasks.order_by("plan_id", "number")

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


class ResponsibilityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ResponsibilitySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("task", OpenApiTypes.INT),
            OpenApiParameter("plan", OpenApiTypes.INT),
            OpenApiParameter("agency", OpenApiTypes.INT),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Responsibility]:
        found = Responsibility.objects.filter(
            task__in=rules.visible_tasks(self.request.user)
        ).select_related("agency")
        for name, field in (
            ("task", "task_id"),
            ("plan", "task__plan_id"),
            ("agency", "agency_id"),
        ):
            value = self.request.query_params.get(name, "")
            if value.isdigit():
                found = found.filter(**{field: int(value)})
        return found.order_by("task_id", "order")


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

    @extend_schema(
        parameters=[
            OpenApiParameter("task", OpenApiTypes.INT),
            OpenApiParameter("plan", OpenApiTypes.INT),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[WorkItem]:
        items = WorkItem.objects.filter(
            task__in=rules.visible_tasks(self.request.user)
        ).prefetch_related("agencies")
        for name, field in (("task", "task_id"), ("plan", "task__plan_id")):
            value = self.request.query_params.get(name, "")
            if value.isdigit():
                items = items.filter(**{field: int(value)})
        return items.order_by("task_id", "due_on", "pk")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        return with_etag(Response(self.get_serializer(item).data), item.version)


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "kind",
            "plan",
            "task",
            "work_item",
            "report",
            "from_value",
            "to_value",
            "reason",
        ]
        read_only_fields = fields

    def get_actor_name(self, event: Event) -> str:
        actor = event.actor
        return (actor.get_full_name() or actor.get_username()) if actor else ""


class EventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The timeline of what the user may see: read only, newest first."""

    serializer_class = EventSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT),
            OpenApiParameter("task", OpenApiTypes.INT),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Event]:
        user = self.request.user
        events = Event.objects.filter(plan__in=rules.visible_plans(user)).select_related("actor")
        # A report's events are seen by those who may see the report.
        events = events.filter(Q(report__isnull=True) | Q(report__in=rules.visible_reports(user)))
        for name, field in (("plan", "plan_id"), ("task", "task_id")):
            value = self.request.query_params.get(name, "")
            if value.isdigit():
                events = events.filter(**{field: int(value)})
        return events.order_by("-created_at", "-pk")
