"""API of the rollups (统计快照): the same numbers the dashboards show."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from dashboards.filters import RollupFilterSet
from dashboards.models import Rollup
from plans.models import Plan


class RollupSerializer(serializers.ModelSerializer):
    # The meeting whose frozen rollup the row belongs to, named by its batch ("meeting:<id>").
    meeting = serializers.SerializerMethodField()

    class Meta:
        model = Rollup
        exclude = ["computed_at"]
        read_only_fields = [f.name for f in Rollup._meta.fields]

    def get_meeting(self, row: Rollup) -> int | None:
        return row.meeting_id


class RollupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RollupSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RollupFilterSet

    def get_queryset(self) -> QuerySet[Rollup]:
        rows = Rollup.objects.filter(plan__in=Plan.objects.visible_to(self.request.user))
        return rows.order_by("-as_of", "plan_id", "scope", "scope_key")
