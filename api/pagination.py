from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import Count, QuerySet, Window
from rest_framework.pagination import PageNumberPagination

# The window count's name on each row (the last value of a `values_list` row).
_TOTAL = "pagination_total"
# PostgreSQL's bigint: an OFFSET past it is an error, not an empty page.
_LARGEST_OFFSET = 2**63 - 1


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _CountedRowsPaginator(Paginator):
    """Django's paginator for a `values_list` queryset, the page read in one query with the
    count of every matching row beside each row (COUNT(*) OVER ()), not a COUNT and then the
    page. The window has the database go through every matching row before returning the
    first, as the COUNT did: a LIMIT never becomes a long walk down an index for rows that
    are not there. The page, the count and the errors are Django's paginator's."""

    def page(self, number: Any) -> Page:
        if self.orphans or "count" in self.__dict__ or not isinstance(self.object_list, QuerySet):
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
        counted = self.object_list.annotate(**{_TOTAL: Window(Count("pk"))})
        rows = list(counted[bottom : bottom + self.per_page])
        if not rows:
            if number > 1:  # past the last page, whatever the count
                raise EmptyPage(self.error_messages["no_results"])
            self.__dict__["count"] = 0  # Paginator.count's cached value
        else:
            self.__dict__["count"] = rows[0][-1]
            rows = [row[:-1] for row in rows]
        return self._get_page(rows, self.validate_number(number), self)


class CountedRowsPagination(Pagination):
    """The API's pagination for a list read as `values_list` rows of a bounded set (a
    plan's tasks): one query a page (see `_CountedRowsPaginator`). Not for the large
    lists (reports), where counting ids alone is cheaper than sorting every row."""

    django_paginator_class = _CountedRowsPaginator
