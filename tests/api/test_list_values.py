"""The lists' shortcuts give what DRF's own machinery gives: the datetimes as the field
writes them, and the one-query pages as Django's paginator cuts them (count, rows, errors)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.utils import timezone
from rest_framework import serializers

from api.pagination import TOTAL, CountedRowsSource, _CountedRowsPaginator
from api.values import datetime_writer
from ops.compiled import CompiledQuery
from tasks.models import Task

VALUES = [
    dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 7, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
    dt.datetime(2026, 7, 1, 12, 0),  # naive: the field's own path
]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_the_datetime_writer_writes_as_the_field(zone) -> None:
    field = serializers.DateTimeField()
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        write = datetime_writer()
        assert [write(v) for v in VALUES] == [field.to_representation(v) for v in VALUES]


def _source(pk_above: int = 0) -> CountedRowsSource:
    """The tasks as rows with their count, read through a compiled query (as the lists do)."""
    return CountedRowsSource(
        lambda bottom, top: _COUNTED.slice(bottom, top, pk=pk_above),
        count=lambda: Task.objects.filter(pk__gt=pk_above).count(),
    )


_COUNTED = CompiledQuery(
    lambda pk: (
        Task.objects.filter(pk__gt=pk)
        .order_by("plan_id", "number")
        .values_list("id", "title")
        .annotate(**{TOTAL: Window(Count("pk"))})
    ),
    samples=({"pk": 1}, {"pk": 2}),
)


@pytest.mark.parametrize("per_page", [1, 2, 3, 50, 200])
def test_a_counted_page_is_django_s_page(world, per_page) -> None:
    rows = Task.objects.order_by("plan_id", "number").values_list("id", "title")
    # The last: an offset past PostgreSQL's bigint at 200 a page (found by the API fuzzer).
    for number in [1, 2, 3, 4, "1", "last", "0", "x", 1.5, 99, 163140990932013504]:
        mine, django = _CountedRowsPaginator(_source(), per_page), Paginator(rows, per_page)
        if number == "last":
            number = django.num_pages
        try:
            expected = django.page(number)
        except (EmptyPage, PageNotAnInteger) as refused:
            with pytest.raises(type(refused), match=str(refused)):
                mine.page(number)
            continue
        page = mine.page(number)
        assert (list(page), page.number, mine.count) == (
            list(expected),
            expected.number,
            django.count,
        )


def test_an_empty_list_is_one_page_with_nothing(world, django_assert_num_queries) -> None:
    nothing = _source(pk_above=Task.objects.order_by("pk").last().pk)
    paginator = _CountedRowsPaginator(nothing, 10)
    with django_assert_num_queries(1):
        assert (list(paginator.page(1)), paginator.count) == ([], 0)
    with pytest.raises(EmptyPage):
        _CountedRowsPaginator(_source(pk_above=10**9), 10).page(2)


def test_a_queryset_is_paged_as_django_pages_it(world, django_assert_num_queries) -> None:
    rows = Task.objects.order_by("plan_id", "number").values_list("id", "title")
    paginator = _CountedRowsPaginator(rows, 2)
    with django_assert_num_queries(2):  # the COUNT, then the page
        listed = list(paginator.page(2))
    assert listed == list(rows[2:4]) and paginator.count == rows.count()
