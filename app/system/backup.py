"""A consistent copy of the whole database while the app serves it, and putting one back.

SQLite is copied with its online backup API in one step: in WAL mode that reads one snapshot
and never blocks the writers. PostgreSQL is copied by `pg_dump` in its custom format (one
snapshot, in a repeatable-read transaction) and put back by `pg_restore`. Either way the copy
holds everything: users, sessions and tokens (hashed), revisions, stored scores and the signing
secret, not only the statements.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

import app.models  # noqa: F401  (every table, for the emptiness check)
from app.db import Base, describe_database, make_engine
from app.system import migrations, repository

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Where Debian and Ubuntu install PostgreSQL's client programs when they are not on PATH.
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


class NotEmpty(BackupError):
    """A restore into a database that holds data, without leave to replace it."""

    def __init__(self, database: str, rows: dict[str, int]) -> None:
        self.rows = rows
        held = ", ".join(f"{count} {table}" for table, count in rows.items())
        super().__init__(
            f"{database} is not empty ({held}); nothing was changed. "
            "Restore into an empty database, or pass --replace to overwrite everything in it with the backup."
        )


@dataclass(frozen=True, slots=True)
class Copied:
    """What a backup or restore did: which database, which file, how big."""

    database: str
    dialect: str
    file: Path
    size: int


def backup(*, database_url: str, file: Path) -> Copied:
    """Write a consistent copy of the whole database to `file` (replaced only once the copy is complete)."""
    url = make_url(database_url)
    if not file.parent.is_dir():
        raise BackupError(f"There is no folder {file.parent} to write the backup in.")
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _run([_program("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"], url)
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    return Copied(describe_database(database_url), url.get_backend_name(), file, file.stat().st_size)


def holdings(*, database_url: str) -> dict[str, int]:
    """Rows per table of the app's tables that hold any (empty when the database holds no data, or no schema)."""
    engine = make_engine(database_url)
    try:
        present = set(inspect(engine).get_table_names())
        tables = [table for table in Base.metadata.sorted_tables if table.name in present]
        with engine.connect() as connection:
            counts = repository.row_counts(connection, tables)
    finally:
        engine.dispose()
    return {table: count for table, count in counts.items() if count and table not in _bookkeeping()}


def _bookkeeping() -> set[str]:
    """The system's own tables (data versions, the secret's row): the migrations fill them, so they hold no data."""
    return {
        mapper.local_table.name  # type: ignore[attr-defined]
        for mapper in Base.registry.mappers
        if mapper.class_.__module__ == "app.system.models"
    }


def restore(*, database_url: str, file: Path, replace: bool = False) -> Copied:
    """Put a backup back, then migrate it to the newest schema; NotEmpty unless the database is empty or `replace`."""
    url = make_url(database_url)
    dialect = url.get_backend_name()
    _check_kind(file, dialect)
    if not replace:
        held = holdings(database_url=database_url)
        if held:
            raise NotEmpty(describe_database(database_url), held)
    if dialect == "sqlite":
        _sqlite_restore(file, _sqlite_path(url))
    else:
        command = [_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        _run([*command, "--single-transaction", "--exit-on-error", str(file)], url)
        # pg_restore brings no planner statistics and leaves no page marked all-visible: until autovacuum
        # came by, the listings' counts would read the table's rows as well as their indexes.
        _run([_program("vacuumdb"), "--analyze", "--quiet"], url)
    migrations.upgrade(database_url)
    return Copied(describe_database(database_url), dialect, file, file.stat().st_size)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database can't be backed up or restored; use a file.")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no SQLite database at {source}.")
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)  # all pages in one step: one read snapshot, so writers never restart it
    finally:
        writer.close()
        reader.close()


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        try:
            [(verdict,), *_] = source.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as error:
            verdict = str(error)
        if verdict != "ok":
            raise BackupError(f"{backup_file} is damaged ({verdict}); nothing was changed.")
        target.parent.mkdir(parents=True, exist_ok=True)
        writer = sqlite3.connect(target, timeout=30)
        try:
            source.backup(writer)  # page by page over whatever the target held, under its write lock
        finally:
            writer.close()
    finally:
        source.close()


def _check_kind(file: Path, dialect: str) -> None:
    if not file.is_file():
        raise BackupError(f"There is no backup file {file}.")
    with file.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if kind is None:
        raise BackupError(f"{file} is not a backup made by `intercept-watch backup`; nothing was changed.")
    if kind != dialect:
        raise BackupError(f"{file} is a {kind} backup and the database is {dialect}; nothing was changed.")


def _program(name: str) -> str:
    """PostgreSQL's client program: on PATH, or in the newest /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")), key=lambda p: int(p.parent.name), reverse=True)
    for folder in candidates:
        if (folder / name).is_file():
            return str(folder / name)
    raise BackupError(
        f"{name} is not installed; install PostgreSQL's client programs (apt-get install postgresql-client)."
    )


def _run(command: list[str], url: URL) -> None:
    """Run pg_dump, pg_restore or vacuumdb on the database; the password goes in the environment, not argv."""
    environment = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    program, *options = command
    done = subprocess.run(
        [program, f"--dbname={target}", *options], env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.returncode}")
