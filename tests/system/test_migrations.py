"""The Alembic migrations: up, down, in step with the models, and the database-level guards."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from app.db import Database
from app.statements import filters as history_filters
from app.statements import repository as statements_repository
from app.statements import search, writing
from app.statements.schemas import HistoryQuery
from app.system import migrations
from tests.support import add_statement, assert_scores_match_rebuild, record


def test_upgrade_then_downgrade_to_base(empty_url: str) -> None:
    database = Database.from_url(empty_url)
    try:
        assert migrations.current_revision(database.engine) == migrations.head_revision()
        tables = set(inspect(database.engine).get_table_names())
        assert {"statement", "stance_score", "revision", "app_user", "user_session"} <= tables
        migrations.downgrade(empty_url, "base")
        database.engine.dispose()
        assert migrations.current_revision(database.engine) is None
        left = set(inspect(database.engine).get_table_names()) - {"alembic_version"}
        assert left == set()
        migrations.upgrade(empty_url)
        assert migrations.current_revision(database.engine) == migrations.head_revision()
    finally:
        database.dispose()


def test_models_and_migrations_agree(empty_url: str) -> None:
    migrations.check(empty_url)  # raises if autogenerate finds any difference


def test_revisions_are_append_only(seeded_url: str) -> None:
    database = Database.from_url(seeded_url)
    try:
        for sql in ("UPDATE revision SET note = 'changed'", "DELETE FROM revision"):
            with pytest.raises(DBAPIError, match="append-only"), database.write() as session:
                session.execute(text(sql))
        with pytest.raises(DBAPIError, match="never deleted"), database.write() as session:
            session.execute(text("DELETE FROM statement"))
        with database.read_session() as session:
            assert session.execute(text("SELECT count(*) FROM revision")).scalar_one() == 24
            assert session.execute(text("SELECT count(*) FROM revision WHERE note = 'changed'")).scalar_one() == 0
    finally:
        database.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh' / 'x.sqlite3'}"
    database = Database.from_url(url)  # creates the folder on first run
    try:
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        database.dispose()


def _rows(database: Database, sql: str) -> list[tuple[object, ...]]:
    with database.read_session() as session:
        return [tuple(row) for row in session.execute(text(sql))]


def test_offices_take_their_actors_country_and_nothing_is_lost(seeded_url: str) -> None:
    """0011 carries every statement, score and revision over; each office belongs to its actor's old country."""
    database = Database.from_url(seeded_url)
    tables = {
        "statement": "SELECT id, actor_id, country_id, office_id, topic_id, said_on, stance, quote, version "
        "FROM statement ORDER BY id",
        "stance_score": "SELECT country_id, topic_id, month, score, band, counted FROM stance_score "
        "ORDER BY country_id, topic_id, month",
        "revision": "SELECT statement_id, version, action, after FROM revision ORDER BY statement_id, version",
        "office": "SELECT id, actor_id, country_id, title, rank FROM office ORDER BY id",
    }
    try:
        # Before 0011 an actor spoke for one country: take away the seed's one office in a second country
        # (Rutte's as Prime Minister of the Netherlands, which no statement here cites), as the data stood then.
        with database.write() as session:
            session.execute(
                text(
                    "DELETE FROM office WHERE id NOT IN (SELECT office_id FROM statement) AND country_id <> "
                    "(SELECT min(o.country_id) FROM office o JOIN statement s ON s.office_id = o.id "
                    "WHERE o.actor_id = office.actor_id)"
                )
            )
        before = {name: _rows(database, sql) for name, sql in tables.items()}
        assert before["statement"] and before["stance_score"] and before["revision"]
        database.engine.dispose()
        migrations.downgrade(seeded_url, "0010")
        database.engine.dispose()
        # At 0010 every actor speaks for one country: the one its offices belong to.
        by_actor = dict(_rows(database, "SELECT id, country_id FROM actor"))
        assert all(by_actor[actor_id] == country_id for _, actor_id, country_id, *_ in before["office"])
        migrations.upgrade(seeded_url)
        database.engine.dispose()
        after = {name: _rows(database, sql) for name, sql in tables.items()}
        assert after == before
        # Every statement counts for the country of its office.
        assert _rows(
            database,
            "SELECT count(*) FROM statement s JOIN office o ON o.id = s.office_id WHERE o.country_id <> s.country_id",
        ) == [(0,)]
        assert_scores_match_rebuild(database)
    finally:
        database.dispose()


def _old_search(database: Database, word: str) -> list[int]:
    """Statement ids the index finds for one word, queried as before 0012 (whole words as written)."""
    if database.dialect == "sqlite":
        sql, word = "SELECT rowid & 4294967295 FROM statement_fts WHERE statement_fts MATCH :word", f'"{word}"'
    else:
        sql = "SELECT id FROM statement WHERE search_vector @@ to_tsquery('simple', :word)"
    with database.read_session() as session:
        return sorted(session.execute(text(sql), {"word": word}).scalars())


