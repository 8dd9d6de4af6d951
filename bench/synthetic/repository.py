"""Every query the synthetic loader makes: inspecting a target, marking it, and the bulk path that fills it.

A synthetic database says what it is in a table of its own, `bench_synthetic`, made by the loader
and unknown to the app's models and migrations: one row with the size, seed and generator version.

The bulk path writes in one transaction on one connection. On SQLite it uses executemany on the
raw connection, with the full-text insert trigger dropped during the load and the index filled
once at the end (`app.statements.search.rebuild_sqlite`, the same keys the trigger writes); on
PostgreSQL it uses COPY, with the statement table's secondary indexes (the full-text GIN index
among them) dropped during the load and rebuilt once. Either way each dropped object is recreated
from the exact SQL the database reported for it, so the schema ends as the migrations made it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    Table,
    create_engine,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.actors.models import Actor, Office
from app.sources.models import Source
from app.statements import search
from app.statements.models import Statement

FTS_INSERT_TRIGGER = "statement_fts_after_insert"
SQLITE_LOAD_CACHE_KIB = 262_144  # 256 MiB of page cache for the load connection only
ID_TABLES = {"actor": Actor, "office": Office, "source": Source, "statement": Statement}

MARKER_TABLE = Table(
    "bench_synthetic",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("statements", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("actors", Integer, nullable=False),
    Column("generator_version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True, slots=True)
class Marker:
    """How a synthetic database was made: what `bench_synthetic` holds."""

    statements: int
    seed: int
    actors: int
    generator_version: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TargetState:
    """What a database holds, read without writing anything."""

    exists: bool
    migrated: bool
    statements: int
    marker: Marker | None
    # Made before the marker table, when the app's schema had app_state.synthetic: replaceable, never reused.
    legacy_synthetic: bool = False

    @property
    def synthetic(self) -> bool:
        return self.marker is not None or self.legacy_synthetic


def inspect_target(database_url: str) -> TargetState:
    """Look at a database read-only: a missing SQLite file is not created, a missing table is not an error."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or not Path(url.database).exists():
            return TargetState(False, False, 0, None)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if not {"statement", "app_state"} <= tables:
                return TargetState(True, False, 0, None)
            statements = connection.execute(text("SELECT count(*) FROM statement")).scalar_one()
            if MARKER_TABLE.name in tables:
                return TargetState(True, True, statements, read_marker(connection))
            legacy = "synthetic" in {column["name"] for column in inspect(connection).get_columns("app_state")}
            flagged = legacy and bool(connection.execute(text("SELECT synthetic FROM app_state")).scalar())
            return TargetState(True, True, statements, None, legacy_synthetic=flagged)
    except OperationalError as error:
        raise ConnectionError(str(error.orig).strip()) from None
    finally:
        engine.dispose()


def read_marker(connection: Connection) -> Marker | None:
    """The marker row of a database that has the table."""
    row = connection.execute(select(MARKER_TABLE).where(MARKER_TABLE.c.id == 1)).first()
    if row is None:
        return None
    created_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return Marker(row.statements, row.seed, row.actors, row.generator_version, created_at)


def mark_synthetic(connection: Connection, marker: Marker) -> None:
    """Create the marker table and its one row, in the load's transaction."""
    MARKER_TABLE.create(connection)
    connection.execute(
        insert(MARKER_TABLE).values(
            id=1,
            statements=marker.statements,
            seed=marker.seed,
            actors=marker.actors,
            generator_version=marker.generator_version,
            created_at=marker.created_at,
        )
    )


def remove_sqlite_file(database_url: str) -> None:
    """Delete a SQLite database file and its WAL companions."""
    path = Path(make_url(database_url).database or "")
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def drop_postgres_schema(database_url: str) -> None:
    """Empty a PostgreSQL database: drop and recreate its public schema."""
    engine = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def next_ids(session: Session) -> dict[str, int]:
    """The first free id of each table the loader gives ids to itself."""
    return {
        name: (session.execute(select(func.max(model.id))).scalar_one() or 0) + 1 for name, model in ID_TABLES.items()
    }


def actor_slugs(session: Session) -> set[str]:
    return set(session.execute(select(Actor.slug)).scalars())


def _sqlite_datetime(value: datetime) -> str:
    """A timestamp as SQLAlchemy stores it on SQLite: naive UTC with microseconds."""
    text = value.replace(tzinfo=None).isoformat(sep=" ")
    return text if len(text) > 19 else text + ".000000"


