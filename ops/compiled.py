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
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
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
    ) -> None:
        first, second = samples
        if set(first) != set(second) or any(first[n] == second[n] for n in first):
            raise ImproperlyConfigured("Two samples with the same names and different values.")
        self._build = build
        self._samples = samples
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()
        self._model: type[Model] | None = None
        self._using: str | None = None

    def __call__(self, **values: Any) -> list[T]:
        first = self._samples[0]
        if set(values) != set(first):
            raise TypeError(f"Expected the values {sorted(first)}, got {sorted(values)}.")
        alias = self._alias()
        if connections[alias].vendor != "postgresql":
            # Elsewhere (the embedded demo's SQLite) parameters are adapted before they reach
            # the compiler's output (datetimes as text), so slots cannot be matched to samples:
            # the queryset is built and run as Django always does.
            return list(self._build(**values))
        compiled = self._compiled_for(alias)
        params = tuple(
            values[slot.name] if isinstance(slot, _Argument) else slot for slot in compiled.slots
        )
        sql = compiled.sql
        # A copy of the compiled compiler (it holds the select list and converters Django
        # reads back), bound to this thread's connection and answering with this call's
        # parameters instead of compiling again.
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[compiler.using]
        compiler.as_sql = lambda *args, **kwargs: (sql, params)  # type: ignore[method-assign]
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
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
