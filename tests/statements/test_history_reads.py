"""The history's reads without words, compiled once per shape of filters: each run answers its own values."""

from __future__ import annotations

from app.db import Database
from app.statements import filters as history_filters
from app.statements import history, paging, repository
from app.statements.schemas import HistoryQuery


def test_one_shape_of_filters_answers_each_set_of_values(seeded_db: Database) -> None:
    queries = [
        HistoryQuery(country=[code], **{"from": "2022-01-01", "to": "2026-12-31"})  # type: ignore[arg-type]
        for code in ("PL", "DE", "US", "NATO")
    ] + [
        HistoryQuery(country=["PL", "DE"], stance=["2", "1"]),
        HistoryQuery(country=["US", "GB"], stance=["-1", "0"]),
        HistoryQuery(country=["PL"], conditional="1"),
        HistoryQuery(country=["DE"], conditional="1"),
    ]
    seen = set()
    with seeded_db.read_session() as session:
        for query in queries:
            found = history_filters.parse(session, query)
            shaped = repository.history_ids(session, found, limit=500)
            written = repository._listing_ids(session, found, None, None, 500, repository._as_is)
            assert shaped == written
            counted = repository.count_matches(session, found, cap=1000, indexed_budget=1000, row_budget=1000)
            assert counted == repository.MatchCount(count=len(written), stopped_early=False)
            if len(written) > 2:  # the pages around a row, through the same kind of read
                cursor = paging.Cursor(written[1][1], written[1][0])
                assert repository.history_ids(session, found, after=cursor, limit=500) == written[2:]
                assert repository.history_ids(session, found, before=cursor, limit=1) == written[:1]
            seen.add(tuple(written))
    assert len(seen) > 4  # the values, not the shape, decided what each found


def test_the_newest_are_the_first_page_without_its_count(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        for code, size in (("PL", 5), ("PL", 500), ("UA", 3)):
            found = history_filters.parse(session, HistoryQuery(country=[code]))
            first = history.page(session=session, filters=found, after=None, before=None, secret="s", page_size=size)
            newest = history.newest(session=session, filters=found, secret="s", page_size=size)
            assert [card.id for card in newest.statements] == [card.id for card in first.statements]
            assert newest.statements and newest.older == first.older
            assert (newest.older is None) == (size == 500), "the seed has fewer than 500 of a country's statements"
