"""Queries on the app_state row: the data stamp every page reads first, and the version bump."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.db import Database
from app.system import repository
from app.system.models import STATE_ID, AppState


def _stored(database: Database) -> tuple[int, datetime]:
    with database.read_session() as session:
        state = session.execute(select(AppState).where(AppState.id == STATE_ID)).scalar_one()
        return state.data_version, state.changed_at


def test_the_stamp_reads_the_row_as_the_orm_does(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        stamp = repository.data_stamp(session)
    assert (stamp.version, stamp.changed_at) == _stored(seeded_db)
    assert stamp.changed_at.tzinfo is UTC
    assert datetime.now(UTC) - stamp.changed_at < timedelta(days=1)


def test_a_bump_shows_in_the_next_stamp(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        before = repository.data_stamp(session)
    with seeded_db.write() as session:
        bumped = repository.begin_data_change(session)
    with seeded_db.read_session() as session:
        after = repository.data_stamp(session)
    assert after.version == bumped == before.version + 1
    assert after.changed_at >= before.changed_at and after.changed_at.tzinfo is UTC
    assert (after.version, after.changed_at) == _stored(seeded_db)
