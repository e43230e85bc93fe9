"""Query filters of the meetings API (django-filter): meetings by their committee's plan."""

from __future__ import annotations

from django_filters import rest_framework as filters

from agencies.filters import IdFilter
from meetings.models import Meeting


class MeetingFilterSet(filters.FilterSet):
    plan = IdFilter(field_name="committee__plan")

    class Meta:
        model = Meeting
        fields = ["plan"]
