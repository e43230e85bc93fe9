"""Query filters of the tasks API (django-filter): tasks, responsibilities, work items."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_filters import BooleanFilter
from django_filters import rest_framework as filters

from agencies.filters import IdFilter, KnownChoiceFilter
from tasks.lights import overdue_q
from tasks.models import Responsibility, ResponsibilityRole, Status, Task, WorkItem


class _FlagField(forms.Field):
    """Yes for `1`, `true` or `yes` (any case), no for any other value; none, no filter."""

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        return str(value).lower() in ("1", "true", "yes")


# Not rest_framework's BooleanFilter: its widget reads only "true" and "false".
class _FlagFilter(BooleanFilter):
    field_class = _FlagField


class TaskFilterSet(filters.FilterSet):
    plan = IdFilter()
    agency = IdFilter(method="filter_agency", label="任务的牵头/配合/责任单位")
    status = KnownChoiceFilter(choices=Status.choices)
    role = KnownChoiceFilter(choices=ResponsibilityRole.choices, method="filter_role")
    overdue = _FlagFilter(method="filter_overdue", label="已过完成时限且未完成")

    class Meta:
        model = Task
        fields = ["plan", "agency", "status", "role", "overdue"]

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        # `today` given: the day `overdue` is judged on (the compiled task list passes it as a
        # value of its query); otherwise the local date.
        super().__init__(*args, **kwargs)
        self.today = today

    # `agency` and `role` name one responsibility together: a single EXISTS for both.
    def _held(self, queryset: QuerySet[Task]) -> QuerySet[Task]:
        held = Responsibility.objects.filter(task=OuterRef("pk"))
        if (agency := self.form.cleaned_data.get("agency")) is not None:
            held = held.filter(agency_id=agency)
        if role := self.form.cleaned_data.get("role"):
            held = held.filter(role=role)
        return queryset.filter(Exists(held))

    def filter_agency(self, queryset: QuerySet[Task], name: str, value: int) -> QuerySet:
        return self._held(queryset)

    def filter_role(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet:
        if self.form.cleaned_data.get("agency") is not None:
            return queryset  # filter_agency took the role in
        return self._held(queryset)

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet:
        late = overdue_q(self.today or timezone.localdate())  # the one definition: tasks.lights
        return queryset.filter(late) if value else queryset.exclude(late)


class ResponsibilityFilterSet(filters.FilterSet):
    task = IdFilter()
    plan = IdFilter(field_name="task__plan")
    agency = IdFilter()

    class Meta:
        model = Responsibility
        fields = ["task", "plan", "agency"]


class WorkItemFilterSet(filters.FilterSet):
    task = IdFilter()
    plan = IdFilter(field_name="task__plan")

    class Meta:
        model = WorkItem
        fields = ["task", "plan"]
