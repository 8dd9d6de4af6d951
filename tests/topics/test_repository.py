"""Reads of the topics: the menu's plain choices, kept while the data version stays."""

from __future__ import annotations

from sqlalchemy import inspect

from app.db import Database
from app.system import repository as system_repository
from app.topics import repository
from app.topics import service as topics_service
from app.topics.repository import TopicChoice


def _choices(database: Database) -> tuple[TopicChoice, ...]:
    """The choices as a page gets them: in a read that took the data stamp first."""
    with database.read_session() as session:
        system_repository.data_stamp(session)
        return repository.choices(session)


def test_the_choices_are_every_topic_in_menu_order(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        stored = [(t.id, t.slug, t.title, t.question, t.is_context) for t in repository.all_topics(session)]
    choices = _choices(seeded_db)
    assert [(c.id, c.slug, c.title, c.question, c.is_context) for c in choices] == stored
    assert len(choices) == 4 and any(c.is_context for c in choices)


def test_the_choices_are_read_once_per_data_version_and_a_new_topic_shows_at_once(seeded_db: Database) -> None:
    first = _choices(seeded_db)
    assert _choices(seeded_db) is first  # kept: the same version reads nothing again
    with seeded_db.write() as session:
        topics_service.add_topic(
            session=session, slug="air-policing", title="Air policing", question="Who polices the sky?"
        )
    after = _choices(seeded_db)
    assert after is not first and [c.slug for c in after][-1] == "air-policing"
    with seeded_db.write() as session:
        topics_service.reword_topic(
            session=session, slug="air-policing", title="Air policing, reworded", question="Who polices it?"
        )
    assert [c.title for c in _choices(seeded_db)][-1] == "Air policing, reworded"


def test_topic_copies_are_every_stored_topic_by_slug(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        copies = repository.copies_by_slug(session)
        stored = repository.by_slug(session)
    columns = ("id", "slug", "title", "question", "is_context", "position", "created_at", "updated_at")
    assert copies.keys() == stored.keys() and len(copies) == 4
    for slug, copy in copies.items():
        assert inspect(copy).transient
        assert [getattr(copy, name) for name in columns] == [getattr(stored[slug], name) for name in columns]
