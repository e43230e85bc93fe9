"""A queryset's SQL built once per process, then run with each call's values.

Django builds a queryset's SQL again on every evaluation: it clones the query, resolves
every filter and expression, and compiles them. For the small queries on every request
(the session, the bell's count, the API token) that building costs more than PostgreSQL
takes to answer them, and for a page's largest queries (我的任务's tasks with their
correlated subqueries) it is milliseconds. `CompiledQuery` builds the queryset twice at
its first use, from two sets of sample values, and keeps the SQL: each later call runs
that SQL with its own values, and Django turns the rows into instances, values or tuples
exactly as it does for the queryset itself.

The two builds must give the same SQL text, and every parameter that differs between
them must equal one sample value, and the same one in both (that is how a parameter is
known to be an argument, not a constant); anything else raises ImproperlyConfigured at the
first call, in tests. So a queryset whose SQL changes with its values (a list for `__in`,
None for IS NULL) cannot be compiled by mistake: build such shapes with fixed SQL, or
leave them to the ORM. What the check cannot see is a value the build reads for itself that
is the same in both builds (today's date, the active language, a setting): it would be
kept as a constant for the life of the process. Such values must be arguments.

A list of ids is one parameter with `AnyOf` (`AnyOf("agency_id", ids)`, PostgreSQL's
`= ANY(array)`) where `agency_id__in=ids` would write one placeholder per id. A call's values
go into the SQL as they are passed: the build must use them unchanged.

What a call returns is already evaluated (a list): a queryset carrying compiled SQL could
otherwise be filtered further and silently run the SQL without the new filter.

`generic_plan=True` runs the statement with PostgreSQL's generic plan. A prepared statement
(config/settings/base.py) is planned again with each run's values wherever PostgreSQL costs
its generic plan higher than the plans it made for the values; for a statement whose generic
plan runs as fast, that planning is paid on every request for nothing (the API task list's
page: ~1 ms of planning for a 0.3 ms query; docs/performance.md, "Tenth round"). PostgreSQL
has no way to pin one statement to its generic plan, so the call sets `plan_cache_mode` for
its own statement and resets it after, two short round trips (on a connection that prepares
statements: without, there is no plan to keep). Only for statements measured
both ways: for others the plans made for the values are the fast ones (我的任务's tasks run
several times slower on their generic plan).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, BooleanField, F, Func, Model, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler

T = TypeVar("T")


class AnyOf(Func):
    """`AnyOf("agency_id", ids)` in a filter: the rows of `agency_id__in=ids`, the ids sent
    as one bigint array (`agency_id = ANY(%s::bigint[])`), so the SQL text does not change
    with their number."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids: Iterable[int]) -> None:
        ids = ids if isinstance(ids, list) else sorted(ids)
        super().__init__(F(field), Value(ids, output_field=ArrayField(BigIntegerField())))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        field, ids = self.get_source_expressions()
        field_sql, field_params = compiler.compile(field)
        if connection.vendor != "postgresql":
            # The embedded demo's SQLite has no arrays: the ids one by one, as `__in` does.
            if not ids.value:
                return "0 = 1", []
            marks = ", ".join(["%s"] * len(ids.value))
            return f"{field_sql} IN ({marks})", [*field_params, *ids.value]
        ids_sql, ids_params = compiler.compile(ids)
        return f"{field_sql} = ANY({ids_sql})", [*field_params, *ids_params]  # typed bigint[]


class RowCount(Func):
    """`COUNT(*)` of every row the query reads, as a plain expression: Django adds no GROUP
    BY for it, so `.annotate(n=RowCount()).values_list("n")` is the query's count in one
    row, a queryset that can be compiled (`.count()` runs at once and cannot)."""

    template = "COUNT(*)"
    output_field = BigIntegerField()
    contains_aggregate = False  # see above: counted by the database, unknown to Django


def _prepares(connection: BaseDatabaseWrapper) -> bool:
    """Whether the connection prepares statements (config/settings/base.py). Without, each
    statement is planned for its run whatever `plan_cache_mode` says, and a session's SET
    would reach other clients through a pooler in transaction mode (why it is off there)."""
    return connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None


