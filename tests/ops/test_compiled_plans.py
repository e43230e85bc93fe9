"""A compiled query asked to run on PostgreSQL's generic plan gets it for its own statement
only: the rows are its queryset's, the connection's `plan_cache_mode` is as it was after the
call, and after a failed call too."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import DataError, connection, transaction
from django.db.models.expressions import RawSQL

from ops.compiled import CompiledQuery, CompiledShapes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def _named(order: str, *, generic_plan: bool) -> CompiledQuery:
    # Each test orders by its own column: its statements are its own in the session's
    # pg_prepared_statements, which outlive a test (the connection is kept).
    return CompiledQuery(
        lambda name: User.objects.filter(username=name).order_by(order),
        samples=({"name": "sample-a"}, {"name": "sample-b"}),
        generic_plan=generic_plan,
    )


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def _plans_made(order_by: str) -> tuple[int, int]:
    """(generic, custom) plans PostgreSQL made for this session's statement ending with
    `ORDER BY <order_by>`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f"%ORDER BY {order_by}"],
        )
        rows = cursor.fetchall()
    assert len(rows) == 1, rows  # prepared once, as psycopg does after its fifth run
    return rows[0]


def test_the_rows_are_the_querysets_and_the_setting_is_back_after_the_call() -> None:
    ann = UserFactory(username="ann")
    query = _named("-date_joined", generic_plan=True)
    assert query(name="ann") == [ann]
    assert query(name="nobody") == []
    assert _plan_cache_mode() == "auto"


def test_the_statement_runs_on_its_generic_plan_and_others_are_planned_as_before() -> None:
    UserFactory(username="ann")
    generic = _named("-last_login", generic_plan=True)
    planned = _named("last_login", generic_plan=False)
    # psycopg prepares a statement after five runs; PostgreSQL then plans a prepared
    # statement with its values five times before it may choose its generic plan.
    for _ in range(8):
        generic(name="ann")
        planned(name="ann")
    generic_plans, custom_plans = _plans_made('"auth_user"."last_login" DESC')
    assert generic_plans > 0
    assert custom_plans == 0
    generic_plans, custom_plans = _plans_made('"auth_user"."last_login" ASC')
    assert custom_plans > 0  # the five-times rule, as for every other statement
    assert generic_plans == 0


def test_a_list_runs_the_shapes_it_names_on_their_generic_plan() -> None:
    UserFactory(username="ann", is_active=False)
    UserFactory(username="bob", is_active=True)
    shapes = CompiledShapes(
        lambda active, **values: User.objects.filter(is_active=active, **values).order_by(
            "-username"
        ),
        samples={"username": ("sample-a", "sample-b")},
        generic_plan=lambda active: not active,
    )
    for _ in range(8):
        assert len(shapes.query(False, ["username"])(username="ann")) == 1
        assert len(shapes.query(True, ["username"])(username="bob")) == 1
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['%ORDER BY "auth_user"."username" DESC'],
        )
        for statement, generic_plans, custom_plans in cursor.fetchall():
            active = 'NOT "auth_user"."is_active"' not in statement
            plans[active] = (generic_plans > 0, custom_plans > 0)
    assert plans == {False: (True, False), True: (False, True)}
    assert _plan_cache_mode() == "auto"


BAD_CAST = CompiledQuery(
    lambda number: User.objects.filter(pk=RawSQL("%s::int", (number,))).order_by("pk"),
    samples=({"number": "1"}, {"number": "2"}),
    generic_plan=True,
)


def test_in_a_transaction_a_failed_call_raises_its_error_and_the_rollback_resets() -> None:
    with pytest.raises(DataError), transaction.atomic():
        BAD_CAST(number="not a number")
    assert _plan_cache_mode() == "auto"
    assert BAD_CAST(number="0") == []


# serialized_rollback: the flush after this test must not lose the reference data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_a_failed_call_raises_its_error_and_resets() -> None:
    assert connection.get_autocommit()
    with pytest.raises(DataError):
        BAD_CAST(number="not a number")
    assert _plan_cache_mode() == "auto"


def test_a_connection_that_prepares_nothing_is_left_as_it_is(monkeypatch) -> None:
    # Behind a pooler in transaction mode prepared statements are off
    # (DATABASE_PREPARED_STATEMENTS): a session's SET could reach another client there.
    options = {**connection.settings_dict["OPTIONS"]}
    options.pop("prepare_threshold", None)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    ann = UserFactory(username="ann")
    sent: list[str] = []

    def keep(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert _named("-first_name", generic_plan=True)(name="ann") == [ann]
    assert len(sent) == 1
    assert "plan_cache_mode" not in sent[0]
