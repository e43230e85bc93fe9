"""Query filters of the API (django-filter): the agency directory's, and the two lenient
filters every app's FilterSets are built from. A value the API cannot read (`?plan=abc`,
`?plan=0`, an id beyond the database's range, `?status=nope`) is ignored, the list coming
back unfiltered, rather than refused with a 400: clients have always been able to rely on
that. (Control characters in any parameter are refused before: security/inputs.py.)"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django_filters import fields
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation

from agencies.models import Agency
from security.inputs import BIGINT_MAX

# Ids are bigint (the bound security/inputs.py refuses beyond): a number above this names no
# row, and is never put in a query.
ID_MAX = BIGINT_MAX


class _IdField(forms.Field):
    """An id written in digits (no sign, no spaces) from 1 to ID_MAX, else nothing: an id
    out of the database's range is ignored like any other the API cannot read."""

    def to_python(self, value: Any) -> int | None:
        # isdecimal, not isdigit: exactly the digits int() reads ("²" is a digit, not decimal);
        # the length first, so int() never reads thousands of digits
        if not (isinstance(value, str) and value.isdecimal() and len(value) <= len(str(ID_MAX))):
            return None
        number = int(value)
        return number if 0 < number <= ID_MAX else None


class IdFilter(filters.Filter):
    """`?plan=12`: the related object's id. Typed in the schema from the model field."""

    field_class = _IdField


class _KnownChoiceField(fields.ChoiceField):
    """One of the choices, else nothing."""

    def clean(self, value: Any) -> str:
        value = self.to_python(value)
        return value if self.valid_value(value) else ""


class KnownChoiceFilter(filters.ChoiceFilter):
    """`?status=behind`: one of the choices; any other value is ignored."""

    field_class = _KnownChoiceField


def filter_values(filterset: type[filters.FilterSet], params: Any) -> dict[str, Any]:
    """A query's values as `filterset`'s form cleans them, for a list that reads its rows
    itself (a compiled query) rather than through `filterset.qs`; a value refused is a 400,
    as DRF's filter backend answers it."""
    found = filterset(data=params, queryset=filterset._meta.model.objects.none())
    if not found.is_valid():
        raise translate_validation(found.errors)
    return found.form.cleaned_data


class AgencyFilterSet(filters.FilterSet):
    search = filters.CharFilter(method="filter_search", label="全称、简称或别名中的字词")
    region = IdFilter()

    class Meta:
        model = Agency
        fields = ["search", "region"]

    def filter_search(self, queryset: QuerySet[Agency], name: str, value: str) -> QuerySet:
        words = value[:100]  # the form has stripped it
        return queryset.filter(
            Q(name__icontains=words)
            | Q(short_name__icontains=words)
            | Q(aliases__name__icontains=words)
        ).distinct()
