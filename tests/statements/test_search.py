"""Word search: whole words in any form, newest first, published statements only, on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from app.db import Database
from app.statements import filters as history_filters
from app.statements import paging, repository, search, writing
from app.statements.models import Statement
from app.statements.schemas import HistoryQuery
from tests.support import add_statement, edit_statement, migration_module, record


def test_the_folding_tables_match_the_migrations() -> None:
    earlier = migration_module("0005")
    current = migration_module("0012")
    for module in (earlier, current):
        assert (module.ACCENTED, module.PLAIN) == (search.ACCENTED, search.PLAIN)
    facets = migration_module("0018")
    assert current.SQLITE_FOLDS == migration_module("0013").SQLITE_FOLDS == facets.SQLITE_FOLDS == search.SQLITE_FOLDS
    assert len(search.ACCENTED) == len(search.PLAIN) and "Ż" in search.ACCENTED
    assert search.sqlite_match(["łódź", "straße"]) == '"lódź" AND "strasse"'  # the tokenizer folds the rest


def test_the_facets_match_their_migration() -> None:
    """Migration 0017 indexes each statement's filters as `facet` writes them, and the old table is 0012's."""
    facets = migration_module("0018")
    assert facets.FACET == search.FACET and facets.KEY == search.SEARCH_KEY_SQL
    assert facets._facets("new") == search.facets_sql("new")
    assert facets._folded("new.quote", facets=True) == search.sqlite_indexed("new.quote")
    assert facets.SQLITE_PREVIOUS == migration_module("0012").SQLITE_CREATE
    assert search.facet(search.STANCE, -2) == search.FACET + "s0" and search.facet(search.COUNTRY, 7) == "\ue000c7"
    assert search.sqlite_match(["drone"], [["\ue000c1", "\ue000c2"], ["\ue000t3"]]) == (
        '"drone" AND ("\ue000c1" OR "\ue000c2") AND "\ue000t3"'
    )


def test_search_keys_follow_the_history_order() -> None:
    keys = [
        search.search_key(date(2024, 7, 1), 9),
        search.search_key(date(2024, 7, 1), 10),
        search.search_key(date(2024, 7, 2), 1),
    ]
    assert keys == sorted(keys)
    assert search.search_key(date(2024, 7, 2), 1) & ((1 << search.ID_BITS) - 1) == 1
    assert search.key_parts(search.search_key(date(2024, 7, 2), 77)) == (77, date(2024, 7, 2))
    assert search.sqlite_match(["nato", "approval"]) == '"nato" AND "approval"'


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


def _ids(database: Database, *words: str) -> dict[str, list[int]]:
    return {word: _found(database, word) for word in words}


def test_a_word_finds_its_other_forms(seeded_db: Database) -> None:
    """'drone' finds 'drones' and 'intercepting' finds 'intercept': the databases' English stemmers."""
    with seeded_db.write() as session:
        drones, _ = add_statement(session, record(quote="Our jets will not shoot down drones over Lviv."))
        intercept, _ = add_statement(session, record(quote="We are ready to intercept the missiles."))
    found = _ids(seeded_db, "drone", "drones", "intercepting", "interception", "missile")
    assert drones.id in found["drone"] and drones.id in found["drones"]
    assert intercept.id in found["intercepting"] and intercept.id in found["missile"]
    assert intercept.id not in found["drone"] and drones.id not in found["intercepting"]
    assert _found(seeded_db, "drone lviv") == [drones.id]  # every word must match, each in any form


