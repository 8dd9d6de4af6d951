"""The dataset in seeds/: real statements from public pages, each traceable to its page, for most members.

Every statement carries its page's address, the quote as the page prints it, and a line in
seeds/provenance.jsonl saying how to find the page again and why it has its stance.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from app import paths
from app.db import Database
from app.statements.records import problems
from app.statements.rules import is_english, similar_quotes
from app.text import fold
from tests.support import assert_scores_match_rebuild, soup

MEMBERS = {
    c["code"] for c in json.loads((paths.SEEDS / "countries.json").read_text())["countries"] if c["kind"] == "member"
}
TOPICS = {t["slug"] for t in json.loads((paths.SEEDS / "topics.json").read_text())["topics"]}


def _statements() -> list[dict[str, Any]]:
    return json.loads((paths.SEEDS / "statements.json").read_text(encoding="utf-8"))["statements"]  # type: ignore[no-any-return]


def _provenance() -> list[dict[str, Any]]:
    text = (paths.SEEDS / "provenance.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_dataset_covers_most_members_every_topic_and_the_whole_war() -> None:
    statements = _statements()
    published = [s for s in statements if s["status"] == "published"]
    assert len(published) >= 200
    assert len({s["actor"] for s in published}) >= 100
    members = {s["country"] for s in published} & MEMBERS
    assert len(members) >= 28, sorted(MEMBERS - members)
    assert {"NATO", "UA"} <= {s["country"] for s in published}
    assert {s["topic"] for s in published} == TOPICS
    days = sorted(date.fromisoformat(s["said_on"]) for s in published)
    assert days[0] < date(2022, 4, 1) and days[-1].year >= 2025  # from the first weeks of the war on


def test_every_source_is_a_real_address_or_a_seed_article() -> None:
    for number, s in enumerate(_statements(), start=1):
        for source in s["sources"]:
            if source["url"] is None:
                assert (source["key"] or "").startswith("article:"), f"record {number}: no URL and no article"
                continue
            parts = urlsplit(source["url"])
            assert parts.scheme in ("http", "https") and parts.hostname, f"record {number}: {source['url']}"
            assert not re.search(r"(^|\.)example\.(org|com|net)$", parts.hostname), f"record {number}: example domain"
            assert source["outlet"].strip() and source["title"].strip(), f"record {number}: outlet and title"


def test_every_quote_not_in_english_has_a_translation() -> None:
    for number, s in enumerate(_statements(), start=1):
        if not is_english(s["language"]):
            assert s["translation"], f"record {number} ({s['language']}) has no English translation"
        else:
            assert s["translation"] is None, f"record {number} is English and needs no translation"


def test_every_statement_has_one_provenance_line_with_its_quote() -> None:
    statements, provenance = _statements(), _provenance()
    assert len(provenance) == len(statements)
    for number, (s, line) in enumerate(zip(statements, provenance, strict=True), start=1):
        assert (line["actor"], line["topic"], line["said_on"]) == (s["actor"], s["topic"], s["said_on"]), number
        assert line["quote"] == s["quote"], f"record {number}: the provenance quote differs"
        urls = {source["url"] for source in s["sources"] if source["url"]}
        assert line["url"] in urls or (line["url"] is None and line.get("source_key")), f"record {number}: url"
        assert line["context"].strip() and line["justification"].strip(), f"record {number}: context, justification"
        if line["url"] is not None:
            assert line["search_query"].strip(), f"record {number}: the words that find the page"


def test_no_statement_is_recorded_twice() -> None:
    seen: dict[tuple[str, str, str], list[str]] = {}
    for number, s in enumerate(_statements(), start=1):
        key = (fold(s["actor"]), s["topic"], s["said_on"])
        for earlier in seen.get(key, []):
            assert not similar_quotes(earlier, s["quote"]), f"record {number} repeats an earlier statement"
        seen.setdefault(key, []).append(s["quote"])


def test_every_record_passes_the_forms_own_checks() -> None:
    for number, s in enumerate(_statements(), start=1):
        assert problems(s) == [], f"record {number}: {problems(s)}"


def test_the_whole_dataset_loads_and_scores_as_a_rebuild_would(
    dataset_url: str, make_database: Any, dialect: str
) -> None:
    """Loading is the import's own path: every record resolved (actor, office held that day, topic, sources)."""
    database: Database = make_database(dataset_url)
    with database.read_session() as session:
        from sqlalchemy import text

        stored = session.execute(text("SELECT count(*) FROM statement WHERE status = 'published'")).scalar_one()
        wrong_office = session.execute(
            text(
                "SELECT count(*) FROM statement s JOIN office o ON o.id = s.office_id "
                "WHERE o.country_id <> s.country_id"
            )
        ).scalar_one()
    assert stored == len(_statements()) and wrong_office == 0
    assert_scores_match_rebuild(database)


def test_the_matrix_is_filled_for_the_members_on_record(dataset_url: str, make_client: Any) -> None:
    client: TestClient = make_client(dataset_url)
    placed: set[str] = set()
    for topic in sorted(TOPICS):
        body = client.get(f"/matrix.json?topic={topic}").json()
        placed |= {row["country"] for row in body["members"] if row["cells"][-1]["band"] is not None}
    spoke = {s["country"] for s in _statements() if s["status"] == "published"} & MEMBERS
    assert placed == spoke and len(placed) >= 28  # every member on record has a position today, carried or new


def test_a_country_page_and_a_career_read_from_the_dataset(dataset_url: str, make_client: Any) -> None:
    client: TestClient = make_client(dataset_url)
    germany = soup(client.get("/countries/DE").text)
    german = sum(1 for s in _statements() if s["country"] == "DE")
    listed = germany.select_one("section[aria-labelledby=statements-title]")
    assert listed is not None and len(listed.select("article.statement")) == min(german, 50)
    rutte = client.get("/actors/mark-rutte.json").json()
    assert rutte["countries"] == ["NL", "NATO"] and all(o["statements"] > 0 for o in rutte["offices"])
