"""The declarative base, column types shared by every domain, and the engine with its sessions."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import DateTime, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def str_enum(enum_class: type[enum.StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the members' values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Every model's base; the naming convention keeps constraint names stable across dialects."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def _prepare_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for sessions that write."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the write lock up front, so it never fails half-way on a read->write upgrade.
        # Sent on the driver's connection: every request begins one, and SQLAlchemy's execute path
        # (events, a result object) cost more than the BEGIN itself.
        immediate = connection.get_execution_options().get("iw_write", False)
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """An engine for the URL; SQLite gets its pragmas and its data directory is created."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        else:  # one connection per thread (SingletonThreadPool), which has no overflow to size
            kwargs.pop("max_overflow", None)
        engine = create_engine(url, **kwargs)
        _prepare_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


class Database:
    """One engine and its two kinds of session: reads, and writes that commit once at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(iw_write=True), expire_on_commit=False)
        # SQLite lets one writer in at a time, and its busy handler is not a queue: with twenty
        # threads polling for the lock, one can starve past the busy timeout and fail. So a
        # process's writers queue here first and meet SQLite's lock one by one. (Other processes
        # still wait on SQLite's own lock; PostgreSQL writers queue on the app_state row lock.)
        self._write_turn = threading.RLock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_url(cls, database_url: str, **kwargs: Any) -> Database:
        return cls(make_engine(database_url, **kwargs))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def read_session(self) -> Session:
        """A session for reading; close it when done."""
        return self._read()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls back if it raises."""
        if self._write_turn is None:
            with self._write() as session, session.begin():
                yield session
            return
        with self._write_turn, self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def release(session: Session) -> None:
    """End a read session's transaction so its connection goes back to the pool; what it loaded stays usable.

    A request that reads, then queues to write, calls this first: it then holds one connection at
    a time, so a burst of writers can't exhaust the pool while they wait for the write lock.
    """
    session.commit()  # nothing to commit; read sessions keep their objects (expire_on_commit=False)
    session.info.pop(STAMPED_VERSION, None)  # the next read may see a newer version


# ---- Values read once per data version

# session.info key: the data version this session's transaction read (set by system.repository.data_stamp).
STAMPED_VERSION = "iw_data_version"
T = TypeVar("T")
_per_version: WeakKeyDictionary[Any, dict[str, tuple[int, Any]]] = WeakKeyDictionary()  # by engine
_per_version_lock = threading.Lock()


def per_data_version(session: Session, name: str, load: Callable[[], T]) -> T:
    """What `load` reads, kept until the data version moves: for the small values every page needs.

    Every write that changes what pages show bumps the data version first (the page cache and
    ETags rest on the same rule), so a value read in a transaction that saw version v stays true
    while the version is v. A session whose data stamp was not read (or was released since)
    always loads. Values are kept per engine and shared by threads, so they must be immutable.
    """
    version = session.info.get(STAMPED_VERSION)
    if version is None:
        return load()
    engine = session.get_bind()
    with _per_version_lock:
        kept = _per_version.setdefault(engine, {})
        found = kept.get(name)
    if found is not None and found[0] == version:
        return found[1]  # type: ignore[no-any-return]
    value = load()
    with _per_version_lock:
        newest = kept.get(name)
        if newest is None or newest[0] <= version:  # never put back an older version's value
            kept[name] = (version, value)
    return value


class DriverRead:
    """A Core select compiled once per dialect and run on the driver's own cursor: for the hottest reads.

    SQLAlchemy's execute path (the statement's cache key, the execution context and its events, a
    result object) costs about 65 µs a query in-process, three times what SQLite takes to answer a
    short indexed read, and a page's hot read pays it on every render. This keeps what SQLAlchemy
    is for (the query written in Core, compiled for the dialect, values bound through the column
    types, the session's transaction and connection) and hands the driver the finished SQL.

    Rows come back as the driver's own tuples, values as the driver gives them: on SQLite a date is
    ISO text (`date.fromisoformat` reads it), on PostgreSQL a `date`. Reads that need SQLAlchemy's
    result types, or that run rarely, stay on `session.execute`. Statement events
    (`before_cursor_execute`) don't see these queries; `sql()` gives the SQL sent, for tests and EXPLAIN.
    """

    __slots__ = ("_compiled", "_lock", "statement")

    def __init__(self, statement: Any) -> None:
        self.statement = statement  # compiled at its first use on each dialect, not at import
        self._compiled: dict[str, _CompiledRead] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Any) -> _CompiledRead:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            binds = compiled.bind_names  # each bind parameter and its name in the SQL (anonymous ones named here)
            if any(bind.expanding for bind in binds):
                raise ValueError("DriverRead takes no expanding (IN list) parameters: the SQL is compiled once")
            processors = {}
            for bind, name in binds.items():
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    processors[name] = processor
            names = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
            defaults = {name: bind.value for bind, name in binds.items() if not bind.required}
            required = frozenset(name for bind, name in binds.items() if bind.required)
            found = _CompiledRead(compiled.string, names, defaults, required, processors)
            with self._lock:
                found = self._compiled.setdefault(dialect.name, found)
        return found

    def sql(self, dialect: Any, params: dict[str, Any] | None = None) -> tuple[str, Any]:
        """The SQL and the driver's parameters this read sends for `params`."""
        return self._for(dialect).bound(params or {})

    def fetchall(self, on: Session | Connection, params: dict[str, Any] | None = None) -> list[Any]:
        """Every row, in the session's (or connection's) transaction, begun here if it wasn't."""
        if isinstance(on, Session):
            connection = on.connection()
        else:
            connection = on
            if not connection.in_transaction():
                connection.begin()  # as Connection.execute would, so the "begin" event runs
        sql, bound = self._for(connection.dialect).bound(params or {})
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bound)
            return cursor.fetchall()  # type: ignore[no-any-return]
        finally:
            cursor.close()


@dataclass(frozen=True, slots=True)
class _CompiledRead:
    sql: str
    names: tuple[str, ...] | None  # the parameters' order for a positional driver (SQLite); None: by name
    defaults: dict[str, Any]  # values the statement carries itself (a literal in a comparison)
    required: frozenset[str]  # the names of its bindparam()s, which every call must give
    processors: dict[str, Callable[[Any], Any]]  # the column types' conversions, by parameter name

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