def test_word_forms_go_down_to_whole_words_and_up_again(seeded_url: str) -> None:
    """0012 down restores the index of whole words as written, refilled; up again finds every form."""
    database = Database.from_url(seeded_url)
    try:
        with database.write() as session:
            mine, _ = add_statement(session, record(quote="The drones over Łódź were intercepted."))
        database.engine.dispose()
        migrations.downgrade(seeded_url, "0011")
        database.engine.dispose()
        assert mine.id in _old_search(database, "drones") and mine.id not in _old_search(database, "drone")
        migrations.upgrade(seeded_url)
        database.engine.dispose()
        with database.read_session() as session:
            for words in ("drone", "intercepting lodz", "DRONES"):
                found = history_filters.parse(session, HistoryQuery(q=words))
                assert mine.id in [row[0] for row in statements_repository.history_ids(session, found, limit=60)]
    finally:
        database.dispose()


def test_existing_users_are_named_editor_and_their_id(empty_url: str) -> None:
    """0014 gives every user already there the name new users get, and going down drops only the name."""
    database = Database.from_url(empty_url)
    try:
        database.engine.dispose()
        migrations.downgrade(empty_url, "0013")
        database.engine.dispose()
        with database.write() as session:
            for email in ("a@example.org", "b@example.org"):
                session.execute(
                    text(
                        "INSERT INTO app_user (email, password_hash, role, created_at) "
                        "VALUES (:email, 'x', 'editor', CURRENT_TIMESTAMP)"
                    ),
                    {"email": email},
                )
        migrations.upgrade(empty_url)
        database.engine.dispose()
        rows = _rows(database, "SELECT id, email, display_name FROM app_user ORDER BY id")
        assert [(email, name) for _, email, name in rows] == [
            ("a@example.org", f"Editor {rows[0][0]}"),
            ("b@example.org", f"Editor {rows[1][0]}"),
        ]
        migrations.downgrade(empty_url, "0013")
        database.engine.dispose()
        assert _rows(database, "SELECT email FROM app_user ORDER BY id") == [("a@example.org",), ("b@example.org",)]
    finally:
        database.dispose()


def test_0016_fills_the_stored_changes_of_position_as_the_rule_finds_them(seeded_url: str) -> None:
    """The window-function fill finds every change the pure rule finds, among published statements only."""
    database = Database.from_url(seeded_url)
    try:
        with database.write() as session:
            # A chain of three by one actor on one topic: +2, then -1 (a change), then -1 (none), and a
            # retracted +2 between them that neither makes nor hides one.
            for day, stance in (("2024-11-04", 2), ("2024-11-05", -1), ("2024-11-07", -1)):
                add_statement(session, record(said_on=day, stance=stance, quote=f"Chain test on {day}."))
        with database.write() as session:
            retracted, _ = add_statement(session, record(said_on="2024-11-06", stance=2, quote="Chain test, out."))
        with database.write() as session:
            writing.retract(
                session=session, statement_id=retracted.id, reason="test", expected_version=retracted.version, via="t"
            )
        database.engine.dispose()
        migrations.downgrade(seeded_url, "0015")
        database.engine.dispose()
        assert "position_change" not in inspect(database.engine).get_table_names()
        migrations.upgrade(seeded_url)
        database.engine.dispose()
        filled = _rows(database, "SELECT count(*) FROM position_change")
        assert filled[0][0] >= 1
        assert_scores_match_rebuild(database)  # scores and changes alike, each against its rule
    finally:
        database.dispose()


def _search_matches(database: Database, queries: list[str]) -> dict[str, list[int]]:
    """Each FTS5 query's search keys, newest first, as the index holds them (SQLite)."""
    sql = "SELECT rowid FROM statement_fts WHERE statement_fts MATCH :query ORDER BY rowid DESC"
    with database.read_session() as session:
        return {query: list(session.execute(text(sql), {"query": query}).scalars()) for query in queries}


