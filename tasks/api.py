"""API of the tasks app: tasks (with their status change), responsibilities, work items and
the event timeline. Same permission rules and services as the browser."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import rules
from api.etag import required_version, with_etag
from ops.page_cache import cached_api_list
from tasks import services
from tasks.filters import ResponsibilityFilterSet, TaskFilterSet, WorkItemFilterSet
from tasks.models import Responsibility, Status, Task, WorkItem


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


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TaskFilterSet

    # Kept per full URL, so per query string: each filter has its own copy.
    @cached_api_list
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Task]:
        return (
            Task.objects.visible_to(self.request.user)
            .prefetch_related("responsibilities__agency")
            .order_by("plan_id", "number")
        )

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
