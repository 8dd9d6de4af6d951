"""The declarative base, column types shared by every domain, and the engine with its sessions."""

from __future__ import annotations

import asyncio
import enum
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

from anyio import to_thread
from sqlalchemy import DateTime, Enum, MetaData, create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import Insert
from sqlalchemy.types import TypeDecorator

from app.perf.driver import DriverWrite
from app.perf.versioned import SCOPED_VERSION, STAMPED_VERSION

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Every id and version column is INTEGER (migrations/versions/0001): 4 bytes on PostgreSQL, the smaller
# of the two databases' limits, so a number past it names no row on either.
MAX_INTEGER = 2**31 - 1


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


@contextmanager
def postgres_planner(session: Session, **settings: str) -> Iterator[None]:
    """Planner settings (`enable_bitmapscan="off"`, ...) for the reads inside, on PostgreSQL only.

    For the few reads whose plan PostgreSQL's estimates get wrong, and where the right one is known:
    set for this transaction (SET LOCAL), and put back as they were when the block ends.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    # One statement each way, on the driver's cursor: a search makes this change on every request.
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    names = list(settings)
    try:
        cursor.execute(f"SELECT {', '.join(['current_setting(%s)'] * len(names))}", names)
        previous = cursor.fetchone()
        _set_locally(cursor, settings)
        yield  # if the block raises, its transaction is rolled back, and set_config's changes with it
        _set_locally(cursor, dict(zip(names, previous, strict=True)))
    finally:
        cursor.close()


def _set_locally(cursor: Any, settings: dict[str, str]) -> None:
    """SET LOCAL each setting, in one statement."""
    cursor.execute(f"SELECT {', '.join(['set_config(%s, %s, true)'] * len(settings))}", list(chain(*settings.items())))


_NEW_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")


# A save's inserts: a few rows, each with every column given. On the driver's cursor they cost a fifth of
# SQLAlchemy's execute path; an import's thousands of rows keep to Core's executemany.
_FEW_ROWS = 20
_ON_DRIVER: dict[tuple[Insert, tuple[str, ...]], DriverWrite] = {}
_ON_DRIVER_LOCK = threading.Lock()


def _on_driver(insert: Insert, columns: tuple[str, ...]) -> DriverWrite:
    """The insert on the driver's cursor for rows giving these columns, compiled once."""
    key = (insert, columns)
    found = _ON_DRIVER.get(key)
    if found is None:
        with _ON_DRIVER_LOCK:
            found = _ON_DRIVER.setdefault(key, DriverWrite(insert, columns=columns))
    return found


