"""API of the plans app: plans, sections, indicators with their values, meetings. Read only:
plans come in through the importer, meetings through the secretary's pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from plans.filters import IndicatorFilterSet, SectionFilterSet
from plans.models import Indicator, IndicatorValue, Plan, Section


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
            Plan.objects.visible_to(self.request.user)
            .select_related("region", "lead_agency")
            .order_by("region__name", "pk")
        )


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "plan", "parent", "label", "title", "kind", "order"]
        read_only_fields = fields


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = SectionFilterSet

    def get_queryset(self) -> QuerySet[Section]:
        sections = Section.objects.filter(plan__in=Plan.objects.visible_to(self.request.user))
        return sections.order_by("plan_id", "order")


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


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = IndicatorFilterSet

    def get_queryset(self) -> QuerySet[Indicator]:
        indicators = Indicator.objects.filter(
            plan__in=Plan.objects.visible_to(self.request.user)
        ).prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.counted()))
        return indicators.order_by("plan_id", "order", "pk")
