"""Backups taken while writers write, restored into an empty database, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.accounts import service as accounts_service
from app.db import Database
from app.interchange import service as interchange
from app.statements import writing
from app.system import backup as backups
from app.system import repository as system_repository
from tests.conftest import DatabaseFactory
from tests.support import (
    assert_scores_match_rebuild,
    edit_statement,
    make_user,
    record_values,
    snapshot_tables,
)

WRITERS = 10


def _export(database: Database, fmt: str = "json") -> str:
    with database.read_session() as session:
        out = io.StringIO()
        interchange.export(session=session, out=out, fmt=fmt)
        return out.getvalue()


def _rows(database: Database, sql: str) -> list[tuple[Any, ...]]:
    with database.read_session() as session:
        return [tuple(row) for row in session.execute(text(sql))]


REVISIONS = (
    "SELECT statement_id, version, action, user_id, via, note, created_at, before, after FROM revision ORDER BY id"
)
ACCOUNTS = "SELECT id, email, display_name, password_hash, role FROM app_user ORDER BY id"
TOKENS = "SELECT id, user_id, token_hash, prefix FROM api_token ORDER BY id"
SECRET = "SELECT secret FROM app_state"


class Writers:
    """Ten threads that each add a statement and correct it in one unit of work, until stopped."""

    def __init__(self, database: Database, user_id: int) -> None:
        self.database = database
        self.user_id = user_id
        self.stop = threading.Event()
        self.acknowledged: list[str] = []
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._write, args=(n,)) for n in range(WRITERS)]

    def _write(self, writer: int) -> None:
        serial = 0
        while not self.stop.is_set():
            serial += 1
            quote = f"Writer {writer} says {serial}."
            day = f"2024-{1 + serial % 12:02d}-{1 + writer:02d}"
            try:
                with self.database.write() as session:
                    added = writing.add(
                        session=session,
                        values=record_values(quote=quote, said_on=day, stance=serial % 5 - 2),
                        via="api",
                        user_id=self.user_id,
                    )
                    edit_statement(
                        session,
                        added.statement.id,
                        record_values(quote=quote, said_on=day, stance=(serial + 1) % 5 - 2),
                        expected_version=1,
                        user_id=self.user_id,
                        note="corrected at once",
                    )
            except BaseException as error:  # pragma: no cover - reported by the test
                self.errors.append(error)
                return
            with self.lock:
                self.acknowledged.append(quote)

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def _wait_for(writers: Writers, count: int) -> None:
    deadline = time.monotonic() + 60
    while writers.count() < count:
        assert not writers.errors, writers.errors
        assert time.monotonic() < deadline, f"only {writers.count()} writes in 60 s"
        time.sleep(0.01)


def test_a_backup_taken_while_ten_writers_write_restores_whole_and_consistent(
    seeded_url: str, empty_url: str, make_database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    live = make_database(seeded_url)
    user_id = make_user(live, "writer@example.org")
    with live.write() as session:
        user = accounts_service.get_user(session=session, user_id=user_id)
        accounts_service.rename_user(session=session, user=user, display_name="Night Shift")
        accounts_service.create_token(session=session, user=user, name="writers")
        system_repository.ensure_secret(session)
    file = tmp_path / "live.backup"
    with Writers(live, user_id) as writers:
        _wait_for(writers, 20)
        before = writers.count()
        backups.backup(database_url=seeded_url, file=file)
        after = writers.count()
        _wait_for(writers, after + 20)  # still writing once the backup is done
    assert not writers.errors, writers.errors

    copied = backups.restore(database_url=empty_url, file=file)
    assert copied.dialect == live.dialect
    restored = make_database(empty_url)
    exported = json.loads(_export(restored))
    quotes = {item["quote"] for item in exported["statements"]}
    taken = [quote for quote in writers.acknowledged if quote in quotes]
    # Everything acknowledged before the backup began is in it; nothing acknowledged after it ended.
    assert set(writers.acknowledged[:before]) <= quotes
    assert not quotes & set(writers.acknowledged[after:])
    # The copy is the live database as it stood at one moment: its statements, each with both revisions ...
    written = set(writers.acknowledged)
    live_statements = json.loads(_export(live))["statements"]
    assert exported["statements"] == [
        item for item in live_statements if item["quote"] not in written or item["quote"] in quotes
    ], "the restored export differs from the live one"
    ids = {statement_id for (statement_id,) in _rows(restored, "SELECT id FROM statement")}
    assert _rows(restored, REVISIONS) == [row for row in _rows(live, REVISIONS) if row[0] in ids]
    assert _rows(restored, "SELECT count(*) FROM revision WHERE note = 'corrected at once'") == [(len(taken),)]
    # ... its accounts, tokens and signing secret ...
    assert _rows(restored, ACCOUNTS) == _rows(live, ACCOUNTS)
    assert _rows(restored, TOKENS) == _rows(live, TOKENS)
    assert _rows(restored, SECRET) == _rows(live, SECRET) != [(None,)]
    # ... and stored scores that agree with its statements.
    assert_scores_match_rebuild(restored)


def test_restore_refuses_a_database_with_data_unless_told_to_replace_it(
    seeded_url: str, empty_url: str, make_database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    source = make_database(seeded_url)
    make_user(source, "kept@example.org")
    file = tmp_path / "seeded.backup"
    backups.backup(database_url=seeded_url, file=file)
    target = make_database(empty_url)
    make_user(target, "other@example.org")
    before = snapshot_tables(target)
    with pytest.raises(backups.NotEmpty) as refused:
        backups.restore(database_url=empty_url, file=file)
    assert refused.value.rows == {"app_user": 1}
    assert "is not empty (1 app_user)" in str(refused.value) and "--replace" in str(refused.value)
    assert snapshot_tables(target) == before
    target.dispose()
    backups.restore(database_url=empty_url, file=file, replace=True)
    assert snapshot_tables(target) == snapshot_tables(source)
    assert _export(target, "csv") == _export(source, "csv")


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(empty_url: str, tmp_path: Path) -> None:
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP" if empty_url.startswith("sqlite") else b"SQLite format 3\x00")
    with pytest.raises(backups.BackupError, match="backup and the database is"):
        backups.restore(database_url=empty_url, file=other)
    junk = tmp_path / "junk.backup"
    junk.write_text("hello")
    with pytest.raises(backups.BackupError, match="is not a backup made by"):
        backups.restore(database_url=empty_url, file=junk)


def test_a_backup_into_a_missing_folder_says_so(seeded_url: str, tmp_path: Path) -> None:
    with pytest.raises(backups.BackupError, match="There is no folder"):
        backups.backup(database_url=seeded_url, file=tmp_path / "absent" / "file.backup")
    assert not (tmp_path / "absent").exists()


def test_a_damaged_sqlite_backup_is_refused_before_anything_changes(
    factories: dict[str, DatabaseFactory], make_database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    seeded_url, empty_url = factories["sqlite"].create("seeded"), factories["sqlite"].create("empty")
    file = tmp_path / "seeded.backup"
    backups.backup(database_url=seeded_url, file=file)
    data = bytearray(file.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)  # overwrite the pages after the header
    file.write_bytes(bytes(data))
    target = make_database(empty_url)
    before = snapshot_tables(target)
    with pytest.raises(backups.BackupError, match="is damaged"):
        backups.restore(database_url=empty_url, file=file)
    assert snapshot_tables(target) == before


@pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)  # SQLite has no visibility map
def test_a_postgresql_restore_leaves_statistics_and_all_visible_pages(
    seeded_url: str, empty_url: str, make_database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "seeded.backup"
    backups.backup(database_url=seeded_url, file=file)
    backups.restore(database_url=empty_url, file=file)
    target = make_database(empty_url)
    [(visible, pages)] = _rows(target, "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'statement'")
    assert pages > 0 and visible == pages  # a count the listing index answers reads no table page
    [(analyzed,)] = _rows(target, "SELECT count(*) FROM pg_stats WHERE tablename = 'statement'")
    assert analyzed > 0  # the planner has the table's statistics
