"""/api/v1/compare/ and /api/v1/compare/cases/: the comparison and the typical-case library
as JSON, through the same selectors (and so the same visibility) as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from comparison import selectors
from comparison.views import topic_error
from reports.models import ProgressReport


class CompareRowSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    task_label = serializers.CharField()
    task_title = serializers.CharField()
    plan_id = serializers.IntegerField()
    plan_title = serializers.CharField()
    region_name = serializers.CharField()
    status = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    score = serializers.FloatField()
    light = serializers.CharField()
    leads = serializers.ListField(child=serializers.CharField())
    latest_report_id = serializers.IntegerField(allow_null=True)
    latest_report_period = serializers.CharField()
    latest_excerpt = serializers.CharField()
    case_ids = serializers.ListField(child=serializers.IntegerField())


class CompareSerializer(serializers.Serializer):
    topic = serializers.CharField()
    count = serializers.IntegerField()
    results = CompareRowSerializer(many=True)


class CompareView(APIView):
    """The tasks of every visible plan matching `topic`, best first (400 for a bad topic)."""

    @extend_schema(
        parameters=[OpenApiParameter("topic", str, required=True)],
        responses=CompareSerializer,
    )
    def get(self, request: Request) -> Response:
        topic = request.query_params.get("topic", "")
        try:
            groups = selectors.topic_tasks(user=request.user, topic=topic)
        except selectors.BadTopic as exc:
            raise ValidationError({"topic": [topic_error(str(exc))]}) from exc
        rows = sorted((row for group in groups for row in group.rows), key=lambda r: -r.score)
        for row in rows:
            row.score = round(row.score, 4)
        body = {"topic": " ".join(topic.split()), "count": len(rows), "results": rows}
        return Response(CompareSerializer(body).data)


class CaseSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="task.plan.region.name")
    plan = serializers.IntegerField(source="task.plan_id")
    plan_title = serializers.CharField(source="task.plan.title")
    task_title = serializers.CharField(source="task.title")
    agency_name = serializers.CharField(source="agency.name")
    period_label = serializers.CharField(source="period.label")

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "region",
            "plan",
            "plan_title",
            "task",
            "task_title",
            "agency",
            "agency_name",
            "period",
            "period_label",
            "achievements",
            "progress",
            "reviewed_at",
        ]


class _CaseFilters(serializers.Serializer):
    region = serializers.IntegerField(required=False, min_value=1)
    plan = serializers.IntegerField(required=False, min_value=1)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    q = serializers.CharField(required=False, max_length=50, allow_blank=True)


class CaseListView(ListAPIView):
    """Typical cases the user may read; `region`, `plan`, `year`, `q` filter (400 if bad)."""

    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[ProgressReport]:
        filters = _CaseFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return selectors.typical_cases(
            user=self.request.user,
            region_id=data.get("region"),
            plan_id=data.get("plan"),
            year=data.get("year"),
            q=data.get("q", ""),
        )