def _converter(value: Any) -> Callable[[Any], Any] | None:
    if isinstance(value, bool):
        return int
    if isinstance(value, datetime):
        return _sqlite_datetime
    if isinstance(value, date):
        return date.isoformat
    return None


def _sqlite_rows(rows: Sequence[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Rows as SQLAlchemy stores them on SQLite (ISO dates, 0/1 booleans); each column holds one type or None."""
    if not rows:
        return
    width = len(rows[0])
    found: dict[int, Callable[[Any], Any] | None] = {}
    for row in rows:  # a column's type is that of its first value that is not None
        for index in range(width):
            if index not in found and row[index] is not None:
                found[index] = _converter(row[index])
        if len(found) == width:
            break
    converters = [(index, convert) for index, convert in found.items() if convert is not None]
    for row in rows:
        converted = list(row)
        for index, convert in converters:
            value = converted[index]
            if value is not None:
                converted[index] = convert(value)
        yield converted


class BulkLoad:
    """Raw bulk inserts and an ORM session sharing one connection and one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.raw: Any = connection.connection.driver_connection
        self.session = Session(bind=connection)

    def begin(self) -> None:
        self.transaction = self.connection.begin()

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def suspend_statement_indexing(self) -> None:
        """Stop maintaining what a bulk load is better off building once at the end."""

    def resume_statement_indexing(self) -> None:
        """Build what `suspend_statement_indexing` stopped, from the exact SQL it was made with."""

    def finish(self) -> None:
        """Anything the database needs after the rows are in, inside the transaction."""

    def commit(self) -> None:
        self.session.flush()
        self.transaction.commit()
        self.session.close()

    def after_commit(self) -> None:
        """Anything that must run outside the transaction."""


class SqliteBulkLoad(BulkLoad):
    def begin(self) -> None:
        # A fresh bulk load needs no WAL: a rollback journal of the few pre-existing pages is enough.
        for pragma in ("journal_mode = DELETE", "synchronous = OFF", f"cache_size = -{SQLITE_LOAD_CACHE_KIB}"):
            self.raw.execute(f"PRAGMA {pragma}")
        super().begin()

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.raw.executemany(sql, _sqlite_rows(rows))

    def suspend_statement_indexing(self) -> None:
        self.trigger_sql = self.raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (FTS_INSERT_TRIGGER,)
        ).fetchone()[0]
        self.raw.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")

    def resume_statement_indexing(self) -> None:
        search.rebuild_sqlite(self.connection)
        self.raw.execute(self.trigger_sql)

    def after_commit(self) -> None:
        self.raw.execute("PRAGMA journal_mode = WAL")


class PostgresBulkLoad(BulkLoad):
    def begin(self) -> None:
        super().begin()
        self.connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def suspend_statement_indexing(self) -> None:
        # Secondary indexes only: those backing the primary key and unique constraints stay.
        self.index_sql = [
            row[1]
            for row in self.connection.exec_driver_sql(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.schemaname = current_schema() AND i.tablename = 'statement'
                     AND NOT EXISTS (
                       SELECT 1 FROM pg_constraint c
                       WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
                   ORDER BY i.indexname"""
            )
        ]
        names = [sql.split(" INDEX ", 1)[1].split(" ON ", 1)[0] for sql in self.index_sql]
        for name in names:
            self.connection.exec_driver_sql(f"DROP INDEX {name}")

    def resume_statement_indexing(self) -> None:
        for sql in self.index_sql:
            self.connection.exec_driver_sql(sql)

    def finish(self) -> None:
        # Rows came with their own ids; move each sequence past them so later inserts don't collide.
        for table in ID_TABLES:
            self.connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            )

    def after_commit(self) -> None:
        # What autovacuum would do soon anyway, and a benchmark should not wait for: gather statistics,
        # and mark the freshly loaded pages all-visible, without which PostgreSQL reads the table's rows
        # for a count an index alone answers (the listing indexes' index-only scans).
        self.connection.commit()
        self.connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE)")


def bulk_load(connection: Connection) -> BulkLoad:
    """The bulk path for the connection's database."""
    return SqliteBulkLoad(connection) if connection.dialect.name == "sqlite" else PostgresBulkLoad(connection)
