"""The statement history, its JSON and CSV twins, and the statement page, as a reader sees them."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.accounts import service as accounts_service
from app.db import Database
from app.interchange import service as interchange
from app.statements import history, paging, writing
from tests.support import add_statement, edit_statement, make_user, record, record_values, sign_in, soup


def _cards(page: BeautifulSoup) -> list[dict[str, str]]:
    found = []
    for card in page.select("#results article.statement"):
        found.append(
            {
                "actor": card.select_one(".statement__who > a").get_text(),  # type: ignore[union-attr]
                "date": card.select_one("time")["datetime"],  # type: ignore[index]
                "stance": card.select_one(".stance").get_text(),  # type: ignore[union-attr]
                "quote": card.select_one("blockquote").get_text(),  # type: ignore[union-attr]
            }
        )
    return found


def _get(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return soup(response.text)


def test_the_history_lists_every_published_statement_newest_first(shared_client: TestClient) -> None:
    page = _get(shared_client, "/statements")
    cards = _cards(page)
    assert len(cards) == 24
    assert [c["date"] for c in cards] == sorted((c["date"] for c in cards), reverse=True)
    assert "24 statements match" in page.select_one(".results__count").get_text(" ", strip=True)  # type: ignore[union-attr]
    filtered = _get(shared_client, "/statements?country=PL")
    # The count is the start of its own sentence, in one element, the feed and downloads apart from it.
    total = filtered.select_one(".results__count .results__total")
    assert total is not None and total.get_text() == "6 statements match these filters."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=PL", {"Donald Tusk", "Radosław Sikorski", "Władysław Kosiniak-Kamysz"}),
        (
            "country=PL&country=NATO",
            {
                "Donald Tusk",
                "Radosław Sikorski",
                "Władysław Kosiniak-Kamysz",
                "Jens Stoltenberg",
                "Mark Rutte",
                "Mircea Geoana",
                "NATO spokesperson",
            },
        ),
        ("actor=radoslaw-sikorski", {"Radosław Sikorski"}),
        ("actor=Sikorski", {"Radosław Sikorski"}),
        ("topic=no-fly-zone", {"Government of Ukraine"}),
        ("stance=-2", {"Jens Stoltenberg"}),
        ("stance=-1&stance=0", {"NATO spokesperson", "Mircea Geoana", "Władysław Kosiniak-Kamysz"}),
        ("from=2024-11-01", {"Volodymyr Zelenskyy", "Mark Rutte", "Government of Ukraine"}),
        ("to=2024-06-30", {"Government of Ukraine"}),
        ("q=airspace", {"Radosław Sikorski", "Government of Ukraine"}),
        ("q=constitutional+duty", {"Radosław Sikorski"}),
        ("conditional=1&country=PL", {"Donald Tusk", "Władysław Kosiniak-Kamysz", "Radosław Sikorski"}),
    ],
)
def test_each_filter_narrows_the_history(shared_client: TestClient, query: str, expected: set[str]) -> None:
    page = _get(shared_client, f"/statements?{query}")
    cards = _cards(page)
    assert {c["actor"] for c in cards} == expected
    assert 0 < len(cards) < 24
    body = shared_client.get(f"/statements.json?{query}").json()
    assert {s["actor"]["name"] for s in body["statements"]} == expected
    assert body["count"] == len(cards) == len(body["statements"])


def test_filters_combine_and_the_form_shows_them(shared_client: TestClient) -> None:
    page = _get(shared_client, "/statements?country=PL&from=2024-09-01&q=NATO")
    assert [c["actor"] for c in _cards(page)] == ["Władysław Kosiniak-Kamysz", "Radosław Sikorski"]
    assert [box["value"] for box in page.select("input[name=country][checked]")] == ["PL"]
    assert page.select_one("details.country-picker[open] summary").get_text(" ", strip=True).startswith("Poland")  # type: ignore[union-attr]
    assert page.select_one("#h-from")["value"] == "2024-09-01" and page.select_one("#h-q")["value"] == "NATO"  # type: ignore[index]


def test_a_form_sent_with_empty_fields_goes_to_the_clean_url(shared_client: TestClient) -> None:
    response = shared_client.get("/statements?country=PL&actor=&topic=&stance=&from=&to=&q=", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/statements?country=PL"


def test_an_htmx_request_gets_the_results_fragment(shared_client: TestClient) -> None:
    response = shared_client.get("/statements?country=PL&q=&from=2024-09-01", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    assert soup(response.text).select_one("section#results") is not None
    assert response.headers["HX-Push-Url"] == "/statements?country=PL&from=2024-09-01"


BAD_HISTORY_INPUT = [
    ("from=2024-02-30", "from"),
    ("to=10000-01-01", "to"),
    ("from=2024-09-01&to=2024-07-01", "from"),
    ("country=XX", "country"),
    ("topic=moon-base", "topic"),
    ("stance=3", "stance"),
    ("actor=nobody-at-all", "actor"),
    ("after=2024-07-13.5.bogus", "after"),
    ("after=false&q=", "after"),  # refused before the redirect to the canonical address
    ("q=" + "drone " * 34, "q"),
    ("conditional=maybe", "conditional"),
]


@pytest.mark.parametrize(("query", "field"), BAD_HISTORY_INPUT)
def test_bad_history_input_gets_a_422_naming_it(shared_client: TestClient, query: str, field: str) -> None:
    page = shared_client.get(f"/statements?{query}")
    assert page.status_code == 422
    assert soup(page.text).select_one(".error-list li strong").get_text() == field  # type: ignore[union-attr]
    body = shared_client.get(f"/statements.json?{query}").json()
    assert body["status"] == 422 and body["errors"][0]["field"] == field
    fragment = shared_client.get(f"/statements?{query}", headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and "<html" not in fragment.text and fragment.headers["HX-Reswap"] == "innerHTML"


def test_punctuation_alone_searches_for_nothing_and_is_left_out(shared_client: TestClient) -> None:
    body = shared_client.get("/statements.json?q=%21%21%21&country=PL").json()
    assert body["filters"] == {"country": ["PL"]} and body["count"] > 0
    page = shared_client.get("/statements?q=%21%21%21&country=PL", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/statements?country=PL"


def _add_statements(database: Database, count: int) -> None:
    with database.write() as session:
        for number in range(count):
            add_statement(
                session,
                record(
                    said_on=(date(2024, 10, 1) + timedelta(days=number % 40)).isoformat(),
                    quote=f"Paged statement number {number}.",
                    stance=number % 5 - 2,
                ),
            )


def test_keyset_pages_cover_everything_once_in_order(client: TestClient, seeded_db: Database) -> None:
    _add_statements(seeded_db, 60)  # 84 published in all: two pages
    first = _get(client, "/statements")
    first_cards = _cards(first)
    assert len(first_cards) == paging.PAGE_SIZE
    older = first.select_one("a[rel=next]")["href"]  # type: ignore[index]
    assert "after=" in older and first.select_one("a[rel=prev]") is None
    second = _get(client, older)
    second_cards = _cards(second)
    assert len(second_cards) == 84 - paging.PAGE_SIZE and second.select_one("a[rel=next]") is None
    keys = [(c["date"], c["quote"]) for c in first_cards + second_cards]
    assert len(set(keys)) == 84
    dates = [c["date"] for c in first_cards + second_cards]
    assert dates == sorted(dates, reverse=True)
    back = _get(client, second.select_one("a[rel=prev]")["href"])  # type: ignore[index]
    assert _cards(back) == first_cards


def test_the_count_is_capped(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    page = _get(client, "/statements")
    assert page.select_one(".results__count strong").get_text() == "10+"  # type: ignore[union-attr]
    body = client.get("/statements.json").json()
    assert body["count"] == 10 and body["count_is_capped"] is True


def test_csv_exports_the_filtered_history_safely(client: TestClient, seeded_db: Database) -> None:
    with seeded_db.write() as session:
        add_statement(session, record(quote="=cmd|' /C calc'!A0", condition="+danger"))
    response = client.get("/statements.csv?country=PL")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 7 and {row["country"] for row in rows} == {"PL"}
    mine = next(row for row in rows if "calc" in row["quote"])
    assert mine["quote"].startswith("'=") and mine["condition"] == "'+danger"
    assert all(
        not cell.startswith(("=", "+", "-", "@")) for row in rows for key, cell in row.items() if key not in ("stance",)
    )
    assert rows[0]["url"].endswith(f"/statements/{rows[0]['id']}")


def test_the_statement_page_shows_everything(shared_client: TestClient) -> None:
    body = shared_client.get("/statements.json?actor=donald-tusk").json()
    statement_id = body["statements"][0]["id"]
    page = _get(shared_client, f"/statements/{statement_id}")
    facts = {
        dt.get_text(strip=True): dd.get_text(" ", strip=True)
        for dt, dd in zip(page.select(".facts dt"), page.select(".facts dd"), strict=True)
    }
    assert facts["Office that day"].startswith("Prime Minister of Poland") and "3" in facts["Office that day"]
    assert facts["Condition"] == "it would require NATO's involvement and approval"
    assert facts["Date"].startswith("8 Jul 2024") and "security agreement" in facts["Date"]
    assert facts["Words"].startswith("Paraphrase, in English")  # the language's name, not its code
    sources = page.select_one(".source-list").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "· English ·" in sources and "· en ·" not in sources
    links = {a.get_text(strip=True): a["href"] for a in page.select(".links a")}
    assert (
        links["Its matrix cell (Poland, Jul 2024)"]
        == "/matrix?topic=intercept-over-ukraine&to=2024-07&cell=PL%3A2024-07#detail-PL"
    )
    assert page.select_one(".source-list cite").get_text().startswith("Untitled article beginning")  # type: ignore[union-attr]
    twin = shared_client.get(f"/statements/{statement_id}.json").json()
    assert twin["statement"]["condition"] == facts["Condition"] and twin["revisions"][0]["action"] == "create"
    assert shared_client.get("/statements/99999").status_code == 404
    assert shared_client.get("/statements/99999.json").json()["status"] == 404


def test_a_quote_not_in_english_names_its_language_on_its_card(client: TestClient, seeded_db: Database) -> None:
    with seeded_db.write() as session:
        add_statement(session, record(quote="Zestrzelimy je.", language="pl", translation="We will shoot them down."))
    card = next(
        c for c in _get(client, "/statements?country=PL").select("article.statement") if "Zestrzelimy" in c.text
    )
    assert "in Polish" in card.select_one(".statement__meta").get_text(" ", strip=True)  # type: ignore[union-attr]


def test_a_retracted_statement_keeps_its_page_and_leaves_the_listings(client: TestClient, seeded_db: Database) -> None:
    with seeded_db.write() as session:
        created, _ = add_statement(session, record(quote="Soon to be retracted."))
        writing.retract(
            session=session, statement_id=created.id, reason="Wrongly attributed", expected_version=1, via="test"
        )
    page = _get(client, f"/statements/{created.id}")
    assert "Retracted. Wrongly attributed" in page.select_one(".banner-box").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "Soon to be retracted." not in [c["quote"] for c in _cards(_get(client, "/statements?country=PL"))]
    assert client.get("/statements.json?q=retracted").json()["count"] == 0


def test_etag_gives_304_until_a_statement_is_written(client: TestClient, seeded_db: Database) -> None:
    for path in ("/statements?country=PL", "/matrix", "/statements.json", "/countries/PL"):
        first = client.get(path)
        etag = first.headers["ETag"]
        assert first.headers["Last-Modified"] and "HX-Request" in first.headers["Vary"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    before = client.get("/statements?country=PL").headers["ETag"]
    with seeded_db.write() as session:
        add_statement(session, record())
    after = client.get("/statements?country=PL", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before
    assert len(_cards(soup(after.text))) == 7


def test_the_statement_page_shows_its_history_with_differences(client: TestClient, seeded_db: Database) -> None:
    with seeded_db.write() as session:
        created, _ = add_statement(session, record(quote="Poland is open to it."))
        edit_statement(session, created.id, record(quote="Poland is not open to it.", stance=-1), expected_version=1)
    page = _get(client, f"/statements/{created.id}")
    versions = page.select("#history article.revision")
    assert [v.select_one("h3").contents[0].strip() for v in versions] == ["Version 2: edited", "Version 1: recorded"]  # type: ignore[union-attr]
    rows = {tr.select_one("th").get_text(): tr.select_one("td") for tr in versions[0].select("table.diff tbody tr")}
    assert set(rows) == {"Stance", "Quote"}
    assert rows["Quote"].select_one("ins").get_text() == " not"  # type: ignore[union-attr]
    assert rows["Stance"].get_text() == "+2 \u2192 \u22121"  # the two numbers apart, each with its sign


def test_a_search_finds_every_form_of_a_word(shared_client: TestClient) -> None:
    def found(words: str) -> list[str]:
        body = shared_client.get("/statements.json", params={"q": words}).json()
        assert body["count"] == len(body["statements"])
        return [f"{s['quote']} {s['translation'] or ''}".lower() for s in body["statements"]]

    drones = found("drones")
    assert drones and found("drone") == found("DRONE") == drones
    assert all("drone" in text for text in drones)  # before 0012, "drone" found none of them
    shooting = found("shooting")
    assert found("shoots") == shooting and {"shoot", "shooting"} <= {w for text in shooting for w in text.split()}


# ---- The Atom feed: /statements.atom

SITE = "http://testserver"
ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client: TestClient, query: str = "", **headers: str) -> Any:
    """The feed as a feed reader reads it, after checking it is well-formed Atom served as such."""
    response = client.get(f"/statements.atom{'?' + query if query else ''}", headers=headers)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert ET.fromstring(response.content).tag == f"{ATOM}feed"
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    parsed["etag"] = response.headers["ETag"]
    return parsed


def _entry_ids(parsed: Any) -> list[int]:
    prefix = f"{SITE}/statements/"
    assert all(entry.id.startswith(prefix) for entry in parsed.entries)
    return [int(entry.id.removeprefix(prefix)) for entry in parsed.entries]


def _history_ids(client: TestClient, query: str = "") -> list[int]:
    return [s["id"] for s in client.get(f"/statements.json?{query}").json()["statements"]]


def test_the_feed_is_atom_with_the_histories_latest_statements(shared_client: TestClient) -> None:
    parsed = _feed(shared_client)
    assert parsed.feed.title == "Intercept Watch: statements"
    assert parsed.feed.id == f"{SITE}/statements.atom"
    assert {(link.rel, link.href) for link in parsed.feed.links} == {
        ("self", f"{SITE}/statements.atom"),
        ("alternate", f"{SITE}/statements"),
    }
    assert _entry_ids(parsed) == _history_ids(shared_client)  # 24: the history's first page, newest first
    sikorski = next(entry for entry in parsed.entries if entry.id == f"{SITE}/statements/19")
    assert sikorski.link == f"{SITE}/statements/19"
    assert sikorski.title == (
        "Radosław Sikorski, Minister of Foreign Affairs (Poland): +2 supports — Intercepting over Ukraine"
    )
    assert {tag.term for tag in sikorski.tags} == {"intercept-over-ukraine", "PL"}
    body = shared_client.get("/statements.json").json()
    statement = next(s for s in body["statements"] if any(source["url"] for source in s["sources"]))
    entry = next(entry for entry in parsed.entries if entry.id == f"{SITE}/statements/{statement['id']}")
    recorded = datetime.fromisoformat(statement["created_at"])
    assert datetime.fromisoformat(entry.published) == recorded.replace(microsecond=recorded.microsecond // 1000 * 1000)
    assert entry.updated == entry.published  # never changed
    content = soup(entry.content[0].value)
    assert content.select_one("blockquote").get_text(strip=True).strip("“”") == statement["quote"]  # type: ignore[union-attr]
    sources = [a["href"] for a in content.select("li a")]
    assert sources == [source["url"] for source in statement["sources"] if source["url"]]
    assert parsed.feed.updated == max(entry.updated for entry in parsed.entries)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("country=PL", "Poland"),
        ("country=PL&country=NATO", "Poland, NATO (the alliance's institutions)"),
        ("actor=Sikorski", "by Radosław Sikorski"),
        ("topic=no-fly-zone", "on No-fly zone"),
        ("stance=-1&stance=0", "stance 0 or \u22121"),
        ("from=2024-11-01&to=2024-11-30", "from 2024-11-01; to 2024-11-30"),
        ("q=drone", "\u201cdrone\u201d"),
        ("conditional=1&country=PL", "Poland; with a condition"),
    ],
)
def test_filters_narrow_the_feed_as_they_narrow_the_history(shared_client: TestClient, query: str, title: str) -> None:
    parsed = _feed(shared_client, query)
    found = _entry_ids(parsed)
    assert 0 < len(found) < 24 and found == _history_ids(shared_client, query)
    assert parsed.feed.title == f"Intercept Watch: statements ({title})"
    feed_url = urlsplit(parsed.feed.id)  # the canonical URL of these filters
    assert f"{feed_url.scheme}://{feed_url.netloc}{feed_url.path}" == f"{SITE}/statements.atom"
    assert sorted(parse_qsl(feed_url.query)) == sorted(parse_qsl(query.replace("Sikorski", "radoslaw-sikorski")))


def test_a_country_feed_holds_that_countrys_statements_and_a_search_the_matching_ones(
    shared_client: TestClient,
) -> None:
    polish = _feed(shared_client, "country=PL").entries
    assert polish and all({tag.term for tag in entry.tags} & {"PL"} for entry in polish)
    assert all("(Poland)" in entry.title or "of Poland" in entry.title for entry in polish)
    drones = _feed(shared_client, "q=drone").entries
    assert drones and all("drone" in entry.content[0].value.lower() for entry in drones)


@pytest.mark.parametrize(("query", "field"), [*BAD_HISTORY_INPUT, ("before=2024-07-13.5.x", "before")])
def test_bad_feed_input_gets_a_422_naming_it(shared_client: TestClient, query: str, field: str) -> None:
    response = shared_client.get(f"/statements.atom?{query}")
    assert response.status_code == 422
    assert soup(response.text).select_one(".error-list li strong").get_text() == field  # type: ignore[union-attr]


def test_the_feed_holds_the_latest_fifty(client: TestClient, seeded_db: Database) -> None:
    _add_statements(seeded_db, 40)  # 64 published in all
    with seeded_db.write() as session:  # the oldest statement, retracted: older than the feed's fifty
        writing.retract(session=session, statement_id=1, reason="Misdated", expected_version=1, via="test")
    found = _entry_ids(_feed(client))
    assert len(found) == history.FEED_SIZE == 50
    assert found == _history_ids(client)[:50] and 1 not in found


def test_an_edit_changes_the_entrys_updated_and_keeps_its_id(client: TestClient, seeded_db: Database) -> None:
    with seeded_db.write() as session:
        created, _ = add_statement(session, record(quote="Poland is open to it.", said_on="2024-12-01"))
    before = _feed(client).entries[0]
    assert before.id == f"{SITE}/statements/{created.id}" and "Corrected" not in before.content[0].value
    with seeded_db.write() as session:
        edit_statement(
            session,
            created.id,
            record(quote="Poland is open to it, with allies.", said_on="2024-12-01"),
            expected_version=1,
            note="The full sentence",
        )
    after = _feed(client).entries[0]
    assert after.id == before.id and after.published == before.published
    assert after.updated > before.updated
    content = soup(after.content[0].value)
    assert content.select_one("blockquote").get_text(strip=True) == "“Poland is open to it, with allies.”"  # type: ignore[union-attr]
    assert content.p.get_text(" ", strip=True).startswith("Corrected on")  # type: ignore[union-attr]
    assert "The full sentence" in content.p.get_text()  # type: ignore[union-attr]


def test_a_retracted_statement_stays_in_the_feed_marked_with_its_reason(
    client: TestClient, seeded_db: Database
) -> None:
    with seeded_db.write() as session:
        created, _ = add_statement(session, record(quote="The drones will be intercepted.", said_on="2024-12-01"))
        writing.retract(
            session=session, statement_id=created.id, reason="Wrongly attributed", expected_version=1, via="test"
        )
    entry_id = f"{SITE}/statements/{created.id}"
    assert created.id not in _history_ids(client)
    for query in ("", "country=PL", "q=drone+intercepting", "actor=radoslaw-sikorski&stance=2"):
        entry = next(entry for entry in _feed(client, query).entries if entry.id == entry_id)
        assert entry.title.startswith("Retracted: Radosław Sikorski")
        assert "Retracted on" in entry.content[0].value and "Wrongly attributed" in entry.content[0].value
    for query in ("country=EE", "q=airspace", "stance=-2", "conditional=1", "to=2024-11-30"):
        assert entry_id not in [entry.id for entry in _feed(client, query).entries], query
    with seeded_db.write() as session:
        writing.restore(session=session, statement_id=created.id, version=1, expected_version=2, via="test")
    for query in ("", "q=drone+intercepting"):
        [entry] = [entry for entry in _feed(client, query).entries if entry.id == entry_id]  # once, not twice
        assert entry.title.startswith("Radosław Sikorski") and "Restored on" in entry.content[0].value


def test_the_feeds_addresses_are_the_host_it_was_asked_on(client: TestClient) -> None:
    ours = _feed(client, "country=PL")
    # Another allowed host (tests/conftest.py) at the same data version: a cached body, its own addresses.
    theirs = _feed(client, "country=PL", host="localhost")
    assert ours.etag == theirs.etag
    assert ours.feed.id == f"{SITE}/statements.atom?country=PL"
    assert theirs.feed.id == "http://localhost/statements.atom?country=PL"
    assert all(entry.id.startswith("http://localhost/statements/") for entry in theirs.entries)


def test_the_feed_answers_304_until_a_statement_is_written(client: TestClient, seeded_db: Database) -> None:
    first = client.get("/statements.atom?country=PL")
    etag = first.headers["ETag"]
    again = client.get("/statements.atom?country=PL", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    with seeded_db.write() as session:
        add_statement(session, record(said_on="2024-12-01"))
    after = client.get("/statements.atom?country=PL", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert len(feedparser.parse(after.content).entries) == 7


def test_the_history_page_links_its_feed_with_the_filters_shown(shared_client: TestClient) -> None:
    page = _get(shared_client, "/statements?country=PL&q=drone")
    [link] = page.select("head link[rel=alternate][type='application/atom+xml']")
    assert link["href"] == "/statements.atom?country=PL&q=drone"
    assert link["title"] == "Intercept Watch: statements (Poland; \u201cdrone\u201d)"
    follow = page.select_one("#results a.feed-link")
    assert follow is not None and follow["href"] == link["href"] and follow.get_text() == "Follow (Atom feed)"
    fragment = soup(shared_client.get("/statements?topic=no-fly-zone", headers={"HX-Request": "true"}).text)
    swapped = fragment.select_one("link#history-feed[hx-swap-oob=true]")
    assert swapped is not None and swapped["href"] == "/statements.atom?topic=no-fly-zone"


def test_the_feed_is_described_in_the_api_reference(shared_client: TestClient) -> None:
    operation = shared_client.get("/openapi.json").json()["paths"]["/statements.atom"]["get"]
    assert "application/atom+xml" in operation["responses"]["200"]["content"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"country", "actor", "q", "from", "to"}


# ---- Editors' privacy: the public sees display names, never email addresses

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _readable(response: Any) -> list[str]:
    """What a reader or a program can read of an answer: its text and attributes, its JSON strings, its CSV cells."""
    kind = response.headers["content-type"]
    if kind.startswith("application/json"):
        return list(_strings(response.json()))
    if kind.startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
    parsed = BeautifulSoup(response.text, "xml" if "xml" in kind else "html.parser")
    attributes = [str(value) for tag in parsed.find_all(True) for value in tag.attrs.values()]
    return [parsed.get_text(" "), *attributes]


def _emails(client: TestClient, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:300]}"
    return {found for text in _readable(response) for found in EMAIL_ADDRESS.findall(text)}


def test_no_email_address_reaches_the_public_after_editors_write(
    seeded_url: str, seeded_db: Database, make_client: Callable[[str], TestClient]
) -> None:
    editor_email, admin_email = "editor.private@example.org", "admin.private@example.org"
    editor_id = make_user(seeded_db, editor_email)
    make_user(seeded_db, admin_email, "admin")
    with seeded_db.write() as session:
        editor = accounts_service.get_user(session=session, user_id=editor_id)
        token = accounts_service.create_token(session=session, user=editor, name="crawl").token
    api = {"Authorization": f"Bearer {token}"}
    writer = make_client(seeded_url)
    created = writer.post("/api/statements", json=record_values(quote="Created, then edited."), headers=api)
    assert created.status_code == 201, created.text
    edited_id = created.json()["statement"]["id"]
    edited = writer.patch(f"/api/statements/{edited_id}", json={"version": 1, "stance": 1}, headers=api)
    assert edited.status_code == 200, edited.text
    retracted = writer.post(
        "/api/statements", json=record_values(quote="Created, then retracted.", said_on="2024-10-16"), headers=api
    )
    assert retracted.status_code == 201, retracted.text
    retracted_id = retracted.json()["statement"]["id"]
    editor_browser = make_client(seeded_url)
    csrf_token = sign_in(editor_browser, editor_email)
    done = editor_browser.post(
        f"/statements/{retracted_id}/retract",
        data={"csrf_token": csrf_token, "version": "1", "reason": "Misattributed."},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text

    reader = make_client(seeded_url)
    statement = reader.get(f"/statements/{edited_id}.json").json()
    actor, country = statement["statement"]["actor"]["slug"], statement["statement"]["country"]
    cell = f"country={country}&month=2024-10&topic=intercept-over-ukraine"
    pages = [
        "/",
        "/matrix",
        "/matrix.json",
        f"/matrix/cell?{cell}",
        f"/matrix/cell.json?{cell}",
        f"/cell/{country}/2024-10",
        "/statements",
        "/statements.json",
        "/statements.csv",
        "/statements.atom",
        f"/statements.atom?actor={actor}",
        f"/countries/{country}",
        f"/countries/{country}.json",
        f"/actors/{actor}",
        f"/actors/{actor}.json",
        "/methodology",
        "/methodology.json",
    ]
    for statement_id in (edited_id, retracted_id):
        pages += [f"/statements/{statement_id}", f"/statements/{statement_id}.json"]
    leaked = {path: found for path in pages if (found := _emails(reader, path))}
    assert leaked == {}

    # The public reads the editor's display name on each revision instead.
    history = soup(reader.get(f"/statements/{edited_id}").text).select(".revision__title .muted")
    assert [item.get_text(" ", strip=True).split(", by ")[1] for item in history] == [f"Editor {editor_id}"] * 2
    revisions = reader.get(f"/statements/{retracted_id}.json").json()["revisions"]
    assert [(r["action"], r["by"], r["by_email"]) for r in revisions] == [
        ("create", f"Editor {editor_id}", None),
        ("retract", f"Editor {editor_id}", None),
    ]
    # The full export holds no account either.
    with seeded_db.read_session() as session:
        for fmt in ("json", "csv"):
            exported = io.StringIO()
            interchange.export(session=session, out=exported, fmt=fmt)
            assert EMAIL_ADDRESS.findall(exported.getvalue()) == []

    # An admin sees who it was.
    admin = make_client(seeded_url)
    sign_in(admin, admin_email)
    history = soup(admin.get(f"/statements/{edited_id}").text).select(".revision__title .muted")
    assert [item.get_text(" ", strip=True).split(", by ")[1] for item in history] == [
        f"Editor {editor_id} ({editor_email})"
    ] * 2
    revisions = admin.get(f"/statements/{retracted_id}.json").json()["revisions"]
    assert [r["by_email"] for r in revisions] == [editor_email, editor_email]
    # Another editor sees the name, not the address.
    other = make_client(seeded_url)
    make_user(seeded_db, "colleague@example.org")
    sign_in(other, "colleague@example.org")
    history = soup(other.get(f"/statements/{edited_id}").text).select(".revision__title .muted")
    assert [item.get_text(" ", strip=True).split(", by ")[1] for item in history] == [f"Editor {editor_id}"] * 2
