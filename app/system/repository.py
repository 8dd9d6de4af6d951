"""Queries on the app_state row."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from app.db import STAMPED_VERSION, utcnow
from app.system.models import STATE_ID, AppState


@dataclass(frozen=True, slots=True)
class DataStamp:
    """What the whole store's freshness is judged by, and whether it is synthetic."""

    version: int
    changed_at: datetime
    synthetic: bool
    synthetic_note: str | None


_STAMP = select(AppState.data_version, AppState.changed_at, AppState.synthetic, AppState.synthetic_note).where(
    AppState.id == STATE_ID
)


def data_stamp(session: Session) -> DataStamp:
    """The data version and when it last changed: what ETag and Last-Modified are made of."""
    # Every page reads this first: a plain Core read on the session's connection, no ORM processing.
    row = session.connection().execute(_STAMP).one()
    session.info[STAMPED_VERSION] = row.data_version  # what per_data_version keys this transaction's reads by
    return DataStamp(row.data_version, row.changed_at, row.synthetic, row.synthetic_note)


_BUMP = (
    update(AppState)
    .where(AppState.id == STATE_ID)
    .values(data_version=AppState.data_version + 1, changed_at=bindparam("changed_at"))
    .returning(AppState.data_version)
)


def begin_data_change(session: Session) -> int:
    """Bump the data version as the first write of a transaction that changes statements.

    On PostgreSQL the row lock this takes serialises every such transaction, as BEGIN IMMEDIATE
    does on SQLite, so stored scores are always recomputed from a settled set of statements.
    """
    # A Core statement on the session's connection: the ORM-enabled form costs several times more.
    return session.connection().execute(_BUMP, {"changed_at": utcnow()}).scalar_one()


def ensure_secret(session: Session) -> str:
    """The database's signing secret, generated once; every worker reads the same one."""
    session.execute(
        update(AppState)
        .where(AppState.id == STATE_ID, AppState.secret.is_(None))
        .values(secret=secrets.token_hex(32))
    )
    return session.execute(select(AppState.secret).where(AppState.id == STATE_ID)).scalar_one()


def mark_synthetic(session: Session, note: str) -> None:
    """Flag the whole database as synthetic benchmark data; every page then says so."""
    session.execute(
        update(AppState).where(AppState.id == STATE_ID).values(synthetic=True, synthetic_note=note)
    )


def count_rows(session: Session, *models: type) -> dict[str, int]:
    """Row counts by table name."""
    return {
        model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in models
    }
