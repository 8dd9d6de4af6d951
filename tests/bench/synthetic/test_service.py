"""Synthetic databases: realistic shape, scores and search as the app builds them, marked in a table of their own,
and never written over real data or into the default database."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from app.config import normalise_database_url
from app.db import Database
from app.statements import search
from app.statements.models import Statement
from app.statements.rules import EARLIEST_DATE, fingerprint
from app.system import migrations
from bench.synthetic import generator, repository, service
from tests.conftest import DatabaseFactory
from tests.support import assert_scores_match_rebuild, seed_counts, snapshot_tables, table_counts

SIZE = 2000
SEED = 7


@pytest.fixture(scope="module")
def synthetic_url(dialect: str, factories: dict[str, DatabaseFactory]) -> str:
    url = factories[dialect].create("empty")
    service.generate(database_url=url, statements=SIZE, seed=SEED)
    return url


@pytest.fixture
def synthetic_db(synthetic_url: str, make_database: Callable[[str], Database]) -> Database:
    return make_database(synthetic_url)


def _scalar(database: Database, sql: str, **params: object) -> object:
    with database.read_session() as session:
        return session.execute(text(sql), params).scalar_one()


def test_the_database_has_the_shape_of_real_data(synthetic_db: Database) -> None:
    counts = table_counts(synthetic_db, "statement", "actor", "actor_alias", "office", "topic", "country", "revision")
    assert counts["statement"] == SIZE
    assert (
        1800 <= counts["actor"] <= 2200
        and counts["actor_alias"] >= counts["actor"]
        and counts["office"] > counts["actor"]
    )
    assert counts["topic"] == 4 and counts["country"] == seed_counts()["countries"]
    assert counts["revision"] == 0  # synthetic rows were written by nobody: no revisions (bench/README.md)
    speaking = _scalar(synthetic_db, "SELECT count(DISTINCT country_id) FROM statement WHERE status = 'published'")
    assert speaking == seed_counts()["countries"]
    assert _scalar(synthetic_db, "SELECT count(DISTINCT topic_id) FROM statement") == 4
    with synthetic_db.read_session() as session:
        ranks = dict(session.execute(text("SELECT rank, count(*) FROM office GROUP BY rank")).all())
        per_statement = [
            row[0]
            for row in session.execute(
                text(
                    "SELECT count(l.source_id) FROM statement s "
                    "LEFT JOIN statement_source l ON l.statement_id = s.id GROUP BY s.id"
                )
            )
        ]
        said = [row[0] for row in session.execute(select(Statement.said_on))]
        languages = dict(session.execute(text("SELECT language, count(*) FROM statement GROUP BY language")).all())
        translated = session.execute(
            text("SELECT count(*) FROM statement WHERE language <> 'en' AND translation IS NOT NULL")
        ).scalar_one()
        urls = list(session.execute(text("SELECT url FROM source")).scalars())
        quotes = list(session.execute(select(Statement.quote)).scalars())
    assert ranks["other"] > ranks["minister"] > 0 and ranks["head"] > 0
    assert min(per_statement) == 1 and max(per_statement) == 3
    assert min(said) >= EARLIEST_DATE and max(said) <= datetime.now(UTC).date()
    today = datetime.now(UTC).date()
    first_year = sum(1 for day in said if day < EARLIEST_DATE + timedelta(days=365))
    last_year = sum(1 for day in said if day > today - timedelta(days=365))
    assert last_year > 1.5 * first_year > 0
    assert languages["en"] > SIZE / 2 and len(languages) >= 4 and translated > 0
    assert urls and all(url.startswith("https://synthetic.example.org/") for url in urls)
    assert 80 <= statistics.mean(len(quote) for quote in quotes) <= 400


def test_fingerprints_follow_the_statement_rule(synthetic_db: Database) -> None:
    with synthetic_db.read_session() as session:
        rows = session.execute(select(Statement).order_by(Statement.id).limit(300)).scalars().all()
        for statement in rows:
            assert statement.fingerprint == fingerprint(
                actor_id=statement.actor_id,
                topic_id=statement.topic_id,
                said_on=statement.said_on,
                quote=statement.quote,
            )


def test_stored_scores_equal_a_full_rebuild(synthetic_db: Database) -> None:
    assert_scores_match_rebuild(synthetic_db)


@pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)  # SQLite has no visibility map
def test_on_postgresql_the_loaded_tables_are_vacuumed_so_counts_are_answered_from_the_indexes(
    synthetic_db: Database,
) -> None:
    visible, pages = _row(synthetic_db, "SELECT relallvisible, relpages FROM pg_class WHERE relname = 'statement'")
    assert pages > 0 and visible == pages  # every page all-visible: index-only scans need no heap fetch


def _row(database: Database, sql: str) -> tuple[int, int]:
    with database.read_session() as session:
        first, second = session.execute(text(sql)).one()
        return int(first), int(second)


def _search_ids(database: Database, word: str) -> set[int]:
    with database.read_session() as session:
        if database.dialect == "sqlite":
            # The rowid is a search key in history order; its low bits are the statement id.
            sql = f"SELECT rowid & {(1 << search.ID_BITS) - 1} FROM statement_fts WHERE statement_fts MATCH :word"
        else:
            sql = "SELECT id FROM statement WHERE search_vector @@ plainto_tsquery('simple', :word)"
        return set(session.execute(text(sql), {"word": word}).scalars())


def _search_objects(database: Database) -> list[str]:
    with database.read_session() as session:
        if database.dialect == "sqlite":
            sql = "SELECT sql FROM sqlite_master WHERE tbl_name IN ('statement', 'statement_fts') ORDER BY name"
        else:
            sql = "SELECT indexdef FROM pg_indexes WHERE tablename = 'statement' ORDER BY indexname"
        return [str(item) for item in session.execute(text(sql)).scalars()]


def test_full_text_search_finds_what_the_quotes_say(
    synthetic_db: Database,
    dialect: str,
    factories: dict[str, DatabaseFactory],
    make_database: Callable[[str], Database],
) -> None:
    with synthetic_db.read_session() as session:
        statement_id, quote = session.execute(
            select(Statement.id, Statement.quote)
            .where(Statement.language == "en", Statement.status == "published")
            .order_by(Statement.id.desc())
            .limit(1)
        ).one()
    word = max(quote.replace(".", " ").replace(",", " ").split(), key=len)
    assert statement_id in _search_ids(synthetic_db, word)
    assert not _search_ids(synthetic_db, "zzzunseenword")
    # The trigger and indexes dropped for the bulk load are back exactly as the migration made them.
    fresh = make_database(factories[dialect].create("empty"))
    assert _search_objects(synthetic_db) == _search_objects(fresh)


def test_the_database_is_marked_in_its_own_table_and_the_app_serves_it_as_any_other(
    synthetic_url: str, make_client: Callable[[str], TestClient], synthetic_db: Database
) -> None:
    state = repository.inspect_target(normalise_database_url(synthetic_url))
    assert state.synthetic and state.statements == SIZE and state.marker is not None
    marker = state.marker
    assert (marker.statements, marker.seed, marker.actors) == (SIZE, SEED, generator.DEFAULT_ACTORS)
    assert marker.generator_version == generator.GENERATOR_VERSION
    assert timedelta(0) <= datetime.now(UTC) - marker.created_at < timedelta(hours=1)
    assert service.notice(marker) == f"Synthetic benchmark data: {SIZE:,} generated statements, not real statements."
    # The app's own tables say nothing about it: the marker is the benchmark's.
    with synthetic_db.read_session() as session:
        assert set(session.execute(text("SELECT * FROM app_state")).keys()) == {
            "id",
            "data_version",
            "changed_at",
            "secret",
        }
    client = make_client(synthetic_url)
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and "synthetic" not in health
    assert client.get("/stats.json").json()["counts"]["statements"] == SIZE


def test_a_database_without_the_marker_is_real(empty_url: str, make_database: Callable[[str], Database]) -> None:
    service.generate(database_url=empty_url, statements=60, actors=40)
    database = make_database(empty_url)
    with database.write() as session:
        session.execute(text("DROP TABLE bench_synthetic"))
    database.dispose()
    with pytest.raises(service.TargetRefused, match="60 real"):
        service.generate(database_url=empty_url, statements=60, actors=40, replace=True)


def test_a_database_marked_before_the_marker_table_may_be_replaced(tmp_path: Path) -> None:
    """Databases built until the app's schema lost app_state.synthetic (migration 0010) carry that flag instead."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    service.generate(database_url=url, statements=60, actors=40)
    database = Database.from_url(url)
    with database.write() as session:
        session.execute(text("DROP TABLE bench_synthetic"))
    database.dispose()
    migrations.downgrade(url, "0009")
    database = Database.from_url(url)
    with database.write() as session:
        session.execute(text("UPDATE app_state SET synthetic = true"))
    database.dispose()
    state = repository.inspect_target(url)
    assert state.synthetic and state.marker is None
    service.generate(database_url=url, statements=80, actors=40, replace=True)
    assert repository.inspect_target(url).marker.statements == 80  # type: ignore[union-attr]