def test_words_of_the_translation_are_found(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        mine, _ = add_statement(
            session,
            record(
                quote="Żadnych rakiet nad Polską.",
                language="pl",
                translation="No missiles over Poland: we keep intercepting them.",
            ),
        )
    assert _found(seeded_db, "intercepted") == [mine.id]
    assert _found(seeded_db, "rakiet polska") == [mine.id]  # and the original's


def test_a_word_another_language_shares_with_english_stop_words_is_found(seeded_db: Database) -> None:
    """'was' is an English stop word and German for 'what': the quote's words are indexed as written too."""
    with seeded_db.write() as session:
        mine, _ = add_statement(
            session,
            record(quote="Was wir brauchen, ist Schutz.", language="de", translation="What we need is protection."),
        )
    assert mine.id in _found(seeded_db, "was")


@pytest.mark.parametrize(
    ("quote", "typed"),
    [
        ("Radosław Sikorski spoke.", ["radoslaw", "RADOSLAW", "Radosław"]),
        ("radoslaw sikorski spoke.", ["Radosław"]),
        ("Żółć w Łodzi.", ["zolc", "lodzi"]),
        ("Jonas Gahr Støre and Đoković.", ["store", "dokovic"]),
        ("Die Straße, l'Œuvre, la façade, Ağrı.", ["strasse", "oeuvre", "facade", "agri"]),
    ],
)
def test_case_and_diacritics_are_ignored(seeded_db: Database, quote: str, typed: list[str]) -> None:
    with seeded_db.write() as session:
        mine, _ = add_statement(session, record(quote=quote))
    for words in typed:
        assert mine.id in _found(seeded_db, words), words


def _fold_without_unaccent(database: Database) -> None:
    """On PostgreSQL, fold as migration 0012 does on a server without the unaccent extension."""
    current = migration_module("0012")
    rebuild = current.vector(current.VECTOR)  # drop the index and the column, then add them again
    with database.write() as session:
        for sql in [*rebuild[:2], current.fold_function(None), *rebuild[2:]]:
            session.execute(text(sql))
        folds = session.execute(text("SELECT prosrc FROM pg_proc WHERE proname = 'iw_search_fold'")).scalar_one()
    assert "translate" in folds and "unaccent" not in folds


def test_without_the_unaccent_extension_search_still_folds_and_stems(seeded_db: Database, dialect: str) -> None:
    """SQLite never has unaccent, and a PostgreSQL server may not: the fixed table of letters folds instead."""
    if dialect == "postgresql":
        _fold_without_unaccent(seeded_db)
    with seeded_db.write() as session:
        mine, _ = add_statement(session, record(quote="Żadnych dronów: the drones of Łódź."))
    assert _found(seeded_db, "zadnych drone lodz") == [mine.id]


def test_words_with_other_filters_find_what_each_filter_allows(seeded_db: Database) -> None:
    """Words with every other filter (on SQLite, the filters are tokens in the search index, the dates its keys)."""
    shapes = [
        ("2024-10-01", "intercept-over-ukraine", 2, None),
        ("2024-10-05", "no-fly-zone", -1, "only with allies"),
        ("2024-10-09", "intercept-over-ukraine", 0, None),
        ("2024-10-13", "no-fly-zone", 2, "if asked"),
    ]
    mine = {}
    with seeded_db.write() as session:
        for number, (said_on, topic, stance, condition) in enumerate(shapes):
            quote = f"The gyrfalcon question, part {number}."
            mine[said_on] = add_statement(
                session, record(quote=quote, said_on=said_on, topic=topic, stance=stance, condition=condition)
            )[0]
    newest_first = [mine[day].id for day in sorted(mine, reverse=True)]

    def expect(
        *,
        topic: str | None = None,
        stances: tuple[int, ...] = (),
        first: str = "",
        last: str = "9",
        condition: bool = False,
    ) -> list[int]:
        return [
            mine[day].id
            for day in sorted(mine, reverse=True)
            if (topic is None or mine[day].topic.slug == topic)
            and (not stances or mine[day].stance in stances)
            and first <= day <= last
            and (not condition or mine[day].condition is not None)
        ]

    assert _found(seeded_db, "gyrfalcon") == newest_first
    assert _found(seeded_db, "gyrfalcon", country=["PL"]) == newest_first
    assert _found(seeded_db, "gyrfalcon", country=["DE", "PL"]) == newest_first
    assert _found(seeded_db, "gyrfalcon", country=["DE"]) == []
    assert _found(seeded_db, "gyrfalcon", country=["PL"], topic="no-fly-zone") == expect(topic="no-fly-zone")
    assert _found(seeded_db, "gyrfalcon", topic="intercept-over-ukraine") == expect(topic="intercept-over-ukraine")
    assert _found(seeded_db, "gyrfalcon", actor="radoslaw-sikorski", stance=["2"]) == expect(stances=(2,))
    assert _found(seeded_db, "gyrfalcon", stance=["0", "-1"]) == expect(stances=(0, -1))
    assert _found(seeded_db, "gyrfalcon", country=["PL"], first="2024-10-06") == expect(first="2024-10-06")
    assert _found(seeded_db, "gyrfalcon", first="2024-10-05", last="2024-10-09") == expect(
        first="2024-10-05", last="2024-10-09"
    )
    assert _found(seeded_db, "gyrfalcon", conditional="1") == expect(condition=True)
    assert _found(seeded_db, "gyrfalcon", conditional="1", stance=["2"], topic="no-fly-zone") == expect(
        condition=True, stances=(2,), topic="no-fly-zone"
    )
    assert _found(seeded_db, "gyrfalcon", actor="radoslaw-sikorski", country=["DE"]) == []
    with seeded_db.read_session() as session:
        found = history_filters.parse(session, HistoryQuery(q="gyrfalcon", country=["PL"], topic="no-fly-zone"))
        counted = repository.count_matches(session, found, cap=100, indexed_budget=1000, row_budget=1000)
    assert counted == repository.MatchCount(count=2, stopped_early=False)


def test_a_search_with_filters_is_counted_exactly_on_sqlite(
    seeded_db: Database, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite counts every match in its search index; PostgreSQL, when a word has more than a few matches,
    says at least how many it has read (with few, it counts them all: the test above)."""
    monkeypatch.setattr(repository, "FEW_MATCHES", 3)
    with seeded_db.write() as session:
        for day in range(1, 13):
            add_statement(session, record(quote=f"The narwhal count, part {day}.", said_on=f"2024-10-{day:02d}"))
    with seeded_db.read_session() as session:
        found = history_filters.parse(session, HistoryQuery(q="narwhal", country=["PL"], stance=["2"]))
        counted = repository.count_matches(session, found, cap=100, indexed_budget=5, row_budget=5)
    if dialect == "sqlite":
        assert counted == repository.MatchCount(count=12, stopped_early=False)
    else:
        assert counted.stopped_early and counted.count <= 5


def test_a_search_follows_a_statement_whose_filters_change(seeded_db: Database) -> None:
    """An edit moves a statement between the filters it matches, with its words (the index's triggers)."""
    with seeded_db.write() as session:
        mine, _ = add_statement(session, record(quote="The quokka plan.", stance=1, topic="no-fly-zone"))
    assert _found(seeded_db, "quokka", country=["PL"], topic="no-fly-zone", stance=["1"]) == [mine.id]
    estonian = {"actor": "Kristen Michal", "country": "EE", "office": "Prime Minister of Estonia"}
    changed = record(quote="The quokka plan.", stance=-1, condition="if asked", **estonian)
    with seeded_db.write() as session:
        edit_statement(session, mine.id, changed, expected_version=1)
    assert _found(seeded_db, "quokka", country=["PL"]) == []
    assert _found(seeded_db, "quokka", actor="radoslaw-sikorski") == []
    assert _found(seeded_db, "quokka", topic="no-fly-zone") == []
    assert _found(seeded_db, "quokka", stance=["1"]) == []
    assert _found(seeded_db, "quokka", country=["EE"], topic="intercept-over-ukraine", stance=["-1"]) == [mine.id]
    assert _found(seeded_db, "quokka", actor="kristen-michal", conditional="1") == [mine.id]


def test_a_quote_cannot_pose_as_another_filter(seeded_db: Database) -> None:
    """A quote holding a facet's token is still found by its own filters alone."""
    with seeded_db.read_session() as session:
        germany = history_filters.parse(session, HistoryQuery(country=["DE"])).countries[0]
    token = search.facet(search.COUNTRY, germany.id)
    with seeded_db.write() as session:
        mine, _ = add_statement(session, record(quote=f"The axolotl {token} plan."))
    assert _found(seeded_db, "axolotl", country=["DE"]) == []
    assert _found(seeded_db, "axolotl", country=["PL"]) == [mine.id]
    assert mine.id in _found(seeded_db, token[1:])  # the token's letters, typed, are a word of the quote


@pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)  # SQLite's search index holds the filters
@pytest.mark.parametrize("few", [repository.FEW_MATCHES, 3])
@pytest.mark.parametrize("many", [repository.MANY_EXPECTED, -1])  # -1: every search is expected to have many
def test_on_postgresql_few_matches_are_read_whole_and_many_walk_the_listing_the_same(
    seeded_db: Database, few: int, many: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rare word's matches come from the full-text index whole, a common one's from walking the listing:
    either way the pages, in both directions, are those of checking every statement, and the count is
    exact, or a lower bound only when more than `few` match."""
    with seeded_db.write() as session:
        for day in range(1, 13):
            add_statement(session, record(quote=f"Narwhal count {day}.", said_on=f"2024-10-{day:02d}"))
    monkeypatch.setattr(repository, "FEW_MATCHES", few)
    monkeypatch.setattr(repository, "MANY_EXPECTED", many)
    searches = [
        HistoryQuery(q="narwhal"),
        HistoryQuery(q="narwhal", first="2024-10-04", last="2024-10-09"),  # type: ignore[arg-type]
        HistoryQuery(q="narwhal", country=["PL", "UA"], topic="intercept-over-ukraine", stance=["2"]),
        HistoryQuery(q="air defence", country=["PL", "UA"]),
        HistoryQuery(q="nothingsaysthis"),
    ]
    for query in searches:
        with seeded_db.read_session() as session:
            found = history_filters.parse(session, query)
            everything = repository._listing_ids(session, found, None, None, 10_000, repository._as_is)
            pages = [repository.history_ids(session, found, limit=4)]
            while len(pages[-1]) == 4:
                last = pages[-1][-1]
                pages.append(repository.history_ids(session, found, after=paging.Cursor(last[1], last[0]), limit=4))
            shown = [page for page in pages if page]
            if len(shown) > 1:  # going back from the last page's first row gives the page before it
                newest = shown[-1][0]
                back = repository.history_ids(session, found, before=paging.Cursor(newest[1], newest[0]), limit=4)
                assert back == shown[-2], query
            counted = repository.count_matches(session, found, cap=10_000, indexed_budget=50_000, row_budget=50_000)
        with seeded_db.read_session() as session:  # counted on its own, before any page is read
            alone = repository.count_matches(session, found, cap=10_000, indexed_budget=50_000, row_budget=50_000)
        assert [row for page in pages for row in page] == everything, query
        if len(everything) <= few or many == -1:  # the walk examined every candidate: exact too
            assert counted == alone == repository.MatchCount(len(everything), False), query
        else:
            assert counted == alone == repository.MatchCount(few + 1, True), query


@pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)  # SQLite's search index holds the filters
def test_on_postgresql_a_search_expected_to_be_common_is_still_counted_exactly_when_it_is_not(
    seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search the planner expects to match many is counted among the newest statements; when those hold
    FEW_MATCHES or fewer, the index counts them all, so a count the index can give exactly stays exact."""
    with seeded_db.write() as session:
        for day in range(1, 13):
            add_statement(session, record(quote=f"Narwhal count {day}.", said_on=f"2024-10-{day:02d}"))
    monkeypatch.setattr(repository, "MANY_EXPECTED", -1)
    with seeded_db.read_session() as session:
        found = history_filters.parse(session, HistoryQuery(q="narwhal"))
        counted = repository.count_matches(session, found, cap=100, indexed_budget=5, row_budget=5)
        assert counted == repository.MatchCount(12, False)
    monkeypatch.setattr(repository, "FEW_MATCHES", 1)
    with seeded_db.read_session() as session:
        october = {"first": "2024-10-01", "last": "2024-10-12"}
        in_october = history_filters.parse(session, HistoryQuery(**october))  # type: ignore[arg-type]
        newest = repository.history_ids(session, in_october, limit=5)
        hits = len({row[0] for row in newest} & set(_found(seeded_db, "narwhal")))
        assert hits > 1  # more than FEW_MATCHES among the newest 5: at least that many
        found = history_filters.parse(session, HistoryQuery(q="narwhal", **october))  # type: ignore[arg-type]
        counted = repository.count_matches(session, found, cap=100, indexed_budget=5, row_budget=5)
        assert counted == repository.MatchCount(hits, True)


@pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)  # the lexemes of PostgreSQL's search index
def test_on_postgresql_the_search_index_holds_each_filter_as_its_facet(seeded_db: Database) -> None:
    """iw_search_facets() (migration 0019) writes a statement's filters as `facet` writes their tokens."""
    with seeded_db.write() as session:
        mine, _ = add_statement(session, record(quote="The walrus plan.", stance=-1, condition="if asked"))
    with seeded_db.read_session() as session:
        row = session.execute(
            select(search.postgresql_document(), Statement.country_id, Statement.topic_id, Statement.actor_id).where(
                Statement.id == mine.id
            )
        ).one()
        unnest = text("SELECT unnest(tsvector_to_array(CAST(:document AS tsvector)))")
        lexemes = set(session.execute(unnest, {"document": row[0]}).scalars())
    expected = {
        search.facet(search.COUNTRY, row.country_id),
        search.facet(search.TOPIC, row.topic_id),
        search.facet(search.ACTOR, row.actor_id),
        search.facet(search.STANCE, -1),
        search.facet(search.CONDITIONAL),
    }
    assert {lexeme for lexeme in lexemes if lexeme.startswith(search.FACET)} == expected
    assert "walrus" in lexemes
    assert (
        search.postgresql_facets([["\ue000c1", "\ue000c2"], ["\ue000t3"]]) == "('\ue000c1' | '\ue000c2') & ('\ue000t3')"
    )
