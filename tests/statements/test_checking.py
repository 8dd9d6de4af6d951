"""app/statements/checking.py: a record is checked against the rules and the store, and checking writes nothing."""

from __future__ import annotations

from app.db import Database
from app.statements import checking
from tests.support import add_statement, record, record_values, snapshot_tables


def test_a_check_that_finds_problems_writes_nothing_not_even_the_data_version(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        add_statement(session, record(quote="We are ready to shoot down drones over Ukraine."))
    before = snapshot_tables(seeded_db)
    with seeded_db.write() as session:
        duplicate = checking.check(
            session=session, values=record_values(quote="We are ready to shoot down the drones over Ukraine!")
        )
        refused = checking.check(session=session, values=record_values(said_on="2031-01-01"))
    assert not duplicate.ready and [c.quote for c in duplicate.duplicates] == [
        "We are ready to shoot down drones over Ukraine."
    ]
    assert [source.url for source in duplicate.reused_sources.values()] == ["https://example.org/news/1"]
    assert [error.field for error in refused.errors] == ["said_on"] and refused.prepared is None
    assert snapshot_tables(seeded_db) == before