def insert_rows(connection: Connection, insert: Insert, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (each giving every column, its defaults included): a few that give the same columns on
    the driver's cursor, others as Core's executemany (which refuses rows that don't)."""
    if not rows:
        return
    if len(rows) <= _FEW_ROWS and all(row.keys() == rows[0].keys() for row in rows[1:]):
        _on_driver(insert, tuple(rows[0])).executemany(connection, rows)
    else:
        connection.execute(insert, list(rows))


def insert_many_returning_ids(connection: Connection, insert: Insert, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows into a table with a serial `id`; their ids, in the order given.

    `insert` is the table's INSERT with `RETURNING id` sorted by parameter order. On PostgreSQL, many
    rows take their ids from the table's sequence and go in as an executemany without RETURNING: psycopg
    parses SQLAlchemy's thousand-row RETURNING statement again on every call, in Python (bench/README.md,
    "Where an import's time goes"). One row, a save's, goes on the driver's cursor with its RETURNING.
    """
    if not rows:
        return []
    if len(rows) == 1:
        return [row[0] for row in _on_driver(insert, tuple(rows[0])).execute(connection, rows[0])]
    if connection.dialect.name != "postgresql":
        return list(connection.execute(insert, list(rows)).scalars())
    table = insert.table.name
    ids = sorted(connection.execute(_NEW_IDS, {"table": table, "count": len(rows)}).scalars())
    plain = insert.table.insert()
    connection.execute(plain, [row | {"id": id_} for row, id_ in zip(rows, ids, strict=True)])
    return ids


def sqlite_file(database_url: str) -> Path | None:
    """The absolute path of a SQLite database's file (None for PostgreSQL or an in-memory database)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def describe_database(database_url: str) -> str:
    """The database as a person can find it, for messages: a SQLite file's absolute path, or a server's URL
    without its password."""
    file = sqlite_file(database_url)
    if file is not None:
        return f"SQLite file {file}"
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return "in-memory SQLite database"
    return f"PostgreSQL database {url.render_as_string(hide_password=True)}"


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
    """One engine and its two kinds of session: reads, and units of work that commit once at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(iw_write=True), expire_on_commit=False)
        # SQLite lets one writer in at a time, and its busy handler is not a queue: with twenty
        # threads polling for the lock, one can starve past the busy timeout and fail. So a
        # process's writers queue first and meet SQLite's lock one by one: on this lock in
        # `write`, and on the event loop in `unit_of_work`.
        self._write_turn = threading.Lock() if engine.dialect.name == "sqlite" else None
        self._turns: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @classmethod
    def from_url(cls, database_url: str, **kwargs: Any) -> Database:
        return cls(make_engine(database_url, **kwargs))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def read_session(self) -> Session:
        """A session for reading; close it when done."""
        return self._read()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[Session]:
        """A unit of work for code on the event loop (a request's): commits once at the end, rolls back if it raises.

        The unit waits for its turn on the event loop, holding no thread and no connection: a
        request's unit spans several thread hops (its dependencies, its route), so a thread that
        blocked on a lock would be one fewer for the request that holds it.

        On SQLite the unit begins with its first statement, in the thread that sends it (BEGIN
        IMMEDIATE, `_prepare_sqlite`), and a route that commits its own work at its end (`session.commit()`
        as its last step) leaves nothing to send: the unit then closes in place. Each saves a thread
        hop, which cost a save about as much CPU as its reads of the store. On a server, the unit
        takes its turn (an advisory lock) and commits in threads of their own, as round trips.
        """
        async with self._turn():
            lazy = self._write_turn is not None
            session = self._open_unit() if lazy else await to_thread.run_sync(self._begin_unit)
            try:
                yield session
            except BaseException:
                await to_thread.run_sync(_finish_unit, session, False)
                raise
            if lazy and not session.in_transaction():
                session.close()  # committed by the route; SQLite's connection goes back to the pool unasked
            else:
                await to_thread.run_sync(_finish_unit, session, True)

    def _turn(self) -> asyncio.Lock:
        """This process's queue of units of work, on the running event loop."""
        loop = asyncio.get_running_loop()
        if self._turns is None or self._turns[0] is not loop:
            self._turns = (loop, asyncio.Lock())
        return self._turns[1]

    def _open_unit(self) -> Session:
        """A unit's session, begun: no I/O until its first statement checks a connection out."""
        session = self._write()
        session.begin()
        return session

    def _begin_unit(self) -> Session:
        """A server's unit, its turn taken: the advisory lock, before the route reads anything."""
        session = self._open_unit()
        session.execute(_TAKE_WRITE_TURN, {"key": WRITE_TURN_KEY})
        return session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A unit of work: writers take turns, and it commits when the block ends or rolls back if it raises.

        Taking turns first means a writer checks what it is about to write against a store nobody
        else is changing: BEGIN IMMEDIATE on SQLite, a transaction-scoped advisory lock on PostgreSQL.
        """
        if self._write_turn is None:
            with self._write() as session, session.begin():
                session.execute(_TAKE_WRITE_TURN, {"key": WRITE_TURN_KEY})
                yield session
            return
        with self._write_turn, self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


# PostgreSQL: every unit of work holds this lock until it commits or rolls back, as SQLite's one writer does.
WRITE_TURN_KEY = 0x1A7E_C0DE
_TAKE_WRITE_TURN = text("SELECT pg_advisory_xact_lock(:key)")


def _finish_unit(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def release(session: Session) -> None:
    """End a read session's transaction so its connection goes back to the pool; what it loaded stays usable.

    A request's unit of work calls this first (app.deps.write_session): the request then holds one
    connection at a time, so a burst of writers can't exhaust the pool while they wait their turn.
    """
    session.commit()  # nothing to commit; read sessions keep their objects (expire_on_commit=False)
    session.info.pop(STAMPED_VERSION, None)  # the next read may see a newer version
    session.info.pop(SCOPED_VERSION, None)
