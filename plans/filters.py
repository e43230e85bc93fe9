"""Query filters of the plans API (django-filter): sections and indicators by plan."""

from __future__ import annotations

from django_filters import rest_framework as filters

from agencies.filters import IdFilter
from plans.models import Indicator, Section


class SectionFilterSet(filters.FilterSet):
    plan = IdFilter()

    class Meta:
        model = Section
        fields = ["plan"]


class IndicatorFilterSet(filters.FilterSet):
    plan = IdFilter()

    class Meta:
        model = Indicator
        fields = ["plan"]