@contextlib.contextmanager
def _generic_plan(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """The statements run inside use PostgreSQL's generic plan; the connection's own setting
    is back once they have run."""
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    try:
        yield
    except BaseException:
        # Put the setting back if the connection can still take it. A transaction PostgreSQL
        # has aborted takes nothing more, and its rollback undoes the SET with the rest; a
        # connection that is gone is closed by Django. The statement's own error is raised.
        with contextlib.suppress(DatabaseError):
            _plan_cache_mode_reset(connection)
        raise
    _plan_cache_mode_reset(connection)


def _plan_cache_mode_reset(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute("RESET plan_cache_mode")


class _Compiled:
    def __init__(
        self, queryset: QuerySet[Any], compiler: SQLCompiler, sql: str, slots: list[Any]
    ) -> None:
        self.queryset, self.compiler, self.sql, self.slots = queryset, compiler, sql, slots


class _Argument:
    """A parameter's slot that takes the call's value of `name`."""

    def __init__(self, name: str) -> None:
        self.name = name


class CompiledQuery(Generic[T]):
    """`build(**values)`'s queryset, its SQL compiled once per database alias."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *,
        samples: tuple[Mapping[str, Any], Mapping[str, Any]],
        generic_plan: bool = False,
    ) -> None:
        first, second = samples
        if set(first) != set(second) or any(first[n] == second[n] for n in first):
            raise ImproperlyConfigured("Two samples with the same names and different values.")
        self._build = build
        self._samples = samples
        self._generic_plan = generic_plan
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()
        self._model: type[Model] | None = None
        self._using: str | None = None

    def __call__(self, **values: Any) -> list[T]:
        return self._run(values, None)

    def slice(self, bottom: int, top: int, /, **values: Any) -> list[T]:
        """`build(**values)[bottom:top]`: the compiled SQL with its LIMIT and OFFSET sent as
        parameters (Django writes a slice's bounds into the SQL text, which would make each
        page a statement of its own)."""
        if not 0 <= bottom <= top:
            raise ValueError("A slice from 0 up.")
        return self._run(values, (bottom, top))

    def _bound(self, alias: str, values: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
        compiled = self._compiled_for(alias)
        params = tuple(
            values[slot.name] if isinstance(slot, _Argument) else slot for slot in compiled.slots
        )
        return compiled.sql, params

    def _run(self, values: dict[str, Any], window: tuple[int, int] | None) -> list[T]:
        first = self._samples[0]
        if set(values) != set(first):
            raise TypeError(f"Expected the values {sorted(first)}, got {sorted(values)}.")
        alias = self._alias()
        connection = connections[alias]
        if connection.vendor != "postgresql":
            # Elsewhere (the embedded demo's SQLite) parameters are adapted before they reach
            # the compiler's output (datetimes as text), so slots cannot be matched to samples:
            # the queryset is built and run as Django always does.
            built = self._build(**values)
            return list(built if window is None else built[window[0] : window[1]])
        sql, params = self._bound(alias, values)
        compiled = self._compiled[alias]
        if window is not None:
            if compiled.queryset.query.is_sliced:
                raise ImproperlyConfigured("A sliced queryset cannot be sliced again.")
            bottom, top = window
            sql = f"{sql} LIMIT %s OFFSET %s"
            params = (*params, top - bottom, bottom)
        # A copy of the compiled compiler (it holds the select list and converters Django
        # reads back), bound to this thread's connection and answering with this call's
        # parameters instead of compiling again.
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection  # compiled for this alias
        compiler.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        if not (self._generic_plan and _prepares(connection)):
            return list(queryset)
        with _generic_plan(connection):
            return list(queryset)

    def first(self, **values: Any) -> T | None:
        """The first row of the call, or None (the queryset should read at most one)."""
        found = self(**values)
        return found[0] if found else None

    def _alias(self) -> str:
        if self._model is None:
            queryset = self._build(**self._samples[0])
            self._model, self._using = queryset.model, queryset._db
        # As QuerySet.db decides for a read, without building the queryset again.
        return self._using or router.db_for_read(self._model)

    def _compiled_for(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile(alias)
                self._compiled[alias] = compiled
        return compiled

    def _compile(self, alias: str) -> _Compiled:
        first, second = self._samples
        queryset = self._build(**first)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        other_sql, other_params = self._build(**second).query.get_compiler(using=alias).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured(f"The SQL changes with the values: {sql} / {other_sql}")
        slots: list[Any] = []
        for one, two in zip(params, other_params, strict=True):
            if one == two:
                slots.append(one)  # a constant of the query
                continue
            names = [n for n in first if first[n] == one and second[n] == two]
            if len(names) != 1:
                raise ImproperlyConfigured(
                    f"A parameter that is no one sample value: {one!r} / {two!r} in {sql}"
                )
            slots.append(_Argument(names[0]))
        # Each call binds its own thread's connection: keep none from the compiling thread.
        compiler.connection = None
        return _Compiled(queryset, compiler, sql, slots)


class CompiledShapes(Generic[T]):
    """Queries of one list that differ in shape, not only in values (which filters a request
    gives): a `CompiledQuery` per shape, made at its first use. `build(shape, **values)`
    builds a shape's queryset; `samples` gives two values for every name any shape may take,
    none equal to another name's (each parameter is known by its value); `generic_plan(shape)`
    says whether a shape's query runs on its generic plan."""

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *,
        samples: Mapping[str, tuple[Any, Any]],
        generic_plan: Callable[[Any], bool] | None = None,
    ) -> None:
        self._build = build
        self._samples = samples
        self._generic_plan = generic_plan
        self._queries: dict[tuple[Hashable, tuple[str, ...]], CompiledQuery[T]] = {}

    def __len__(self) -> int:
        return len(self._queries)

    def query(self, shape: Hashable, names: Iterable[str]) -> CompiledQuery[T]:
        """The shape's query, taking the values `names`."""
        key = (shape, tuple(sorted(names)))
        query = self._queries.get(key)
        if query is None:
            first = {n: self._samples[n][0] for n in key[1]}
            second = {n: self._samples[n][1] for n in key[1]}
            made = CompiledQuery[T](
                functools.partial(self._build, shape),
                samples=(first, second),
                generic_plan=self._generic_plan is not None and self._generic_plan(shape),
            )
            # Two threads may make the same shape at once: one is kept, both are right.
            query = self._queries.setdefault(key, made)
        return query

    def slice(self, shape: Hashable, bottom: int, top: int, /, **values: Any) -> list[T]:
        """`build(shape, **values)[bottom:top]`, compiled (`CompiledQuery.slice`)."""
        return self.query(shape, values).slice(bottom, top, **values)
