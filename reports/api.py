"""API of the reports app: reporting periods, progress reports (create, update the draft,
submit / accept / return), their attachments, Same rules and services as
the browser; a report's task, agency and period are set once, at creation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import rules
from agencies.filters import filter_values
from agencies.models import Agency
from api.etag import required_version, with_etag
from api.pagination import CountThenPage
from api.renderers import plain_json
from api.values import datetime_writer
from ops.compiled import AnyOf, CompiledQuery, CompiledShapes, RowCount
from ops.page_cache import cached_api_list
from plans.models import Plan
from reports import services
from reports.filters import EventFilterSet, PeriodFilterSet, ReportFilterSet
from reports.models import REPORT_FIELDS, Attachment, ProgressReport, ReportingPeriod
from reports.selectors import get_attachment_for_user, get_report_for_user
from tasks.models import Event, Task
from tasks.selectors import events_seen_q

IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "plan", "label", "cadence", "starts_on", "ends_on", "opens_on", "due_on"]
        read_only_fields = fields


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PeriodSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PeriodFilterSet

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        return ReportingPeriod.objects.filter(
            plan__in=Plan.objects.visible_to(self.request.user)
        ).order_by("plan_id", "starts_on")


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "task",
            "agency",
            "period",
            "state",
            *REPORT_FIELDS,
            "submitted_at",
            "is_late",
            "reviewed_at",
            "return_reason",
            "is_typical_case",
            "version",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "state",
            "submitted_at",
            "is_late",
            "reviewed_at",
            "return_reason",
            "is_typical_case",
            "version",
            "updated_at",
        ]


# `ReportFilterSet`'s filters, each served by an index of the reports (or of their tasks).
NARROWING_FILTERS = ("task", "plan", "agency", "period")
# The list's datetimes, written as the serializer writes them (ISO 8601 in the current zone).
LIST_DATETIMES = ("submitted_at", "reviewed_at", "updated_at")


class ReportUpdateSerializer(serializers.ModelSerializer):
    """Only the text of a draft: its task, agency and period never change."""

    class Meta:
        model = ProgressReport
        fields = list(REPORT_FIELDS)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "report", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


# A page of the list, read by its ids as one array (AnyOf): compiled once per process
# (ops/compiled.py).
_PAGE_ROWS = CompiledQuery[dict[str, Any]](
    lambda ids: (
        ProgressReport.objects.filter(AnyOf("id", ids))
        .order_by()
        .values(*ReportSerializer.Meta.fields)
    ),
    samples=({"ids": [1]}, {"ids": [2]}),
)


# A list narrowed by a filter (a task, plan, agency or period) is read by two queries compiled
# once per process for each shape of request (whether the user reads every plan, which
# filters are given): the count, then the page's ids, as Django's paginator reads them. The
# FilterSet and the visibility rule build both; their values and the user's agencies are
# their parameters. (One query with the count beside each id was tried: with ORDER BY and
# LIMIT beside the window, PostgreSQL costs it as if it could stop early and walks the period
# index through every report, ~1 s for a plan's list as its coordinator.)
def _narrowed(everything: bool, given: tuple[str, ...], values: dict[str, Any]) -> QuerySet[Any]:
    reports = ProgressReport.objects.visible_to_agencies(values["mine"], everything=everything)
    data = {name: str(values[name]) for name in given}
    return ReportFilterSet(data=data, queryset=reports).qs


_SAMPLES = {"task": (1, 2), "plan": (3, 4), "agency": (5, 6), "period": (7, 8), "mine": ([9], [10])}
_NARROWED_COUNTS = CompiledShapes[int](
    lambda shape, **values: (
        _narrowed(*shape, values).order_by().annotate(n=RowCount()).values_list("n", flat=True)
    ),
    samples=_SAMPLES,
)
_NARROWED_IDS = CompiledShapes[int](
    lambda shape, **values: (
        _narrowed(*shape, values)
        .order_by("period_id", "task_id", "agency_id")
        .values_list("pk", flat=True)
    ),
    samples=_SAMPLES,
)


def _narrowed_report_ids(request: Request) -> CountThenPage | None:
    """The ids the request lists, when a filter narrows the reports; else None (the visible
    reports themselves are listed: `get_queryset`'s union)."""
    cleaned = filter_values(ReportFilterSet, request.query_params)
    given = tuple(name for name in NARROWING_FILTERS if cleaned.get(name) is not None)
    mine, everything = rules.visibility(request.user)
    if not given or not (mine or everything):
        return None
    # The agencies even for who reads everything: their own drafts are theirs to see.
    values: dict[str, Any] = {name: cleaned[name] for name in given} | {"mine": mine}
    shape = (everything, given)
    return CountThenPage(
        count=lambda: _NARROWED_COUNTS.query(shape, values)(**values)[0],
        page=lambda bottom, top: _NARROWED_IDS.slice(shape, bottom, top, **values),
    )


class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReportSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilterSet

    # Kept per full URL, so per query string: each filter has its own copy.
    @cached_api_list
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The serializer's JSON, built from one `values()` row per report: every field of
        the list is a column of the report (its task, agency and period as ids), so a model
        instance and a field object's walk per value were work for nothing.

        The page is found by id first, then read: sorting the ids alone spares the database
        copying (and unpacking the long texts of) every matching report into the sort when
        the page is a sliver of them (a plan's 3,500 reports for a page of 50)."""
        narrowed = _narrowed_report_ids(request)  # compiled: the count, then the page
        if narrowed is None:
            listed: Any = self.get_queryset().values_list("pk", flat=True)
        else:
            listed = narrowed
        ids = list(self.paginate_queryset(listed) or ())
        found = _PAGE_ROWS(ids=ids) if ids else []
        by_pk = {row["id"]: row for row in found}
        rows = [by_pk[pk] for pk in ids if pk in by_pk]
        write = datetime_writer()
        for row in rows:
            for name in LIST_DATETIMES:
                if row[name] is not None:
                    row[name] = write(row[name])
        # Plain values only (no float): orjson writes DRF's bytes (api/renderers.py).
        return plain_json(self.get_paginated_response(rows))

    def get_queryset(self) -> QuerySet[ProgressReport]:
        # The list when no filter narrows it (`_narrowed_report_ids` reads the narrowed
        # ones): the visible reports themselves, from their indexes (`visible_to`'s union).
        return ProgressReport.objects.visible_to(self.request.user, listing=True).order_by(
            "period_id", "task_id", "agency_id"
        )

    def get_object(self) -> ProgressReport:
        return get_report_for_user(self.request.user, int(self.kwargs["pk"]))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        return with_etag(Response(ReportSerializer(report).data), report.version)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A new draft for a task, an agency and a period (the agency must owe it)."""
        incoming = ReportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=data["task"].pk)
        period = get_object_or_404(ReportingPeriod, pk=data["period"].pk, plan=task.plan)
        report = services.report_save_draft(
            actor=request.user,
            task=task,
            agency=get_object_or_404(Agency, pk=data["agency"].pk),
            period=period,
            values={k: data.get(k) for k in REPORT_FIELDS},
        )
        return with_etag(
            Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED),
            report.version,
        )

    @extend_schema(
        request=ReportUpdateSerializer, responses=ReportSerializer, parameters=[IF_MATCH]
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = get_report_for_user(request.user, int(kwargs["pk"]), write=True)
        version = required_version(request)
        incoming = ReportUpdateSerializer(report, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        values = {k: getattr(report, k) for k in REPORT_FIELDS} | incoming.validated_data
        report = services.report_save_draft(
            actor=request.user,
            task=report.task,
            agency=report.agency,
            period=report.period,
            values=values,
            expected_version=version,
        )
        return with_etag(Response(ReportSerializer(report).data), report.version)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=ReportSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        report = get_report_for_user(request.user, int(pk), write=True)
        report = services.report_submit(
            actor=request.user, report=report, expected_version=required_version(request)
        )
        return with_etag(Response(ReportSerializer(report).data), report.version)

    @extend_schema(request=None, responses=ReportSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        report = services.report_accept(
            actor=request.user, report=report, expected_version=required_version(request)
        )
        return with_etag(Response(ReportSerializer(report).data), report.version)

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        version = required_version(request)
        incoming = ReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        report = services.report_return(
            actor=request.user,
            report=report,
            reason=incoming.validated_data["reason"],
            expected_version=version,
        )
        return with_etag(Response(ReportSerializer(report).data), report.version)

    @extend_schema(request=None, responses=AttachmentSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="attachments", filter_backends=[])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        return Response(AttachmentSerializer(report.attachments.all(), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments/upload",
        parser_classes=[MultiPartParser],
    )
    def upload(self, request: Request, pk: str | None = None) -> Response:
        report = get_report_for_user(request.user, int(pk), write=True)
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("请选择要上传的文件。")]})
        attachment = services.attachment_add(actor=request.user, report=report, upload=upload)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentViewSet(viewsets.GenericViewSet):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        attachment = get_attachment_for_user(request.user, int(pk))
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# The timeline API lives here, not in tasks/: a report's events are read by who may read the
# report, a rule of this app.
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
    filter_backends = [DjangoFilterBackend]
    filterset_class = EventFilterSet

    def get_queryset(self) -> QuerySet[Event]:
        user = self.request.user
        events = Event.objects.filter(plan__in=Plan.objects.visible_to(user)).select_related(
            "actor"
        )
        # A report's events are seen by those who may see the report.
        return events.filter(events_seen_q(user=user)).order_by("-created_at", "-pk")
