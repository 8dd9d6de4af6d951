"""The history's reads without words, compiled once per shape of filters: each run answers its own values."""

from __future__ import annotations

from app.db import Database
from app.statements import filters as history_filters
from app.statements import history, paging, repository, writing
from app.statements.schemas import HistoryQuery
from tests.support import add_statement, edit_statement, record


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


def test_a_count_of_countries_a_topic_and_dates_is_exact(seeded_db: Database) -> None:
    """Counted from the stored scores' running totals and the part-months at either end, as reading every row would."""
    with seeded_db.write() as session:
        for day in ("2024-09-01", "2024-09-15", "2024-09-16", "2024-09-30", "2024-10-01", "2024-10-31", "2024-11-16"):
            add_statement(session, record(said_on=day, quote=f"Counted at the edges of a month, on {day}."))
        moved, _ = add_statement(session, record(said_on="2024-10-10", quote="Moved to another month."))
        retracted, _ = add_statement(session, record(said_on="2024-10-12", quote="Retracted, so not counted."))
    with seeded_db.write() as session:
        edit_statement(
            session, moved.id, record(said_on="2024-12-02", quote="Moved to another month."), expected_version=1
        )
        writing.retract(session=session, statement_id=retracted.id, reason="test", expected_version=1, via="test")
    days = [None, "2024-08-31", "2024-09-01", "2024-09-15", "2024-09-16", "2024-09-30", "2024-10-16", "2024-12-02"]
    shapes = [([], None), (["PL"], None), (["PL", "DE"], None), (["PL"], "intercept-over-ukraine"), ([], "no-fly-zone")]
    counted_some = False
    with seeded_db.read_session() as session:
        for countries, topic in shapes:
            for first in days:
                for last in days:
                    if first and last and first > last:
                        continue
                    dates = {"from": first, "to": last}
                    query = HistoryQuery(country=countries, topic=topic, **dates)  # type: ignore[arg-type]
                    found = history_filters.parse(session, query)
                    listed = repository.history_ids(session, found, limit=100_000)
                    counted = repository.count_matches(session, found, cap=100_000, indexed_budget=1, row_budget=1)
                    assert counted == repository.MatchCount(count=len(listed), stopped_early=False), query
                    capped = repository.count_matches(session, found, cap=2, indexed_budget=1, row_budget=1)
                    assert capped.count == min(len(listed), 3)
                    counted_some = counted_some or 0 < len(listed) < 100
    assert counted_some
