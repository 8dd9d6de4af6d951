"""The seed data: it loads, reloads without change, and holds what the five articles say."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import paths
from app.actors.models import Actor
from app.db import Database
from app.interchange.seed import seed
from app.interchange.service import ImportRefused
from app.statements.models import Statement, StatementSource
from app.text import fold
from tests.support import assert_scores_match_rebuild, snapshot_tables

ARTICLES = paths.SEEDS / "articles"


def _statements(database: Database) -> list[Statement]:
    with database.read_session() as session:
        query = (
            select(Statement)
            .options(
                joinedload(Statement.actor),
                joinedload(Statement.office),
                joinedload(Statement.topic),
                joinedload(Statement.country),
                selectinload(Statement.source_links).joinedload(StatementSource.source),
            )
            .order_by(Statement.said_on, Statement.id)
        )
        return list(session.execute(query).unique().scalars())


def _one(statements: list[Statement], actor: str, said_on: str, topic: str = "intercept-over-ukraine") -> Statement:
    found = [
        s for s in statements if s.actor.name == actor and s.said_on.isoformat() == said_on and s.topic.slug == topic
    ]
    assert len(found) >= 1, f"no statement by {actor} on {said_on}"
    return found[0]


def test_seed_loads_the_articles_statements(seeded_db: Database) -> None:
    statements = _statements(seeded_db)
    assert len(statements) == 24
    assert len({s.actor.name for s in statements}) == 10

    tusk = _one(statements, "Donald Tusk", "2024-07-08")
    assert (tusk.stance, tusk.office.title, tusk.country.code) == (1, "Prime Minister of Poland", "PL")
    assert tusk.condition == "it would require NATO's involvement and approval"
    assert not tusk.quote_is_verbatim

    minister = _one(statements, "Władysław Kosiniak-Kamysz", "2024-07-10")
    assert minister.stance == 0 and minister.condition == "unless a decision is made at NATO level"
    assert minister.office.title == "Minister of National Defence"

    stoltenberg = _one(statements, "Jens Stoltenberg", "2024-07-14")
    assert stoltenberg.stance == -2 and stoltenberg.country.code == "NATO"
    assert stoltenberg.office.title == "Secretary General of NATO"

    sikorski = [s for s in statements if s.actor.name == "Radosław Sikorski" and s.said_on == date(2024, 9, 2)]
    assert {s.stance for s in sikorski} == {2} and all(s.date_is_report_date for s in sikorski)
    assert any(s.condition == "When hostile missiles are on course of entering our airspace" for s in sikorski)

    spokesperson = _one(statements, "NATO spokesperson", "2024-09-02")
    assert spokesperson.stance == -1 and spokesperson.actor.kind.value == "institution"

    rutte = _one(statements, "Mark Rutte", "2024-11-27", topic="air-defence-supply")
    assert rutte.stance == 2 and rutte.office.title == "Secretary General of NATO"

    july = [s for s in statements if s.actor.name == "Volodymyr Zelenskyy" and s.date_precision.value == "month"]
    assert july and all(s.said_on == date(2024, 7, 1) and s.date_note for s in july)
    # Dated by the original page of article 000 (Ukrainska Pravda, 4 August 2024), which the article omits.
    air_force_day = [s for s in statements if s.actor.name == "Volodymyr Zelenskyy" and s.said_on == date(2024, 8, 4)]
    assert len(air_force_day) == 4 and all("4 August 2024" in (s.date_note or "") for s in air_force_day)

    signs = {(s.stance > 0) - (s.stance < 0) for s in statements}
    assert signs == {-1, 0, 1}
    assert all(s.rationale for s in statements), "every stance score carries a rationale"
    assert all(s.sources for s in statements)


def test_statements_cite_their_articles_by_key_and_the_pages_found(seeded_db: Database) -> None:
    statements = _statements(seeded_db)
    keys = {source.key for s in statements for source in s.sources if source.key}
    assert keys == {f"article:{path.stem}" for path in ARTICLES.glob("*.txt")}
    # Articles 000 and 004 were found again as pages; each statement citing one cites its page too.
    pages = {
        "article:000_3afb4bedce24c383": "https://www.pravda.com.ua/eng/news/2024/08/4/7468905/",
        "article:004_673fdeab4402a8ed": "https://pravda.com.ua/eng/news/2024/11/27/7486613/index.amp",
    }
    for s in statements:
        urls = {source.url for source in s.sources if source.url}
        assert urls == {pages[source.key] for source in s.sources if source.key in pages}, s.id
    multi = [s for s in statements if len([source for source in s.sources if source.key]) > 1]
    assert multi and {source.key for source in multi[0].sources if source.key} == {
        "article:000_3afb4bedce24c383",
        "article:002_aff7b5e6ab669e5d",
    }
    titles = {source.key: source for s in statements for source in s.sources}
    assert titles["article:003_d2f775206a8009ab"].title == "NATO warns members against shooting down Russian missiles"
    assert titles["article:003_d2f775206a8009ab"].published_on == date(2024, 9, 2)
    assert titles["article:004_673fdeab4402a8ed"].published_on == date(2024, 11, 27)
    assert all(source.url is None for key, source in titles.items() if key)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text))


def test_every_quote_and_condition_is_in_its_article() -> None:
    """No invented words: each quote fragment and each condition appears in a cited article."""
    articles = {f"article:{path.stem}": _normalise(path.read_text(encoding="utf-8")) for path in ARTICLES.glob("*.txt")}
    document = json.loads((paths.SEEDS / "statements.json").read_text(encoding="utf-8"))
    for number, item in enumerate(document["statements"], start=1):
        cited = [articles[source["key"]] for source in item["sources"] if source.get("key")]
        if not cited:
            continue  # a statement from a web page: tests/test_dataset.py checks it against its provenance
        for fragment in item["quote"].split(" \u2026 "):
            assert any(_normalise(fragment) in text for text in cited), (
                f"record {number}: quote not in its article: {fragment[:60]}"
            )
        if item["condition"]:
            assert any(_normalise(item["condition"]) in text for text in cited), (
                f"record {number}: condition not in its article"
            )
        for source in item["sources"]:
            assert source["url"] is None or source["url"].startswith("https://"), "a page found, never guessed"


def test_the_article_copies_are_unaltered() -> None:
    """The copies match their recorded SHA-256 sums, and the project's originals when they are beside the checkout."""
    sums = dict(reversed(line.split()) for line in (ARTICLES / "SHA256SUMS").read_text().splitlines())
    assert sorted(sums) == sorted(path.name for path in ARTICLES.glob("*.txt")) and len(sums) == 5
    for name, digest in sums.items():
        assert hashlib.sha256((ARTICLES / name).read_bytes()).hexdigest() == digest, name
    shared = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    for original in shared.glob("*.txt") if shared.is_dir() else []:
        assert (ARTICLES / original.name).read_bytes() == original.read_bytes()


