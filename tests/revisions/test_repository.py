"""app/revisions/repository.py: a statement's revisions with their authors, as copies of the stored rows."""

from __future__ import annotations

from sqlalchemy import inspect, select

from app.accounts.models import User
from app.db import Database
from app.revisions import repository
from app.revisions.models import Revision, RevisionAction
from tests.support import add_statement, edit_statement, make_user, record


def _columns(row: object) -> list[object]:
    return [getattr(row, column.name) for column in type(row).__table__.c]  # type: ignore[attr-defined]


def test_revisions_and_their_authors_are_copies_of_the_stored_rows_oldest_first(seeded_db: Database) -> None:
    editor_id = make_user(seeded_db, "editor@example.org")
    with seeded_db.write() as session:
        card, created = add_statement(session, record(quote="First words, by the command line."), via="cli")
        assert created
    with seeded_db.write() as session:
        edit_statement(
            session,
            card.id,
            record(quote="Second words, by an editor."),
            expected_version=1,
            via="form",
            user_id=editor_id,
            note="a typo",
        )
    with seeded_db.read_session() as session:
        found = repository.for_statement_with_authors(session, card.id)
        stored = session.execute(
            select(Revision).where(Revision.statement_id == card.id).order_by(Revision.version)
        ).scalars()
        editor = session.get(User, editor_id)
        assert editor is not None
        expected = [(revision, editor if revision.user_id == editor_id else None) for revision in stored]
        assert [revision.version for revision, _ in found] == [1, 2]
        for (copy, author), (row, stored_author) in zip(found, expected, strict=True):
            assert inspect(copy).transient  # read only, never flushed
            assert _columns(copy) == _columns(row)
            if stored_author is None:
                assert author is None
            else:
                assert author is not None and inspect(author).transient
                assert _columns(author) == _columns(stored_author)
        (first, nobody), (second, author) = found
        assert nobody is None and first.via == "cli" and first.action is RevisionAction.CREATE
        assert author is not None and author.public_name == editor.public_name and author.role == editor.role
        assert second.action is RevisionAction.EDIT and second.note == "a typo"
        assert second.created_at.tzinfo is not None  # aware, as the ORM reads it
        assert repository.for_statement_with_authors(session, card.id + 1000) == []
