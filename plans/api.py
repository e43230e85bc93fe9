"""API of the plans app: plans, sections, indicators with their values, meetings. Read only:
plans come in through the importer, meetings through the secretary's pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from agencies import rules
from plans.models import Decision, Indicator, IndicatorValue, Meeting, Plan, Section

PLAN_FILTER = [OpenApiParameter("plan", OpenApiTypes.INT)]


def _by_plan(request: Request, queryset: QuerySet, field: str = "plan_id") -> QuerySet:
    value = request.query_params.get("plan", "")
    return queryset.filter(**{field: int(value)}) if value.isdigit() else queryset


class PlanSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    lead_agency_name = serializers.CharField(source="lead_agency.name", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "title",
            "kind",
            "parent",
            "issuers",
            "doc_number",
            "issued_on",
            "region",
            "region_name",
            "lead_agency",
            "lead_agency_name",
            "period_start",
            "period_end",
            "nipa_reports_required",
            "source_sha256",
        ]
        read_only_fields = fields


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        return (
            rules.visible_plans(self.request.user)
            .select_related("region", "lead_agency")
            .order_by("region__name", "pk")
        )


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "plan", "parent", "label", "title", "kind", "order"]
        read_only_fields = fields


@extend_schema(parameters=PLAN_FILTER)
class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectionSerializer

    def get_queryset(self) -> QuerySet[Section]:
        sections = Section.objects.filter(plan__in=rules.visible_plans(self.request.user))
        return _by_plan(self.request, sections).order_by("plan_id", "order")


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "year", "value", "reported_by", "note", "created_at"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    values = IndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "name",
            "unit",
            "baseline",
            "baseline_year",
            "target",
            "target_year",
            "order",
            "values",
        ]
        read_only_fields = fields


@extend_schema(parameters=PLAN_FILTER)
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer

    def get_queryset(self) -> QuerySet[Indicator]:
        indicators = Indicator.objects.filter(
            plan__in=rules.visible_plans(self.request.user)
        ).prefetch_related("values")
        return _by_plan(self.request, indicators).order_by("plan_id", "order", "pk")


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "order", "text", "work_item"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="committee.plan_id", read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "plan",
            "committee",
            "title",
            "held_on",
            "place",
            "agenda",
            "attendees",
            "frozen_at",
            "decisions",
        ]
        read_only_fields = fields


@extend_schema(parameters=PLAN_FILTER)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        meetings = (
            Meeting.objects.filter(committee__plan__in=rules.visible_plans(self.request.user))
            .select_related("committee")
            .prefetch_related("decisions", "attendees")
        )
        return _by_plan(self.request, meetings, "committee__plan_id").order_by("-held_on", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