def test_refuses_a_database_with_real_statements_and_writes_nothing(
    seeded_url: str, make_database: Callable[[str], Database]
) -> None:
    database = make_database(seeded_url)
    before = snapshot_tables(database)
    with pytest.raises(service.TargetRefused, match="24 real"):
        service.generate(database_url=seeded_url, statements=50, replace=True)
    assert snapshot_tables(database) == before


def test_rebuilds_synthetic_data_only_when_asked(empty_url: str, make_database: Callable[[str], Database]) -> None:
    service.generate(database_url=empty_url, statements=60, actors=40)
    database = make_database(empty_url)
    before = snapshot_tables(database)
    with pytest.raises(service.TargetRefused, match="--replace"):
        service.generate(database_url=empty_url, statements=90, actors=40)
    assert snapshot_tables(database) == before
    database.dispose()
    service.generate(database_url=empty_url, statements=90, actors=40, replace=True)
    assert table_counts(make_database(empty_url), "statement")["statement"] == 90


@pytest.mark.parametrize(
    "spelling",
    [
        "sqlite:///./data/intercept-watch.sqlite3",
        "sqlite:///data/intercept-watch.sqlite3",
        "sqlite:///data/../data/intercept-watch.sqlite3",
        "absolute",
    ],
)
def test_never_writes_to_the_default_database(spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path}/data/intercept-watch.sqlite3" if spelling == "absolute" else spelling
    with pytest.raises(service.TargetRefused, match="default database"):
        service.generate(database_url=url, statements=10)
    assert not (tmp_path / "data").exists()


def test_the_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    def build(name: str, seed: int) -> list[tuple[object, ...]]:
        url = f"sqlite:///{tmp_path / name}"
        service.generate(database_url=url, statements=300, actors=60, seed=seed, today=date(2025, 6, 30))
        database = Database.from_url(url)
        try:
            with database.read_session() as session:
                return [
                    tuple(row)
                    for row in session.execute(
                        text(
                            "SELECT s.id, a.slug, s.said_on, s.quote, s.stance, s.condition, group_concat(src.url) "
                            "FROM statement s JOIN actor a ON a.id = s.actor_id "
                            "JOIN statement_source l ON l.statement_id = s.id "
                            "JOIN source src ON src.id = l.source_id GROUP BY s.id ORDER BY s.id"
                        )
                    )
                ]
        finally:
            database.dispose()

    first = build("a.sqlite3", 11)
    assert build("b.sqlite3", 11) == first
    assert build("c.sqlite3", 12) != first
