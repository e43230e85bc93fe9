"""A compiled query answers as its queryset does, for each call's values, without building
the queryset again; a queryset whose SQL depends on its values is refused."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiToken
from api.tokens import token_issue
from ops.compiled import CompiledQuery, RowCount
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def _by_name(name: str) -> QuerySet:
    return User.objects.filter(username=name, is_active=True).order_by("pk")


BY_NAME = CompiledQuery(_by_name, samples=({"name": "sample-a"}, {"name": "sample-b"}))


def test_each_call_runs_with_its_own_values() -> None:
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    UserFactory(username="gone", is_active=False)
    assert BY_NAME(name="ann") == [ann]
    assert BY_NAME(name="bob") == [bob]
    assert BY_NAME(name="gone") == []  # the constant (is_active) is kept
    found = BY_NAME(name="bob")[0]
    assert (found.pk, found.username, found.email) == (bob.pk, bob.username, bob.email)


def test_it_returns_what_the_queryset_returns_related_rows_and_flat_values_included() -> None:
    user = UserFactory()
    token, _ = token_issue(user=user, name="ci", issued_by=None)
    with_user = CompiledQuery(
        lambda prefix: ApiToken.objects.select_related("user").filter(prefix=prefix),
        samples=({"prefix": "p1"}, {"prefix": "p2"}),
    )
    names = CompiledQuery(
        lambda pk: (
            User.objects.filter(pk__gte=pk).order_by("pk").values_list("username", flat=True)
        ),
        samples=({"pk": 1}, {"pk": 2}),
    )
    found = with_user(prefix=token.prefix)
    with CaptureQueriesContext(connection) as queries:
        assert found[0].user.username == user.username  # read with the token: no query
    assert len(queries) == 0
    assert names(pk=user.pk) == list(
        User.objects.filter(pk__gte=user.pk).order_by("pk").values_list("username", flat=True)
    )


def test_after_the_first_call_the_queryset_is_not_built_again(monkeypatch) -> None:
    ann = UserFactory(username="ann")
    BY_NAME(name="ann")

    def refuse(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(QuerySet, "filter", refuse)
    assert BY_NAME(name="ann") == [ann]


def test_it_runs_on_the_callers_own_connection() -> None:
    BY_NAME(name="first")  # compiled in this thread
    seen: list[object] = []

    def other() -> None:
        try:
            seen.append(BY_NAME(name="nobody"))
        finally:
            connection.close()  # the thread's own connection, as a request's would be

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [[]]


def test_sql_that_changes_with_the_values_is_refused() -> None:
    by_ids = CompiledQuery(
        lambda ids: User.objects.filter(pk__in=ids), samples=({"ids": [1]}, {"ids": [1, 2]})
    )
    with pytest.raises(ImproperlyConfigured):
        by_ids(ids=[3])


def test_a_value_the_build_reads_that_differs_between_builds_is_refused() -> None:
    # The clock read inside the build would be frozen at the first call: not an argument.
    # (A value equal in both builds, such as today's date, cannot be seen: the module says.)
    since = CompiledQuery(
        lambda name: User.objects.filter(username=name, date_joined__lte=timezone.now()),
        samples=({"name": "a"}, {"name": "b"}),
    )
    with pytest.raises(ImproperlyConfigured):
        since(name="a")


def test_a_call_names_exactly_the_sampled_values() -> None:
    with pytest.raises(TypeError):
        BY_NAME(username="ann")


NOT_NAMED = CompiledQuery(
    lambda name: User.objects.filter(is_active=True).exclude(username=name).order_by("pk"),
    samples=({"name": "sample-a"}, {"name": "sample-b"}),
)


def test_a_slice_is_the_querysets_slice_with_its_bounds_as_parameters() -> None:
    for n in range(5):
        UserFactory(username=f"user-{n}")
    UserFactory(username="gone", is_active=False)
    sent: list[str] = []

    def keep(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        for bottom, top in [(0, 2), (2, 4), (4, 6), (1, 1), (6, 9), (0, 50)]:
            assert BY_NAME.slice(bottom, top, name="gone") == []
            others = User.objects.filter(is_active=True).exclude(username="gone").order_by("pk")
            expected = list(others[bottom:top])
            assert NOT_NAMED.slice(bottom, top, name="gone") == expected
    # One statement for every page, as the server prepares it once.
    compiled = {sql for sql in sent if sql.endswith("LIMIT %s OFFSET %s")}
    assert len(compiled) == 2  # BY_NAME's, NOT_NAMED's


def test_a_slice_of_a_sliced_queryset_or_backwards_is_refused() -> None:
    sliced = CompiledQuery(
        lambda name: User.objects.filter(username=name).order_by("pk")[:3],
        samples=({"name": "a"}, {"name": "b"}),
    )
    with pytest.raises(ImproperlyConfigured):
        sliced.slice(0, 1, name="a")
    with pytest.raises(ValueError):
        BY_NAME.slice(3, 1, name="a")


def test_a_row_count_is_one_row_and_can_be_compiled() -> None:
    users = [UserFactory(is_active=n != 0) for n in range(4)]
    counts = CompiledQuery(
        lambda pk: (
            User.objects.filter(pk__gte=pk, is_active=True)
            .order_by()
            .annotate(n=RowCount())
            .values_list("n", flat=True)
        ),
        samples=({"pk": 1}, {"pk": 2}),
    )
    assert counts(pk=users[0].pk) == [3]
    assert counts(pk=users[-1].pk + 1) == [0]
