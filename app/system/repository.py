"""Queries on the app_state row, and row counts."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from app.db import Base, utcnow
from app.perf.driver import DriverRead
from app.perf.versioned import STAMPED_VERSION
from app.system.models import STATE_ID, AppState


@dataclass(frozen=True, slots=True)
class DataStamp:
    """What the whole store's freshness is judged by."""

    version: int
    changed_at: datetime


# Every page reads this first, so it goes to the driver's cursor, in the session's transaction
# (app.db.DriverRead): SQLAlchemy's execute path costs more than the query. The one value a type
# would convert is the timestamp, done here as UTCDateTime would (SQLite keeps it as text,
# PostgreSQL returns it timezone-aware).
_STAMP = DriverRead(select(AppState.data_version, AppState.changed_at).where(AppState.id == STATE_ID))


def _utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def data_stamp(session: Session) -> DataStamp:
    """The data version and when it last changed: what ETag and Last-Modified are made of."""
    [(version, changed_at)] = _STAMP.fetchall(session)
    session.info[STAMPED_VERSION] = version  # what per_data_version keys this transaction's reads by
    return DataStamp(version, _utc(changed_at))


def data_version(session: Session) -> int:
    """The data version alone, through SQLAlchemy's execute path (statement events see it: /healthz's test)."""
    return session.execute(select(AppState.data_version).where(AppState.id == STATE_ID)).scalar_one()


_BUMP = (
    update(AppState)
    .where(AppState.id == STATE_ID)
    .values(data_version=AppState.data_version + 1, changed_at=bindparam("changed_at"))
    .returning(AppState.data_version)
)


def begin_data_change(session: Session) -> int:
    """Bump the data version in a unit of work that changes what pages show (writers already take turns)."""
    # A Core statement on the session's connection: the ORM-enabled form costs several times more.
    return session.connection().execute(_BUMP, {"changed_at": utcnow()}).scalar_one()


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
