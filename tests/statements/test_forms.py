"""app/statements/forms.py: saving a new statement's form checks it once, inside the write transaction that saves it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text

from app.db import Database
from app.statements import forms, repository, rules, service
from app.statements.schemas import StatementForm
from tests.support import assert_scores_match_rebuild, form_fields, make_user, record, record_values, snapshot_tables


def _state(**overrides: Any) -> forms.FormState:
    return forms.from_form(StatementForm(**form_fields(record_values(**overrides))))


def _editor_id(database: Database) -> int:
    return make_user(database, "editor@example.org", "editor")


def _save(database: Database, user_id: int, key: str | None = None, **overrides: Any) -> forms.Saved | forms.Review:
    return forms.save_new(
        database=database,
        state=_state(**overrides),
        submission_key=key,
        look_for_duplicates=True,
        user_id=user_id,
        via="form",
    )


def _data_version(database: Database) -> int:
    with database.read_session() as session:
        return session.execute(text("SELECT data_version FROM app_state")).scalar_one()


def test_a_good_form_is_saved_once_and_its_scores_are_stored(seeded_db: Database) -> None:
    user_id = _editor_id(seeded_db)
    version = _data_version(seeded_db)
    saved = _save(seeded_db, user_id, key=rules.submission_key(via="form", user_id=user_id, key="k1"))
    assert isinstance(saved, forms.Saved) and saved.created
    with seeded_db.read_session() as session:
        [card] = repository.cards(session, [saved.statement_id])
    assert card.quote == "A test quote that the seed data does not contain." and card.actor.name == "Radosław Sikorski"
    assert _data_version(seeded_db) == version + 1
    assert_scores_match_rebuild(seeded_db)


def test_the_record_is_resolved_once_per_save(seeded_db: Database) -> None:
    """The checks' resolution is the one saved: the actor index is read once, not again to save."""
    user_id = _editor_id(seeded_db)
    alias_reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM actor_alias" in statement:
            alias_reads.append(statement)

    event.listen(seeded_db.engine, "before_cursor_execute", count)
    try:
        saved = _save(seeded_db, user_id)
    finally:
        event.remove(seeded_db.engine, "before_cursor_execute", count)
    assert isinstance(saved, forms.Saved) and saved.created
    assert len(alias_reads) == 1, alias_reads


def test_a_form_to_show_again_writes_nothing_and_stays_readable(seeded_db: Database) -> None:
    user_id = _editor_id(seeded_db)
    with seeded_db.write() as session:
        service.create(
            session=session, record=record(quote="We are ready to shoot down drones over Ukraine."), via="test"
        )
    before = snapshot_tables(seeded_db)
    shown = _save(seeded_db, user_id, quote="We are ready to shoot down the drones over Ukraine!")
    assert isinstance(shown, forms.Review) and not shown.ready
    assert [card.quote for card in shown.duplicates] == ["We are ready to shoot down drones over Ukraine."]
    # The stored source it would reuse was loaded in the rolled-back transaction, and can still be shown.
    assert [source.url for source in shown.reused.values()] == ["https://example.org/news/1"]
    assert snapshot_tables(seeded_db) == before  # the data version too: the rollback undid its bump

    refused = _save(seeded_db, user_id, said_on="2031-01-01")
    assert isinstance(refused, forms.Review) and "said_on" in refused.errors
    assert snapshot_tables(seeded_db) == before


def test_a_repeated_submission_key_answers_with_the_first_statement(seeded_db: Database) -> None:
    user_id = _editor_id(seeded_db)
    key = rules.submission_key(via="form", user_id=user_id, key="again")
    first = _save(seeded_db, user_id, key=key)
    assert isinstance(first, forms.Saved) and first.created
    before = snapshot_tables(seeded_db)
    again = _save(seeded_db, user_id, key=key, quote="The same form, sent twice, with a changed quote.")
    assert again == forms.Saved(first.statement_id, created=False)
    assert snapshot_tables(seeded_db) == before
