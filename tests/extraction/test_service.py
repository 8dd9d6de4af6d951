"""Reading an article against the store: the actors on record, and statements already recorded."""

from __future__ import annotations

from datetime import date

import pytest

from app.db import Database
from app.extraction import service
from app.extraction.errors import ExtractionError
from tests.support import add_statement, record

TODAY = date(2026, 12, 1)
# A statement the seed records (Kosiniak-Kamysz, 10 July 2024), as a report of it might put it.
REPORT = (
    "Polish Defence Minister Władysław Kosiniak-Kamysz said on Wednesday that Poland would not shoot down "
    "Russian missiles heading through Ukraine in its direction unless a decision is made at NATO level."
)


def test_known_actors_carry_their_offices_and_countries(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        actors = {actor.slug: actor for actor in service.known_actors(session=session)}
    tusk = actors["donald-tusk"]
    assert tusk.name == "Donald Tusk" and tusk.country == "PL"
    assert ("Prime Minister of Poland", "PL") in {(office.title, office.country) for office in tusk.offices}


def test_a_new_actor_is_known_at_once(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        before = {actor.slug for actor in service.known_actors(session=session)}
    with seeded_db.write() as session:
        add_statement(session, record(actor="Ruth Nobody", office="Spokesperson", country="PL", actor_kind="person"))
    with seeded_db.read_session() as session:
        after = {actor.slug for actor in service.known_actors(session=session)}
    assert after - before == {"ruth-nobody"}


def test_a_recorded_statement_is_found_again(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        reading = service.read(session=session, raw=REPORT, filename=None, published_on=date(2024, 7, 11), today=TODAY)
    (found,) = reading.found
    assert found.candidate.actor_slug == "wladyslaw-kosiniak-kamysz"
    assert [card.said_on for card in found.recorded] == [date(2024, 7, 10)]


def test_the_same_words_a_month_apart_are_another_statement(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        reading = service.read(session=session, raw=REPORT, filename=None, published_on=date(2024, 8, 15), today=TODAY)
    assert reading.found[0].recorded == []


@pytest.mark.parametrize(("filename", "field"), [(None, "text"), ("big.txt", "file")])
def test_over_1_mb_is_refused_naming_the_field(seeded_db: Database, filename: str | None, field: str) -> None:
    raw: bytes | str = "a" * (service.MAX_ARTICLE_BYTES + 1)
    if filename:
        raw = raw.encode()
    with seeded_db.read_session() as session, pytest.raises(ExtractionError) as refused:
        service.read(session=session, raw=raw, filename=filename, published_on=None, today=TODAY)
    assert refused.value.status == 413 and refused.value.field == field
