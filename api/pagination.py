from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from rest_framework.pagination import PageNumberPagination

# The window count's name on each row (the last value of a `values_list` row):
# `.annotate(**{TOTAL: Window(Count("pk"))})`.
TOTAL = "pagination_total"
# PostgreSQL's bigint: an OFFSET past it is an error, not an empty page.
_LARGEST_OFFSET = 2**63 - 1


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CountThenPage:
    """A list Django's paginator reads as it reads a queryset, its count and then a page, each
    by a function (compiled queries, ops/compiled.py)."""

    def __init__(self, *, count: Callable[[], int], page: Callable[[int, int], list[Any]]) -> None:
        self._count, self._page = count, page

    def count(self) -> int:  # a method: Django's paginator calls only a method without arguments
        return self._count()

    def __getitem__(self, key: slice) -> list[Any]:
        return self._page(key.start or 0, key.stop)


class CountedRowsSource(CountThenPage):
    """Rows read a page at a time, each with the count of every row as its last value
    (COUNT(*) OVER ()): `read(bottom, top)` gives such a slice. For a list whose query is
    compiled once (ops/compiled.py), where a queryset would be built again for every page.
    `_CountedRowsPaginator` reads a page and its count in that one query; where Django's
    paginator counts first (`?page=last`, the pages it refuses) it uses `count`, a plain
    count that spares the database the window's pass over every row before the page's own,
    and then slices the rows without their count."""

    def __init__(
        self, read: Callable[[int, int], list[tuple[Any, ...]]], *, count: Callable[[], int]
    ) -> None:
        super().__init__(
            count=count, page=lambda bottom, top: [row[:-1] for row in read(bottom, top)]
        )
        self.counted_slice = read


class _CountedRowsPaginator(Paginator):
    """Django's paginator, which reads a page of a `CountedRowsSource` in one query with the
    count of every matching row beside each row (COUNT(*) OVER ()), not a COUNT and then the
    page. The window has the database go through every matching row before returning the
    first, as the COUNT did: a LIMIT never becomes a long walk down an index for rows that are
    not there. Anything else (a queryset) is paged as Django pages it. The page, the count and
    the errors are Django's paginator's."""

    def page(self, number: Any) -> Page:
        if (
            self.orphans
            or "count" in self.__dict__
            or not isinstance(self.object_list, CountedRowsSource)
        ):
            return super().page(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)  # refused as Django refuses it
        if number < 1:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page > _LARGEST_OFFSET:
            return super().page(number)  # counted first: past the last page, as Django says
        rows = self.object_list.counted_slice(bottom, bottom + self.per_page)
        if not rows:
            if number > 1:  # past the last page, whatever the count
                raise EmptyPage(self.error_messages["no_results"])
            self.__dict__["count"] = 0  # Paginator.count's cached value
        else:
            self.__dict__["count"] = rows[0][-1]
            rows = [row[:-1] for row in rows]
        return self._get_page(rows, self.validate_number(number), self)


class CountedRowsPagination(Pagination):
    """The API's pagination for a list read as `CountedRowsSource` rows of a bounded set (a
    plan's tasks): one query a page (see `_CountedRowsPaginator`). A queryset is paged as DRF
    pages it: a COUNT, then the page. (Not for the reports: with ORDER BY and LIMIT beside
    the count, PostgreSQL walks the period index through every report; reports/api.py.)"""

    django_paginator_class = _CountedRowsPaginator
