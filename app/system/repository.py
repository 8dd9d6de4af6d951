"""Queries on the app_state row, and row counts."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.db import Base, utcnow
from app.perf.driver import DriverRead, DriverWrite
from app.perf.versioned import SCOPED_VERSION, STAMPED_VERSION
from app.system.models import STATE_ID, AppState, DataScope


@dataclass(frozen=True, slots=True)
class DataStamp:
    """What a page's freshness is judged by: the data version of the last write that changed what it shows."""

    version: int
    changed_at: datetime


# The scope every write touches that changes what every page shows (a topic added, an import).
EVERY_PAGE = "*"
# session.info key: the data version this unit of work's write set (begin_data_change).
WRITE_VERSION = "iw_write_version"

_base = DataScope.__table__.alias("base_scope")
_page = DataScope.__table__.alias("page_scope")

# Every page reads this first, so it goes to the driver's cursor, in the session's transaction
# (app.db.DriverRead): SQLAlchemy's execute path costs more than the query. The one value a type
# would convert is the timestamp, done here as UTCDateTime would (SQLite keeps it as text,
# PostgreSQL returns it timezone-aware).
_STAMP = DriverRead(select(AppState.data_version, AppState.changed_at).where(AppState.id == STATE_ID))
# A scoped page's stamp: the global version (for per_data_version) and the newer of its scope's and `*`'s.
_SCOPED_STAMP = DriverRead(
    select(
        AppState.data_version,
        AppState.changed_at,
        _base.c.version,
        _base.c.changed_at,
        _page.c.version,
        _page.c.changed_at,
    )
    .select_from(
        AppState.__table__.outerjoin(_base, _base.c.scope == EVERY_PAGE).outerjoin(
            _page, _page.c.scope == bindparam("scope")
        )
    )
    .where(AppState.id == STATE_ID)
)


def _utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def data_stamp(session: Session, scope: str | None = None) -> DataStamp:
    """The data version and when it last changed, of every page or of one scope's pages: what ETags are made of.

    Unscoped, any write moves it. A scope (`country:PL`, `topic:<slug>`, ...) moves only with the
    writes that touch it and those that touch every page (`*`).
    """
    if scope is None:
        [(version, changed_at)] = _STAMP.fetchall(session)
        session.info[STAMPED_VERSION] = version  # what per_data_version keys this transaction's reads by
        session.info.pop(SCOPED_VERSION, None)
        return DataStamp(version, _utc(changed_at))
    [(version, changed_at, base, base_at, own, own_at)] = _SCOPED_STAMP.fetchall(session, {"scope": scope})
    session.info[STAMPED_VERSION] = version
    if own is not None and (base is None or own > base):
        stamp = DataStamp(own, _utc(own_at))
    elif base is not None:
        stamp = DataStamp(base, _utc(base_at))
    else:
        stamp = DataStamp(version, _utc(changed_at))  # a store migrated without its `*` row: every write counts
    session.info[SCOPED_VERSION] = (scope, stamp.version)  # what per_page_version keys this page's reads by
    return stamp


_REVISION_AND_VERSION = text(
    f"SELECT (SELECT version_num FROM alembic_version), (SELECT data_version FROM app_state WHERE id = {STATE_ID})"
)


def revision_and_data_version(session: Session) -> tuple[str | None, int]:
    """The migration revision and the data version in one statement (/healthz); raises if a table is missing."""
    revision, version = session.execute(_REVISION_AND_VERSION).one()
    return revision, int(version)


def data_version(session: Session) -> int:
    """The data version alone, through SQLAlchemy's execute path (statement events see it: /healthz's test)."""
    return session.execute(select(AppState.data_version).where(AppState.id == STATE_ID)).scalar_one()


_BUMP = (
    update(AppState)
    .where(AppState.id == STATE_ID)
    .values(data_version=AppState.data_version + 1, changed_at=bindparam("changed_at"))
    .returning(AppState.data_version)
)


_BUMP_ON_DRIVER = DriverWrite(_BUMP)  # every save: about a fifth of the Core execute's cost


def begin_data_change(session: Session, *, scoped: bool = False) -> int:
    """Bump the data version in a unit of work that changes what pages show (writers already take turns).

    Unless `scoped`, every page's version moves with it; a scoped writer names what it changed
    afterwards, in the same unit of work (`mark_changed`).
    """
    # A Core statement on the session's connection: the ORM-enabled form costs several times more.
    now = utcnow()
    [(returned,)] = _BUMP_ON_DRIVER.execute(session, {"changed_at": now})
    version = int(returned)
    session.info[WRITE_VERSION] = (version, now)
    if not scoped:
        mark_changed(session, [EVERY_PAGE])
    return version


def _upsert(insert: Any) -> Any:
    statement = insert(DataScope)
    return statement.on_conflict_do_update(
        index_elements=[DataScope.scope],
        set_={"version": statement.excluded.version, "changed_at": statement.excluded.changed_at},
    )


# Built once and run on the driver's cursor: every save runs it, and SQLAlchemy's execute path cost
# several times the upsert.
_MARK = {
    dialect: DriverWrite(_upsert(insert), columns=("scope", "version", "changed_at"))
    for dialect, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}


def mark_changed(session: Session, scopes: Iterable[str]) -> None:
    """Move these scopes' pages to the version this unit of work's write began (begin_data_change)."""
    version, now = session.info[WRITE_VERSION]
    rows = [{"scope": scope, "version": version, "changed_at": now} for scope in sorted(set(scopes))]
    if rows:
        _MARK[session.get_bind().dialect.name].executemany(session, rows)


def ensure_secret(session: Session) -> str:
    """The database's signing secret, generated once; every worker reads the same one."""
    session.execute(
        update(AppState).where(AppState.id == STATE_ID, AppState.secret.is_(None)).values(secret=secrets.token_hex(32))
    )
    secret = session.execute(select(AppState.secret).where(AppState.id == STATE_ID)).scalar_one()
    assert secret is not None  # set just above when it was missing
    return secret


def count_rows(session: Session, *models: type[Base]) -> dict[str, int]:
    """Row counts by table name."""
    return {
        model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one() for model in models
    }


def row_counts(connection: Connection, tables: Sequence[Table]) -> dict[str, int]:
    """How many rows each table holds."""
    return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one() for table in tables}
