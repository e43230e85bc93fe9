"""API of the agencies app: the directory of agencies, searchable by name. Agency names are
public administrative facts; robot webhook addresses are not, and are never listed."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.models import Agency


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "level", "side", "parent", "region"]
        read_only_fields = fields


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("search", OpenApiTypes.STR, description="全称、简称或别名中的字词"),
            OpenApiParameter("region", OpenApiTypes.INT),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Agency]:
        agencies = Agency.objects.all()
        search = self.request.query_params.get("search", "").strip()[:100]
        if search:
            agencies = agencies.filter(
                Q(name__icontains=search)
                | Q(short_name__icontains=search)
                | Q(aliases__name__icontains=search)
            ).distinct()
        region = self.request.query_params.get("region", "")
        if region.isdigit():
            agencies = agencies.filter(region_id=int(region))
        return agencies.order_by("name")
