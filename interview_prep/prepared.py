"""Querysets compiled to SQL once per process, then run with new parameter values.

Django builds a query's SQL afresh on every evaluation. For the practice page's read of an
attempt with its session and question (three tables, 52 columns) that building costs about
1.3 ms, twenty times the 0.06 ms the database spends on it (docs/performance.md), and the
page and its autosave run it on every request. A `PreparedQuery` keeps what the ORM works out
the first time (the SQL, where each parameter goes, the column converters, how the row maps
onto the model and its `select_related` models) and afterwards only executes the SQL and
turns the rows into instances the way Django's own `ModelIterable` does.

The queryset is written with the ORM as usual, as a function of its parameters:

    ATTEMPT = PreparedQuery(
        lambda user_id, pk: Attempt.objects.for_user(user_id).filter(pk=pk),
        "user_id", "pk",
    )
    ATTEMPT.fetch(user_id=request.user.pk, pk=3)   # -> [Attempt] or []

Only integer parameters are supported: the function is called with distinct sentinel integers,
twice with different ones, and each sentinel found among the compiled SQL's parameters marks a
slot. A parameter the SQL does not carry (say, one the ORM folded away), or SQL that changes
with the values, is an error at compile time, so a mistake fails loudly rather than silently
dropping a filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    _get_from_db,
    get_related_populators,
)


def _same(value: Any, sentinel: int) -> bool:
    # An int, or a driver's int type (psycopg's Int2 for a smallint column, say).
    return isinstance(value, int) and not isinstance(value, bool) and int(value) == sentinel


# What each of psycopg's int types can carry; a plain int, anything SQLite can.
_BITS = {"Int2": 16, "Int4": 32, "Int8": 64}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # (parameter name, its type as the ORM sent it), or (None, a constant)
    slots: tuple[tuple[str | None, Any], ...]
    converters: tuple[tuple[int, tuple, Any], ...]  # (column, converter functions, expression)
    model: type[Model] | None  # None: a values_list() query, rows are returned as tuples
    init_list: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
    related: tuple = ()
    annotations: tuple[tuple[str, int], ...] = ()
    from_db: Callable | None = None


class PreparedQuery[M: Model]:
    def __init__(self, build: Callable[..., QuerySet], *names: str) -> None:
        self.build = build
        self.names = names
        self._compiled: dict[str, _Compiled] = {}
        self._model: type[Model] | None = None

    def _compile_with(self, using: str, sentinels: dict[str, int]):
        queryset = self.build(**sentinels).using(using)
        iterable = queryset._iterable_class
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("A prepared query cannot prefetch or carry known related objects.")
        if queryset._fetch_mode.track_peers:
            raise TypeError("A prepared query does not track peers (fetch_mode(FETCH_PEERS)).")
        if iterable not in (ModelIterable, ValuesListIterable):
            raise TypeError("A prepared query returns model instances or values_list() tuples.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, tuple(params)

    def _compile(self, using: str) -> _Compiled:
        # The sentinels must lie in every integer field's range (the ORM drops a filter on a
        # PositiveSmallIntegerField with -1, say, as matching nothing), so they are small
        # positive numbers that a constant in the query could equal. Compiling twice with two
        # different sets tells a parameter from a constant: a slot must move with its set.
        first = {name: 30_011 + 7 * i for i, name in enumerate(self.names)}
        second = {name: 31_517 + 11 * i for i, name in enumerate(self.names)}
        queryset, compiler, sql, params = self._compile_with(using, first)
        _, _, sql_again, params_again = self._compile_with(using, second)
        if sql != sql_again or len(params) != len(params_again):
            raise ValueError("The query's SQL depends on its parameters' values.")
        slots = []
        for value, value_again in zip(params, params_again, strict=True):
            name = next(
                (n for n in self.names if _same(value, first[n]) and _same(value_again, second[n])),
                None,
            )
            if name is None and value != value_again:
                raise ValueError("The query's SQL depends on its parameters' values.")
            slots.append((name, type(value)) if name else (None, value))
        missing = set(self.names) - {name for name, _ in slots}
        if missing:
            raise ValueError(f"The compiled SQL carries no parameter for {sorted(missing)}.")
        iterable = queryset._iterable_class
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = tuple(
            (pos, tuple(functions), expression)
            for pos, (functions, expression) in compiler.get_converters(fields).items()
        )
        if iterable is ValuesListIterable:
            return _Compiled(sql, tuple(slots), converters, None)
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        fetch_mode = queryset._fetch_mode
        return _Compiled(
            sql,
            tuple(slots),
            converters,
            klass_info["model"],
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            start=start,
            end=end,
            related=tuple(get_related_populators(klass_info, select, using, fetch_mode)),
            annotations=tuple(compiler.annotation_col_map.items()),
            from_db=_get_from_db(klass_info["model"], fetch_mode),
        )

    def fetch(self, **values: int) -> list:
        if set(values) != set(self.names):
            raise TypeError(f"Expected the parameters {sorted(self.names)}.")
        if self._model is None:
            self._model = self.build(**dict.fromkeys(self.names, 0)).model
        using = router.db_for_read(self._model)
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        connection = connections[using]
        params = []
        for name, kind in compiled.slots:
            if name is None:
                params.append(kind)  # a constant
                continue
            value = values[name]
            bits = _BITS.get(kind.__name__, 64)
            if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
                # No column of that type holds it (and the driver cannot even send it): as
                # the ORM does for an out-of-range integer lookup, nothing matches.
                return []
            params.append(value if kind is int else kind(value))
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for pos, functions, expression in compiled.converters:
                    value = row[pos]
                    for convert in functions:
                        value = convert(value, expression, connection)
                    row[pos] = value
        if compiled.model is None:
            return [tuple(row) for row in rows]
        objects = []
        for row in rows:
            obj = compiled.from_db(using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.related:
                populator.populate(row, obj)
            for name, pos in compiled.annotations:
                setattr(obj, name, row[pos])
            objects.append(obj)
        return objects