def test_every_actor_named_has_an_office(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        actors = list(
            session.execute(select(Actor).options(selectinload(Actor.offices), selectinload(Actor.aliases))).scalars()
        )
    names = {actor.name for actor in actors}
    assert {"Andrii Sybiha", "Mircea Geoana", "Rustem Umerov", "Mark Rutte"} <= names
    assert all(actor.offices for actor in actors)
    stoltenberg = next(a for a in actors if a.name == "Jens Stoltenberg")
    assert stoltenberg.offices[0].ended_on == date(2024, 10, 1)
    assert stoltenberg.offices[0].held_on(date(2024, 9, 30)) and not stoltenberg.offices[0].held_on(date(2024, 10, 1))
    sikorski = next(a for a in actors if a.name == "Radosław Sikorski")
    assert {"radoslaw sikorski", "sikorski"} <= {alias.key for alias in sikorski.aliases}


def test_seeding_twice_changes_nothing(empty_db: Database) -> None:
    with empty_db.write() as session:
        first = seed(session=session, directory=paths.SEEDS)
    assert first.statements.added >= 200
    before = snapshot_tables(empty_db)
    with empty_db.write() as session:
        report = seed(session=session, directory=paths.SEEDS)
    assert not report.changed and report.statements.skipped == first.statements.added
    assert snapshot_tables(empty_db) == before


def test_seeded_scores_equal_a_rebuild(seeded_db: Database) -> None:
    assert_scores_match_rebuild(seeded_db)


@pytest.mark.parametrize(
    ("file", "change", "field"),
    [
        ("countries.json", lambda d: d["countries"][0].update(code="X1"), "code"),
        ("actors.json", lambda d: d["actors"][0]["offices"][0].update(country="XX"), "offices.country"),
        ("actors.json", lambda d: d["actors"][0]["offices"][0].update(rank="emperor"), "offices[0].rank"),
        ("statements.json", lambda d: d["statements"][3].update(stance=3), "stance"),
        ("statements.json", lambda d: d["statements"][3].update(said_on="2024-13-01"), "said_on"),
    ],
)
def test_a_bad_seed_file_is_refused_naming_file_record_and_field(
    empty_db: Database, tmp_path: Path, file: str, change, field: str
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "seeds"
    shutil.copytree(paths.SEEDS, folder)
    document = json.loads((folder / file).read_text(encoding="utf-8"))
    change(document)
    (folder / file).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = snapshot_tables(empty_db)
    with pytest.raises(ImportRefused) as refused, empty_db.write() as session:
        seed(session=session, directory=folder)
    messages = [str(error) for error in refused.value.records]
    assert any(message.startswith(f"{file}: record ") and f": {field}: " in message for message in messages), messages
    assert snapshot_tables(empty_db) == before
