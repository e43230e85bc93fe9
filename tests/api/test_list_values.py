"""The lists' shortcuts give what DRF's own machinery gives: the datetimes as the field
writes them, and the one-query pages as Django's paginator cuts them (count, rows, errors)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils import timezone
from rest_framework import serializers

from api.pagination import _CountedRowsPaginator
from api.values import datetime_writer
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


@pytest.mark.parametrize("per_page", [1, 2, 3, 50, 200])
def test_a_counted_page_is_django_s_page(world, per_page) -> None:
    rows = Task.objects.order_by("plan_id", "number").values_list("id", "title")
    # The last: an offset past PostgreSQL's bigint at 200 a page (found by the API fuzzer).
    for number in [1, 2, 3, 4, "1", "last", "0", "x", 1.5, 99, 163140990932013504]:
        mine, django = _CountedRowsPaginator(rows, per_page), Paginator(rows, per_page)
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
    rows = Task.objects.none().values_list("id")
    paginator = _CountedRowsPaginator(Task.objects.filter(pk=0).values_list("id"), 10)
    with django_assert_num_queries(1):
        assert (list(paginator.page(1)), paginator.count) == ([], 0)
    with pytest.raises(EmptyPage):
        _CountedRowsPaginator(rows, 10).page(2)
