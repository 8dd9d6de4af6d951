"""Word search: whole words, newest first, published statements only, on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.db import Database
from app.statements import filters as history_filters
from app.statements import paging, repository, search, writing
from app.statements.schemas import HistoryQuery
from tests.support import add_statement, edit_statement, record


def test_the_postgresql_folding_table_matches_the_migration() -> None:
    text = (
        Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0005_search_ignores_latin_diacritics.py"
    ).read_text()
    assert f'ACCENTED = "{search.ACCENTED}"' in text and f'PLAIN = "{search.PLAIN}"' in text
    assert len(search.ACCENTED) == len(search.PLAIN) and "Ż" in search.ACCENTED


def test_search_keys_follow_the_history_order() -> None:
    keys = [
        search.search_key(date(2024, 7, 1), 9),
        search.search_key(date(2024, 7, 1), 10),
        search.search_key(date(2024, 7, 2), 1),
    ]
    assert keys == sorted(keys)
    assert search.search_key(date(2024, 7, 2), 1) & ((1 << search.ID_BITS) - 1) == 1
    assert search.sqlite_match(["nato", "approval"]) == '"nato" "approval"'


def _found(database: Database, words: str, **extra: object) -> list[int]:
    with database.read_session() as session:
        found = history_filters.parse(session, HistoryQuery(q=words, **extra))  # type: ignore[arg-type]
        return [row[0] for row in repository.history_ids(session, found, limit=paging.PAGE_SIZE + 1)]


def test_whole_words_match_ignoring_case_and_diacritics(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        mine, _ = add_statement(session, record(quote="Żadnych rakiet nad Polską, said the MINISTER."))
    assert mine.id in _found(seeded_db, "minister")
    assert mine.id in _found(seeded_db, "zadnych rakiet")
    assert mine.id not in _found(seeded_db, "minis")  # whole words: a prefix does not match


def test_search_follows_edits_and_retractions(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        mine, _ = add_statement(session, record(quote="A unique zebra word.", said_on="2024-10-15"))
    with seeded_db.write() as session:
        edit_statement(session, mine.id, record(quote="A unique okapi word.", said_on="2024-10-20"), expected_version=1)
    assert _found(seeded_db, "zebra") == [] and _found(seeded_db, "okapi") == [mine.id]
    assert _found(seeded_db, "okapi", first="2024-10-18") == [mine.id]
    with seeded_db.write() as session:
        writing.retract(session=session, statement_id=mine.id, reason="Test", expected_version=2, via="test")
    assert _found(seeded_db, "okapi") == []
    with seeded_db.write() as session:
        writing.restore(session=session, statement_id=mine.id, version=2, expected_version=3, via="test")
    assert _found(seeded_db, "okapi") == [mine.id]


def test_search_results_are_newest_first_and_page_by_keyset(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        for day in range(1, 21):
            add_statement(session, record(quote=f"Walrus number {day}.", said_on=f"2024-10-{day:02d}"))
    with seeded_db.read_session() as session:
        found = history_filters.parse(session, HistoryQuery(q="walrus"))
        first = repository.history_ids(session, found, limit=8)
        second = repository.history_ids(session, found, after=paging.Cursor(first[-1][1], first[-1][0]), limit=8)
        back = repository.history_ids(session, found, before=paging.Cursor(second[0][1], second[0][0]), limit=8)
    dates = [row[1] for row in first + second]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 16
    assert back == first


def test_a_count_that_would_be_slow_stops_early_and_says_so(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        for day in range(1, 13):
            add_statement(
                session, record(quote=f"Counted {day}.", said_on=f"2024-10-{day:02d}", condition="only with allies")
            )
    with seeded_db.read_session() as session:
        found = history_filters.parse(session, HistoryQuery(conditional="1"))
        exact = repository.count_matches(session, found, cap=100, indexed_budget=1000, row_budget=1000)
        stopped = repository.count_matches(session, found, cap=100, indexed_budget=1000, row_budget=5)
    assert exact == repository.MatchCount(count=18, stopped_early=False)  # 6 in the seed data, and 12
    assert stopped.stopped_early and stopped.count <= 5
