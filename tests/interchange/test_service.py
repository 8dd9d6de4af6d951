"""Import and export: all-or-nothing, every refusal explained, and byte-identical round trips."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from app.db import Database
from app.interchange import codec
from app.interchange.seed import ensure_countries_and_topics
from app.interchange.service import ImportRefused, export, import_records, validate
from tests.support import add_statement, assert_scores_match_rebuild, snapshot_tables, table_counts

GOOD: dict[str, Any] = {
    "actor": "Radosław Sikorski",
    "country": "PL",
    "office": "Minister of Foreign Affairs",
    "topic": "intercept-over-ukraine",
    "said_on": "2024-10-15",
    "date_precision": "day",
    "date_is_report_date": False,
    "stance": 2,
    "condition": None,
    "quote": "An imported quote.",
    "quote_is_verbatim": True,
    "language": "en",
    "translation": None,
    "sources": [
        {"url": "https://example.org/a", "outlet": "Example", "title": "An article", "published_on": "2024-10-15"}
    ],
    "status": "published",
}


def _document(*records: dict[str, Any]) -> bytes:
    return json.dumps({"format": "intercept-watch/statements", "version": 1, "statements": list(records)}).encode()


def _import(database: Database, data: bytes, name: str = "upload.json"):  # type: ignore[no-untyped-def]
    records, errors = validate(raw=codec.read(data, name), file=name)
    with database.write() as session:
        ensure_countries_and_topics(session=session)
        return import_records(session=session, records=records, file=name, via="import", refused=errors)


def _export(database: Database, fmt: str) -> str:
    out = io.StringIO(newline="")
    with database.read_session() as session:
        export(session=session, out=out, fmt=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"country": "XX", "actor": "Someone New"}, "country", "unknown country code 'XX'"),
        ({"stance": 3}, "stance", "from -2 to +2"),
        ({"said_on": "2024-13-01"}, "said_on", "not a real date"),
        (
            {"sources": [{"url": "javascript:alert(1)", "outlet": "x", "title": "y"}]},
            "sources[0].url",
            "http:// or https://",
        ),
        ({"quote": None}, "quote", "is required"),
        ({"quote": "before\x00after"}, "quote", "control character"),
    ],
)
def test_a_bad_record_is_refused_and_nothing_is_written(
    seeded_db: Database, change: dict[str, Any], field: str, words: str
) -> None:
    bad = {**GOOD, **change}
    if change.get("quote", "") is None:
        del bad["quote"]
    good_too = {**GOOD, "quote": "A good record in the same file.", "said_on": "2024-10-16"}
    before = snapshot_tables(seeded_db)
    with pytest.raises(ImportRefused) as refused:
        _import(seeded_db, _document(good_too, bad))
    messages = [str(error) for error in refused.value.records]
    assert any(m.startswith("upload.json: record 2 (") and f": {field}: " in m and words in m for m in messages), (
        messages
    )
    assert snapshot_tables(seeded_db) == before


def test_every_problem_in_a_file_is_reported_at_once(seeded_db: Database) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import(
            seeded_db,
            _document(
                {**GOOD, "stance": 9}, {**GOOD, "topic": "no-such-topic"}, {**GOOD, "actor": "Nobody", "country": None}
            ),
        )
    fields = sorted((error.record, error.field) for error in refused.value.records)
    assert fields == [(1, "stance"), (2, "topic"), (3, "actor")]


def test_an_unknown_actor_is_created_when_country_and_office_are_given(seeded_db: Database) -> None:
    record = {**GOOD, "actor": "Petr Pavel", "country": "CZ", "office": "President of the Czech Republic"}
    report = _import(seeded_db, _document(record))
    assert report.added == 1 and report.actors_created == ["Petr Pavel"]
    exported = json.loads(_export(seeded_db, "json"))["statements"]
    mine = [s for s in exported if s["actor"] == "Petr Pavel"]
    assert mine[0]["office_rank"] == "head" and mine[0]["country"] == "CZ"
    assert_scores_match_rebuild(seeded_db)


def test_an_actor_is_matched_by_alias_without_diacritics(seeded_db: Database) -> None:
    report = _import(seeded_db, _document({**GOOD, "actor": "Radoslaw Sikorski", "country": None, "office": None}))
    assert report.added == 1 and report.actors_created == []


def test_an_office_outside_its_term_is_refused(seeded_db: Database) -> None:
    late = {
        **GOOD,
        "actor": "Jens Stoltenberg",
        "country": "NATO",
        "office": "Secretary General of NATO",
        "said_on": "2024-10-02",
    }
    with pytest.raises(ImportRefused) as refused:
        _import(seeded_db, _document(late))
    (error,) = refused.value.records
    assert error.field == "office" and "until 2024-10-01, not on 2024-10-02" in error.message


def test_the_office_held_on_the_date_is_used_when_none_is_given(seeded_db: Database) -> None:
    _import(
        seeded_db, _document({**GOOD, "actor": "Mark Rutte", "country": None, "office": None, "said_on": "2024-12-02"})
    )
    exported = json.loads(_export(seeded_db, "json"))["statements"]
    assert [s["office"] for s in exported if s["actor"] == "Mark Rutte" and s["said_on"] == "2024-12-02"] == [
        "Secretary General of NATO"
    ]


def test_reimporting_adds_nothing_and_a_known_source_url_is_reused(seeded_db: Database) -> None:
    first = _import(seeded_db, _document(GOOD))
    assert (first.added, first.sources_created) == (1, 1)
    counts = table_counts(seeded_db, "statement", "source", "revision")
    again = _import(
        seeded_db,
        _document(
            GOOD,
            {
                **GOOD,
                "quote": "Another quote, same article.",
                "sources": [{**GOOD["sources"][0], "url": "HTTPS://Example.org/a?utm_source=x#frag"}],
            },
        ),
    )
    assert (again.added, again.skipped, again.sources_created, again.sources_reused) == (1, 1, 0, 1)
    assert table_counts(seeded_db, "statement", "source", "revision") == {
        "statement": counts["statement"] + 1,
        "source": counts["source"],
        "revision": counts["revision"] + 1,
    }


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_export_is_byte_identical(seeded_db: Database, empty_db: Database, fmt: str) -> None:
    with seeded_db.write() as session:  # include a retracted statement and text a spreadsheet would run
        from app.statements import writing
        from tests.support import record

        created, _ = add_statement(session, record(quote='=HYPERLINK("x") -2 @me'))
        writing.retract(
            session=session, statement_id=created.id, reason="Misattributed", expected_version=1, via="test"
        )
    first = _export(seeded_db, fmt)
    _import(empty_db, first.encode(), f"export.{fmt}")
    second = _export(empty_db, fmt)
    assert second == first
    assert len(first) > 1000
    if fmt == "csv":
        assert "'=HYPERLINK" in first  # defused for spreadsheets, and restored on import
    assert_scores_match_rebuild(empty_db)


def test_a_file_that_is_not_the_format_is_refused_whole() -> None:
    with pytest.raises(codec.DocumentError, match="format"):
        codec.read(b'{"format": "something-else", "version": 1, "statements": []}', "x.json")
    with pytest.raises(codec.DocumentError, match="not valid JSON"):
        codec.read(b"{not json", "x.json")
    with pytest.raises(codec.DocumentError, match="not fields of the format"):
        codec.read(b"actor,colour\nx,y\n", "x.csv")


def _many_new_records(database: Database, at_least: int) -> list[dict[str, Any]]:
    """The stored statements' records again, as often as it takes, each with a quote and a first source of its own."""
    stored = json.loads(_export(database, "json"))["statements"]
    records = []
    for copy in range(-(-at_least // len(stored))):
        for number, item in enumerate(stored):
            item = json.loads(json.dumps(item))
            item["quote"] = f"{item['quote']} (again, {copy}-{number})"
            url = f"https://example.org/again/{copy}/{number}"
            item["sources"][0] = {**item["sources"][0], "url": url, "key": None}
            records.append(item)
    records.reverse()  # newest first: not the date order the rows are written in
    return records


def test_a_bulk_import_keeps_scores_search_and_revisions_right(seeded_db: Database) -> None:
    """Thousands of statements, in batches and out of date order: each stored row is its record, with its revision."""
    from sqlalchemy import select

    from app.revisions.models import Revision
    from app.statements import repository
    from app.statements.filters import HistoryFilters, search_words
    from app.statements.records import statement_record

    records = _many_new_records(seeded_db, at_least=2100)  # three write batches
    before = table_counts(seeded_db, "statement", "revision")
    report = _import(seeded_db, _document(*records))
    assert (report.added, report.skipped) == (len(records), 0)
    assert table_counts(seeded_db, "statement", "revision") == {
        "statement": before["statement"] + len(records),
        "revision": before["revision"] + len(records),
    }
    assert_scores_match_rebuild(seeded_db)
    by_quote = {record["quote"]: record for record in records}
    with seeded_db.read_session() as session:
        revisions = session.execute(select(Revision).where(Revision.via == "import")).scalars().all()
        assert len(revisions) == len(records)
        cards = {card.id: card for card in repository.cards(session, [revision.statement_id for revision in revisions])}
        for revision in revisions:
            stored = statement_record(cards[revision.statement_id])
            assert json.loads(revision.after) == stored  # the revision belongs to its own statement
            wanted = by_quote[stored["quote"]]
            assert {key: stored[key] for key in ("actor", "topic", "said_on", "stance", "sources")} == {
                key: wanted[key] for key in ("actor", "topic", "said_on", "stance", "sources")
            }
        # The full-text index has each under its own id and date: searching finds every published one.
        filters = HistoryFilters(text="again", words=search_words("again"))
        found = dict(repository.history_ids(session, filters, limit=len(records) * 2))
        published = {card.id: card.said_on for card in cards.values() if card.status.value == "published"}
        assert published and all(found.get(statement_id) == said_on for statement_id, said_on in published.items())
    again = _import(seeded_db, _document(*records))
    assert (again.added, again.skipped) == (0, len(records))


def test_a_bulk_import_that_fails_while_writing_writes_nothing(
    seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.revisions import repository as revisions_repository

    records = _many_new_records(seeded_db, at_least=1500)
    writes = {"batches": 0}
    insert_many = revisions_repository.insert_many

    def fail_on_the_second_batch(*args: Any, **kwargs: Any) -> None:
        writes["batches"] += 1
        if writes["batches"] == 2:
            raise RuntimeError("the disk is full")
        insert_many(*args, **kwargs)

    monkeypatch.setattr(revisions_repository, "insert_many", fail_on_the_second_batch)
    before = snapshot_tables(seeded_db)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _import(seeded_db, _document(*records))
    assert writes["batches"] == 2
    assert snapshot_tables(seeded_db) == before


def test_statements_imported_between_a_chains_statements_move_the_changes_beside_them(seeded_db: Database) -> None:
    """Each new statement changes its own change of position and the next statement's, whichever is new or stored."""
    from tests.support import stored_change_rows

    stored = json.loads(_export(seeded_db, "json"))["statements"]
    chains: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for item in stored:
        if item["status"] == "published":
            chains.setdefault((item["actor"], item["topic"], item["country"]), []).append(item)
    chain = max((chain for chain in chains.values() if len({item["stance"] for item in chain}) > 1), key=len)
    records = []
    for number, item in enumerate(chain):
        for said_on, stance in (
            (item["said_on"], 2 if item["stance"] < 2 else -2),  # the same day, after it: a new change, and the next's
            (f"{item['said_on'][:8]}01", item["stance"]),  # earlier in its month, at its stance
        ):
            records.append(
                json.loads(json.dumps(item))
                | {
                    "said_on": said_on,
                    "date_precision": "day",
                    "stance": stance,
                    "quote": f"{item['quote']} (between, {number}, {stance})",
                    "sources": [{**item["sources"][0], "url": f"https://example.org/between/{number}/{stance}"}],
                }
            )
    with seeded_db.read_session() as session:
        before = {row[1]: row for row in stored_change_rows(session)}
    report = _import(seeded_db, _document(*records))
    assert report.added == len(records)
    assert_scores_match_rebuild(seeded_db)
    with seeded_db.read_session() as session:
        after = {row[1]: row for row in stored_change_rows(session)}
    # Stored statements that now follow a new one changed or lost their own change of position.
    assert any(after.get(after_id) != row for after_id, row in before.items())


def test_each_imported_quote_is_hashed_once_and_stored_as_the_rule_gives_it(
    seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import select

    from app.interchange import service
    from app.statements import rules
    from app.statements.models import Statement

    hashed: list[str] = []
    fingerprint = rules.fingerprint

    def counted(**kwargs: Any) -> str:
        hashed.append(kwargs["quote"])
        return fingerprint(**kwargs)

    monkeypatch.setattr(rules, "fingerprint", counted)
    monkeypatch.setattr(service, "fingerprint", counted)
    stored_actor = [{**GOOD, "quote": f"Imported quote number {number}."} for number in range(3)]
    new_actor = {**GOOD, "actor": "Someone New", "office": "Member of Parliament", "quote": "A new actor's quote."}
    report = _import(seeded_db, _document(*stored_actor, new_actor))
    assert report.added == 4
    assert sorted(hashed) == sorted(record["quote"] for record in [*stored_actor, new_actor])  # each once
    monkeypatch.undo()
    with seeded_db.read_session() as session:
        rows = session.execute(select(Statement).where(Statement.quote.in_(hashed))).scalars().all()
        assert len(rows) == 4
        for row in rows:
            wanted = rules.fingerprint(
                actor_id=row.actor_id, topic_id=row.topic_id, said_on=row.said_on, quote=row.quote
            )
            assert row.fingerprint == wanted
