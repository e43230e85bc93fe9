"""Read-only API of the committee's meetings and their decisions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from meetings.filters import MeetingFilterSet
from meetings.models import Decision, Meeting
from plans.models import Plan


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


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeetingFilterSet

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.filter(committee__plan__in=Plan.objects.visible_to(self.request.user))
            .select_related("committee")
            .prefetch_related("decisions", "attendees")
            .order_by("-held_on", "-pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