def test_0018_indexes_the_filters_beside_the_same_words(seeded_url: str, dialect: str) -> None:
    """0018 refills the search index with the same words and a token per filter; going down refills it as before."""
    database = Database.from_url(seeded_url)
    words = ['"drone"', '"intercept"', '"nato" AND "airspace"', '"lodz"']
    try:
        with database.write() as session:
            mine, _ = add_statement(
                session, record(quote="The drones over Łódź were intercepted.", condition="if asked")
            )
        if dialect != "sqlite":  # PostgreSQL's index is its tsvector column, which 0018 leaves alone
            database.engine.dispose()
            migrations.downgrade(seeded_url, "0017")
            migrations.upgrade(seeded_url)
            database.engine.dispose()
            with database.read_session() as session:
                found = history_filters.parse(session, HistoryQuery(q="drone lodz", country=["PL"], conditional="1"))
                assert [row[0] for row in statements_repository.history_ids(session, found, limit=10)] == [mine.id]
            return
        at_head = _search_matches(database, words)
        assert all(at_head.values())
        database.engine.dispose()
        migrations.downgrade(seeded_url, "0017")
        database.engine.dispose()
        assert _search_matches(database, words) == at_head
        columns = _rows(database, "SELECT name FROM pragma_table_info('statement_fts')")
        assert columns == [("quote",), ("translation",)]
        migrations.upgrade(seeded_url)
        database.engine.dispose()
        assert _search_matches(database, words) == at_head
        # Each filter's token finds exactly the published statements the filter allows.
        for column, kind, condition in [
            ("country_id", search.COUNTRY, "country_id = :value"),
            ("topic_id", search.TOPIC, "topic_id = :value"),
            ("actor_id", search.ACTOR, "actor_id = :value"),
            ("stance", search.STANCE, "stance = :value"),
        ]:
            for (value,) in _rows(database, f"SELECT DISTINCT {column} FROM statement"):  # noqa: S608
                token = f'"{search.facet(kind, value)}"'
                listed = f"SELECT {search.SEARCH_KEY_SQL.format(row='statement')} FROM statement "  # noqa: S608
                with database.read_session() as session:
                    expected = session.execute(
                        text(f"{listed} WHERE status = 'published' AND {condition} ORDER BY 1 DESC"), {"value": value}
                    )
                    assert _search_matches(database, [token])[token] == list(expected.scalars())
        token = f'"{search.facet(search.CONDITIONAL)}"'
        conditional = _rows(
            database, "SELECT count(*) FROM statement WHERE status = 'published' AND condition IS NOT NULL"
        )
        assert len(_search_matches(database, [token])[token]) == conditional[0][0] > 0
    finally:
        database.dispose()


def _search_objects(database: Database) -> list[tuple[object, ...]]:
    """PostgreSQL's search indexes on statement and its facets function, by name."""
    return _rows(
        database,
        "SELECT indexname FROM pg_indexes WHERE tablename = 'statement' AND indexname LIKE 'ix_statement_search%'"
        " UNION ALL SELECT proname FROM pg_proc WHERE proname = 'iw_search_facets' ORDER BY 1",
    )


def test_0019_indexes_the_filters_in_postgresql_search_and_goes_back(seeded_url: str, dialect: str) -> None:
    """0019 makes PostgreSQL's GIN index over the words and a lexeme per filter; down, the words' index as before.
    SQLite is unchanged."""
    database = Database.from_url(seeded_url)
    try:
        with database.write() as session:
            mine, _ = add_statement(session, record(quote="The drones over Łódź were intercepted.", condition="if"))
        if dialect == "postgresql":
            assert _search_objects(database) == [("iw_search_facets",), ("ix_statement_search",)]
        database.engine.dispose()
        migrations.downgrade(seeded_url, "0018")
        database.engine.dispose()
        if dialect == "postgresql":
            assert _search_objects(database) == [("ix_statement_search_vector",)]
        migrations.upgrade(seeded_url)
        database.engine.dispose()
        if dialect == "postgresql":
            assert _search_objects(database) == [("iw_search_facets",), ("ix_statement_search",)]
        with database.read_session() as session:
            found = history_filters.parse(session, HistoryQuery(q="drone lodz", country=["PL"], conditional="1"))
            assert [row[0] for row in statements_repository.history_ids(session, found, limit=10)] == [mine.id]
            elsewhere = history_filters.parse(session, HistoryQuery(q="drone lodz", country=["DE"]))
            assert statements_repository.history_ids(session, elsewhere, limit=10) == []
    finally:
        database.dispose()


@pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)  # SQLite has no visibility map
def test_on_postgresql_an_upgrade_leaves_rewritten_tables_vacuumed_and_analyzed(seeded_url: str) -> None:
    """0017 rewrites the statement table (a stored column): after the upgrade it is all-visible again."""
    migrations.downgrade(seeded_url, "0016")
    migrations.upgrade(seeded_url)
    database = Database.from_url(seeded_url)
    try:
        with database.read_session() as session:
            visible, pages = session.execute(
                text("SELECT relallvisible, relpages FROM pg_class WHERE relname = 'statement'")
            ).one()
            analyzed = session.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = 'statement'")).scalar()
        assert pages > 0 and visible == pages
        assert analyzed
    finally:
        database.dispose()
