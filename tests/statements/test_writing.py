"""Writing statements: stored scores follow every change, and revisions keep every version."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text

from app.actors import repository as actors_repository
from app.db import Database
from app.errors import Refused, VersionConflict
from app.revisions import repository as revisions_repository
from app.stances.models import StanceScore
from app.statements import checking, repository, writing
from app.statements.models import StatementStatus
from app.statements.records import statement_record
from app.system import repository as system_repository
from tests.support import (
    add_statement,
    assert_scores_match_rebuild,
    edit_statement,
    record,
    record_values,
    snapshot_tables,
)


def _poland_months(database: Database) -> dict[date, tuple[float, str, int]]:
    with database.read_session() as session:
        rows = session.execute(
            select(StanceScore).where(
                StanceScore.country_id == select_country(session, "PL"), StanceScore.topic_id == 1
            )
        ).scalars()
        return {row.month: (row.score, row.band, row.counted) for row in rows}


def select_country(session, code: str) -> int:  # type: ignore[no-untyped-def]
    from app.countries.repository import get_by_code

    country = get_by_code(session, code)
    assert country is not None
    return country.id


def test_an_insert_updates_stored_scores(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        version_before = system_repository.data_stamp(session).version
        statement, created = add_statement(session, record(), via="test")
    assert created and statement.version == 1
    months = _poland_months(seeded_db)
    assert date(2024, 10, 1) in months and months[date(2024, 10, 1)][2] == 3
    assert_scores_match_rebuild(seeded_db)
    with seeded_db.read_session() as session:
        assert system_repository.data_stamp(session).version > version_before


def test_a_back_dated_insert_changes_every_later_month(seeded_db: Database) -> None:
    before = _poland_months(seeded_db)
    # An opposed statement from a new Polish official in August 2024 moves September too.
    backdated = record(
        actor="A Polish Deputy Minister", office="Deputy Minister of Defence", said_on="2024-08-20", stance=-2
    )
    with seeded_db.write() as session:
        add_statement(session, backdated, via="test")
    after = _poland_months(seeded_db)
    assert date(2024, 8, 1) in after and date(2024, 8, 1) not in before
    assert after[date(2024, 9, 1)][0] < before[date(2024, 9, 1)][0]
    assert after[date(2024, 7, 1)] == before[date(2024, 7, 1)]
    assert_scores_match_rebuild(seeded_db)


def test_back_dated_inserts_into_months_with_and_without_rows_keep_scores_equal_to_a_rebuild(
    seeded_db: Database,
) -> None:
    """Each insert below folds into the stored rows from its month on, and must agree with the rule run from scratch."""
    inserts = [
        record(said_on="2024-07-20", stance=-1),  # into a month that has its row
        record(
            actor="Donald Tusk", office="Prime Minister", said_on="2024-06-02", stance=-2
        ),  # Tusk's July statement still supersedes it there
        record(actor="A Polish Deputy Minister", office="Deputy Minister of Defence", said_on="2023-03-15", stance=2),
        record(actor="A Polish Deputy Minister", office="Deputy Minister of Defence", said_on="2023-02-01", stance=-2),
        record(said_on="2024-09-30", stance=0, condition="only with a NATO decision"),
    ]
    for item in inserts:
        with seeded_db.write() as session:
            add_statement(session, item, via="test")
        assert_scores_match_rebuild(seeded_db)
    months = _poland_months(seeded_db)
    assert date(2023, 2, 1) in months and date(2023, 3, 1) in months and date(2024, 6, 1) in months


def test_an_edit_updates_stored_scores_and_writes_a_revision(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        statement, _ = add_statement(session, record(), via="test")
    with seeded_db.write() as session:
        edited = edit_statement(
            session,
            statement.id,
            record(stance=-2, said_on="2024-07-20"),
            expected_version=1,
            via="test",
        )
    assert edited.version == 2 and edited.stance == -2
    months = _poland_months(seeded_db)
    assert date(2024, 10, 1) not in months  # the statement moved out of October
    assert_scores_match_rebuild(seeded_db)
    with seeded_db.read_session() as session:
        revisions = revisions_repository.for_statement(session, statement.id)
    assert [(r.version, r.action.value) for r in revisions] == [(1, "create"), (2, "edit")]
    assert json.loads(revisions[1].before)["stance"] == 2 and json.loads(revisions[1].after)["stance"] == -2


def test_a_retraction_takes_the_statement_out_of_scores(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        tusk = session.execute(
            select(repository.Statement).where(repository.Statement.said_on == date(2024, 7, 8))
        ).scalar_one()
    before = _poland_months(seeded_db)
    with seeded_db.write() as session:
        retracted = writing.retract(
            session=session, statement_id=tusk.id, reason="Source misread", expected_version=1, via="test"
        )
    assert retracted.status == StatementStatus.RETRACTED and retracted.retraction_reason == "Source misread"
    after = _poland_months(seeded_db)
    assert after[date(2024, 7, 1)][2] == before[date(2024, 7, 1)][2] - 1
    assert_scores_match_rebuild(seeded_db)
    with seeded_db.write() as session, pytest.raises(writing.AlreadyRetracted):
        writing.retract(session=session, statement_id=tusk.id, reason="Again", expected_version=2, via="test")


def test_a_stale_version_is_a_conflict_and_writes_nothing(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        statement, _ = add_statement(session, record(), via="test")
        edit_statement(session, statement.id, record(stance=1), expected_version=1, via="test")
    before = snapshot_tables(seeded_db)
    with pytest.raises(VersionConflict) as conflict, seeded_db.write() as session:
        edit_statement(session, statement.id, record(stance=0), expected_version=1, via="test")
    assert conflict.value.current_version == 2 and conflict.value.current_record["stance"] == 1
    assert snapshot_tables(seeded_db) == before


def test_replaying_revisions_rebuilds_the_current_state(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        statement, _ = add_statement(session, record(), via="test")
        edit_statement(
            session,
            statement.id,
            record(stance=1, condition="only with allies"),
            expected_version=1,
            via="test",
        )
        edit_statement(
            session,
            statement.id,
            record(stance=1, condition="only with allies", quote="Revised quote."),
            expected_version=2,
            via="test",
        )
        writing.retract(session=session, statement_id=statement.id, reason="Duplicate", expected_version=3, via="test")
    with seeded_db.read_session() as session:
        revisions = revisions_repository.for_statement(session, statement.id)
        current = statement_record(repository.get_full(session, statement.id))  # type: ignore[arg-type]
    state = None
    for revision in revisions:
        assert (json.loads(revision.before) if revision.before else None) == state
        state = json.loads(revision.after)
    assert state == current and current["status"] == "retracted"


def test_restoring_a_revision_is_itself_a_revision(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        statement, _ = add_statement(session, record(), via="test")
        edit_statement(session, statement.id, record(stance=-1), expected_version=1, via="test")
    with seeded_db.write() as session:
        restored = writing.restore(
            session=session, statement_id=statement.id, version=1, expected_version=2, via="test"
        )
    assert restored.version == 3 and restored.stance == 2
    with seeded_db.read_session() as session:
        actions = [r.action.value for r in revisions_repository.for_statement(session, statement.id)]
    assert actions == ["create", "edit", "restore"]
    assert_scores_match_rebuild(seeded_db)


def test_a_repeated_submission_key_stores_one_statement(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        first, created = add_statement(session, record(), via="test", submission_key="k" * 32)
    with seeded_db.write() as session:
        again, created_again = add_statement(session, record(), via="test", submission_key="k" * 32)
    assert created and not created_again and again.id == first.id


def test_a_record_naming_an_unknown_topic_is_refused(seeded_db: Database) -> None:
    before = snapshot_tables(seeded_db)
    with pytest.raises(Refused) as refused, seeded_db.write() as session:
        add_statement(session, {**record().model_dump(mode="json"), "topic": "moon-base"})
    assert refused.value.errors[0].field == "topic"
    assert snapshot_tables(seeded_db) == before


def _data_version(database: Database) -> int:
    with database.read_session() as session:
        return session.execute(text("SELECT data_version FROM app_state")).scalar_one()


def test_a_checked_record_is_saved_once_and_moves_the_data_version_once(seeded_db: Database) -> None:
    version = _data_version(seeded_db)
    with seeded_db.write() as session:
        checked = checking.check(session=session, values=record_values())
        assert checked.ready and checked.prepared is not None
        card = writing.create(session=session, prepared=checked.prepared, via="test")
    assert card.quote == "A test quote that the seed data does not contain." and card.actor.name == "Radosław Sikorski"
    assert _data_version(seeded_db) == version + 1
    assert_scores_match_rebuild(seeded_db)
    with seeded_db.read_session() as session:
        assert repository.cards(session, [card.id]) == [card]  # made from the values written, it is what is stored


def test_the_record_is_resolved_once_per_save(seeded_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check's resolution is the one saved: the actor index is read once, not again to save."""
    alias_reads: list[list[str]] = []
    real = actors_repository.alias_index

    def counted(session: Any, keys: Any = None) -> Any:
        alias_reads.append(sorted(keys or []))
        return real(session, keys)

    monkeypatch.setattr(actors_repository, "alias_index", counted)
    with seeded_db.write() as session:
        writing.add(session=session, values=record_values(), via="test")
    assert len(alias_reads) == 1, alias_reads


def test_a_repeated_submission_key_answers_with_the_first_statement(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        first = writing.add(session=session, values=record_values(), via="test", submission_key="again")
    before = snapshot_tables(seeded_db)
    with seeded_db.write() as session:
        again = writing.add(
            session=session, values=record_values(quote="Sent twice, changed."), via="test", submission_key="again"
        )
    assert first.created and not again.created and again.statement.id == first.statement.id
    assert snapshot_tables(seeded_db) == before
