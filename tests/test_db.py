"""app/db.py: values read once per data version, and forgotten when the version moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from app.db import Database, per_data_version, release
from app.stances import service as stances_service
from app.system import repository as system_repository
from app.topics import service as topics_service


def _loader(session: Any, calls: list[int]) -> Any:
    """Counts the topics, noting each time it actually reads."""
    def load() -> int:
        calls.append(1)
        return session.execute(text("SELECT count(*) FROM topic")).scalar_one()

    return load


def _stamped_read(database: Database, calls: list[int]) -> int:
    """The topic count as a page would get it: in a read that took the data stamp first."""
    with database.read_session() as session:
        system_repository.data_stamp(session)
        return per_data_version(session, "topic count", _loader(session, calls))  # type: ignore[no-any-return]


def test_a_value_is_read_once_while_the_version_stays(seeded_db: Database) -> None:
    calls: list[int] = []
    for _ in range(3):
        assert _stamped_read(seeded_db, calls) == 4
    assert len(calls) == 1


def test_a_write_that_bumps_the_version_is_seen_at_once(seeded_db: Database) -> None:
    calls: list[int] = []
    assert _stamped_read(seeded_db, calls) == 4
    with seeded_db.write() as session:  # adding a topic bumps the data version, as every visible change does
        topics_service.add_topic(session=session, slug="new-topic", title="New", question="A new question?")
    assert _stamped_read(seeded_db, calls) == 5
    assert len(calls) == 2


def test_without_a_data_stamp_or_after_release_the_value_is_always_read(seeded_db: Database) -> None:
    calls: list[int] = []
    with seeded_db.read_session() as session:
        per_data_version(session, "topic count", _loader(session, calls))
        per_data_version(session, "topic count", _loader(session, calls))
        assert len(calls) == 2  # no stamp read: nothing says which version these reads saw
        system_repository.data_stamp(session)
        per_data_version(session, "topic count", _loader(session, calls))
        release(session)  # the next transaction may see a newer version
        per_data_version(session, "topic count", _loader(session, calls))
    assert len(calls) == 4


def test_databases_keep_their_own_values(seeded_db: Database, empty_db: Database) -> None:
    with seeded_db.read_session() as session:
        system_repository.data_stamp(session)
        seeded = stances_service.country_refs(session)
    with empty_db.read_session() as session:
        system_repository.data_stamp(session)
        empty = stances_service.country_refs(session)
    assert len(seeded) == 34 and empty == ()
