"""Query filters of the rollups API (django-filter)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters

from agencies.filters import IdFilter, KnownChoiceFilter
from dashboards.models import Rollup, Scope


class _IsoDateField(forms.Field):
    """A date as `date.fromisoformat` reads it; anything else is a 400, in the asked language."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(_("日期格式应为 YYYY-MM-DD。"), code="invalid") from None


class _IsoDateFilter(filters.DateFilter):
    field_class = _IsoDateField


class RollupFilterSet(filters.FilterSet):
    plan = IdFilter()
    scope = KnownChoiceFilter(choices=Scope.choices)
    as_of = _IsoDateFilter()
    batch = filters.CharFilter(method="filter_batch", strip=False)

    class Meta:
        model = Rollup
        fields = ["plan", "scope", "as_of", "batch"]

    def filter_batch(self, queryset: QuerySet[Rollup], name: str, value: str) -> QuerySet:
        return queryset.filter(batch=value[:32])
