"""Query filters of the reports API (django-filter): periods, reports and the timeline."""

from __future__ import annotations

from django_filters import rest_framework as filters

from agencies.filters import IdFilter
from reports.models import ProgressReport, ReportingPeriod
from tasks.models import Event


class PeriodFilterSet(filters.FilterSet):
    plan = IdFilter()

    class Meta:
        model = ReportingPeriod
        fields = ["plan"]


class ReportFilterSet(filters.FilterSet):
    task = IdFilter()
    agency = IdFilter()
    period = IdFilter()
    plan = IdFilter(field_name="task__plan")

    class Meta:
        model = ProgressReport
        fields = ["task", "agency", "period", "plan"]


class EventFilterSet(filters.FilterSet):
    plan = IdFilter()
    task = IdFilter()

    class Meta:
        model = Event
        fields = ["plan", "task"]
