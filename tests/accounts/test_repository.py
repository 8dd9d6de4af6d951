"""Queries on accounts: the live session a signed-in request reads, as copies of the stored rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, select, update

from app.accounts import repository, service
from app.accounts.models import User, UserSession
from app.db import Database, utcnow
from tests.support import make_user


def test_a_live_session_and_its_user_are_copies_of_the_stored_rows(seeded_db: Database) -> None:
    user_id = make_user(seeded_db, "reader@example.org")
    with seeded_db.write() as session:
        user = service.get_user(session=session, user_id=user_id)
        started = service.start_session(session=session, user=user, max_age=timedelta(days=1))
    session_id = started.record.id
    with seeded_db.read_session() as session:
        found = repository.live_session(session, session_id, utcnow())
        stored = session.execute(select(UserSession).where(UserSession.id == session_id)).scalar_one()
        stored_user = session.get(User, user_id)
        assert found is not None and stored_user is not None
        assert inspect(found).transient and inspect(found.user).transient  # read only, never flushed
        for copy, row in ((found, stored), (found.user, stored_user)):
            names = [column.name for column in type(row).__table__.c]  # type: ignore[attr-defined]
            assert [getattr(copy, name) for name in names] == [getattr(row, name) for name in names]
        assert found.user.role == stored_user.role and found.user.public_name == stored_user.public_name
        assert repository.live_session(session, session_id, utcnow() + timedelta(days=2)) is None  # expired
    with seeded_db.write() as session:
        session.execute(update(UserSession).where(UserSession.id == session_id).values(revoked_at=utcnow()))
    with seeded_db.read_session() as session:
        assert repository.live_session(session, session_id, utcnow()) is None
        assert repository.live_session(session, "no-such-session", utcnow()) is None
