"""DriverRead and DriverWrite: the hottest statements, compiled once per dialect, run on the driver's cursor."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

T = TypeVar("T")


class _OnDriver:
    """A Core statement compiled once per dialect (at its first use there, not at import), for the driver's cursor."""

    __slots__ = ("_columns", "_compiled", "_lock", "_typed", "statement")

    def __init__(self, statement: Any, *, typed: bool = False, columns: tuple[str, ...] | None = None) -> None:
        self.statement = statement
        self._typed = typed
        self._columns = columns
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Any) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = _compile(self.statement, dialect, typed=self._typed, columns=self._columns)
            with self._lock:
                found = self._compiled.setdefault(dialect.name, found)
        return found

    def sql(self, dialect: Any, params: dict[str, Any] | None = None) -> tuple[str, Any]:
        """The SQL and the driver's parameters this statement sends for `params`."""
        return self._for(dialect).bound(params or {})


class DriverRead(_OnDriver):
    """A Core select compiled once per dialect and run on the driver's own cursor: for the hottest reads.

    SQLAlchemy's execute path costs more than SQLite's answer (docs/performance.md, "DriverRead").
    Rows come back as the driver's own tuples, values as the driver gives them: on SQLite a date is
    ISO text (`date.fromisoformat` reads it), on PostgreSQL a `date`. Reads that need SQLAlchemy's
    result types, or that run rarely, stay on `session.execute`. Statement events
    (`before_cursor_execute`) don't see these queries; `sql()` gives the SQL sent, for tests and EXPLAIN.

    `typed=True` converts each value as SQLAlchemy's result would (its column type's result processor,
    looked up once per dialect: dates, enums, timestamps, booleans), for rows made into objects.
    """

    __slots__ = ()

    def __init__(self, statement: Any, *, typed: bool = False) -> None:
        super().__init__(statement, typed=typed)

    def fetchall(self, on: Session | Connection, params: dict[str, Any] | None = None) -> list[Any]:
        """Every row, in the session's (or connection's) transaction, begun here if it wasn't."""
        connection = _connection(on)
        compiled = self._for(connection.dialect)
        sql, bound = compiled.bound(params or {})
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bound)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        results = compiled.results
        if results is None:
            return rows  # type: ignore[no-any-return]
        return [tuple(value if p is None else p(value) for p, value in zip(results, row, strict=True)) for row in rows]


class DriverWrite(_OnDriver):
    """An UPDATE, INSERT or upsert compiled once per dialect and run on the driver's own cursor, in the
    session's transaction: for the few writes every save makes (its data version, its scopes, its score row).

    `columns` names the values given when the statement's own `values()` doesn't (an INSERT's columns, an
    UPDATE's SET). Nothing SQLAlchemy would add is added: no Python-side default or onupdate value, so
    every column the row needs is given. Statement events don't see these either.
    """

    __slots__ = ()

    def __init__(self, statement: Any, *, columns: tuple[str, ...] | None = None) -> None:
        super().__init__(statement, columns=columns)

    def execute(self, on: Session | Connection, params: dict[str, Any]) -> list[Any]:
        """Run it once, in the session's (or connection's) transaction; the rows it returns (RETURNING's), or none."""
        connection = _connection(on)
        sql, bound = self._for(connection.dialect).bound(params)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bound)
            return cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()

    def executemany(self, on: Session | Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Run it for each row, in one call to the driver."""
        if not rows:
            return
        connection = _connection(on)
        compiled = self._for(connection.dialect)
        bound = [compiled.bound(row)[1] for row in rows]
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(compiled.sql, bound)
        finally:
            cursor.close()


def copy_of(model: type[T], row: Sequence[Any], start: int = 0, **related: Any) -> T:
    """A transient `model`, never in a session (so never flushed), from a typed DriverRead's row that holds the
    model's table columns in the table's order from `start` (a select of `*Model.__table__.c`, first or after
    another table's); `related` sets relationships (`user=...`). For checks and pages that only read it."""
    names = _NAMES.get(model)
    if names is None:
        names = _NAMES[model] = tuple(column.name for column in model.__table__.c)  # type: ignore[attr-defined]
    return model(**dict(zip(names, row[start : start + len(names)], strict=True)), **related)


_NAMES: dict[type, tuple[str, ...]] = {}  # each model's table columns' names, in order


def _connection(on: Session | Connection) -> Connection:
    """The session's connection, or the connection itself, in a transaction (begun here if none was)."""
    if isinstance(on, Session):
        return on.connection()
    if not on.in_transaction():
        on.begin()  # as Connection.execute would, so the "begin" event runs
    return on


def _compile(statement: Any, dialect: Any, *, typed: bool = False, columns: tuple[str, ...] | None = None) -> _Compiled:
    """The statement's SQL for the dialect, its parameters' order and conversions, and (typed) its columns'."""
    compiled = statement.compile(dialect=dialect, column_keys=list(columns) if columns is not None else None)
    prefetched = [*getattr(compiled, "insert_prefetch", ()), *getattr(compiled, "update_prefetch", ())]
    if prefetched:  # a value SQLAlchemy would make in Python (a default, an onupdate): a driver's cursor wouldn't
        missing = ", ".join(column.name for column in prefetched)
        raise ValueError(f"DriverWrite makes no Python-side default or onupdate value ({missing}): give them")
    binds = compiled.bind_names  # each bind parameter and its name in the SQL (anonymous ones named here)
    if any(bind.expanding for bind in binds):
        raise ValueError("DriverRead takes no expanding (IN list) parameters: the SQL is compiled once")
    processors = {}
    for bind, name in binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    names = tuple(compiled.positiontup or ()) if compiled.positional else None
    defaults = {name: bind.value for bind, name in binds.items() if not bind.required}
    required = frozenset(name for bind, name in binds.items() if bind.required)
    results = None
    if typed:
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in statement.selected_columns
        )
        results = results if any(results) else None
    return _Compiled(compiled.string, names, defaults, required, processors, results)


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # the parameters' order for a positional driver (SQLite); None: by name
    defaults: dict[str, Any]  # values the statement carries itself (a literal in a comparison)
    required: frozenset[str]  # the names of its bindparam()s, which every call must give
    processors: dict[str, Callable[[Any], Any]]  # the column types' conversions, by parameter name
    results: tuple[Callable[[Any], Any] | None, ...] | None  # typed reads: each column's, in order; None: none

    def bound(self, params: dict[str, Any]) -> tuple[str, Any]:
        if not self.required <= params.keys():
            raise ValueError(f"this read needs the parameters {sorted(self.required - params.keys())}")
        values = {**self.defaults, **params} if self.defaults else params
        processors = self.processors
        if processors:
            values = {name: processors[name](value) if name in processors else value for name, value in values.items()}
        if self.names is None:
            return self.sql, values
        return self.sql, tuple(values[name] for name in self.names)
