"""Finding actors by the start of any word of a name or alias: the word index, its migration, and the rules."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.actors import service
from app.actors.rules import name_words
from app.db import Database
from app.statements.rules import similar_quotes
from app.system import migrations


def test_name_words_are_folded_and_split_at_every_non_letter() -> None:
    assert name_words("Władysław Kosiniak-Kamysz") == ["wladyslaw", "kosiniak", "kamysz"]
    assert name_words("  Jens   STOLTENBERG ") == ["jens", "stoltenberg"]
    assert name_words("O'Brien, Dara") == ["o", "brien", "dara"]
    assert name_words("") == [] and name_words("—") == []


def test_alias_rows_carry_their_words() -> None:
    rows = service.alias_rows(names=["Radosław Sikorski", "Sikorski"])
    assert {row.key: [w.word for w in row.words] for row in rows} == {
        "radoslaw sikorski": ["radoslaw", "sikorski"],
        "sikorski": ["sikorski"],
    }


def test_the_migration_indexes_the_words_of_aliases_already_stored(blank_url: str) -> None:
    migrations.upgrade(blank_url, "0006")  # the revision before the words migration (0007)
    database = Database.from_url(blank_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO country (id, code, name, kind, borders_ukraine) "
                    "VALUES (1, 'PL', 'Poland', 'member', true)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO actor (id, slug, name, kind, country_id, created_at) "
                    "VALUES (1, 'radoslaw-sikorski', 'Radosław Sikorski', 'person', 1, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO actor_alias (id, actor_id, alias, key) VALUES "
                    "(1, 1, 'Radosław Sikorski', 'radoslaw sikorski'), (2, 1, 'Sikorski', 'sikorski')"
                )
            )
        migrations.upgrade(blank_url)
        with database.read_session() as session:
            rows = session.execute(text("SELECT word, alias_id FROM actor_alias_word ORDER BY word, alias_id")).all()
            assert [tuple(row) for row in rows] == [("radoslaw", 1), ("sikorski", 1), ("sikorski", 2)]
            found = service.suggest(session=session, typed="sik")
        assert [(s.actor.name, s.alias) for s in found] == [("Radosław Sikorski", None)]
    finally:
        database.dispose()


@pytest.mark.parametrize(
    ("first", "second", "similar"),
    [
        ("We will shoot them down.", "we will  SHOOT them down", True),
        (
            "We are ready to shoot down drones over Ukraine.",
            "We are ready to shoot down the drones over Ukraine!",
            True,
        ),
        (
            "Poland will act within NATO, with its allies, and only then.",
            "Poland will act within NATO",
            True,
        ),  # a fragment
        ("We will shoot them down.", "A no-fly zone is not on the table.", False),
        ("Yes.", "No.", False),
    ],
)
def test_similar_quotes(first: str, second: str, similar: bool) -> None:
    assert similar_quotes(first, second) is similar
