"""API of the agencies app: the directory of agencies, searchable by name. Agency names are
public administrative facts; robot webhook addresses are not, and are never listed."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets

from agencies.filters import AgencyFilterSet
from agencies.models import Agency


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "level", "side", "parent", "region"]
        read_only_fields = fields


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AgencyFilterSet

    def get_queryset(self) -> QuerySet[Agency]:
        return Agency.objects.filter(merged_into__isnull=True).order_by("name")
