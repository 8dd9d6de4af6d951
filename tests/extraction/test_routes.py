"""Reading an article in the app: the page an editor pastes into, the add form a candidate fills, and the API."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import Tag
from fastapi.testclient import TestClient

from app.db import Database
from app.extraction import Candidate
from tests.extraction.quality import (
    ROOT,
    SEED_ARTICLES,
    Case,
    all_known_actors,
    candidate_from_json,
    invented_cases,
    measure,
    seed_cases,
    table,
)
from tests.support import XSS_PAYLOADS, form_values, make_user, sign_in, snapshot_tables, soup, table_counts

ARTICLE_000 = SEED_ARTICLES / "000_3afb4bedce24c383.txt"
TUSK = (
    "Poland's prime minister Donald Tusk said on Monday that Poland was open to shooting down Russian missiles "
    "over Ukraine, but only with NATO's approval.\n\n"
    "“We will not act alone,” Tusk told reporters in Warsaw."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
NEW_SPEAKER = "Ruth Example-Nobody, a spokesperson for the Ministry of Things, said the plan was “not on the table”."


@pytest.fixture
def editor(client: TestClient, seeded_db: Database) -> TestClient:
    make_user(seeded_db, "reader@example.org")
    sign_in(client, "reader@example.org")
    return client


def _read(client: TestClient, *, files: Any = None, **fields: str) -> Any:
    """POSTs the article form as a browser does (multipart); the response."""
    token = soup(client.get("/statements/extract").text).select_one("input[name=csrf_token]")
    assert token is not None
    data = {"csrf_token": str(token["value"]), "text": "", "url": "", "outlet": "", "title": "", "published_on": ""}
    return client.post("/statements/extract", data=data | fields, files=files or {"file": ("", b"")})


def _candidates(html: str) -> list[Tag]:
    return soup(html).select("li.candidate")


def _errors(html: str) -> dict[str, str]:
    """The message beside each field, by field name."""
    page = soup(html)
    return {
        str(slot["id"]).removeprefix("f-").removesuffix("-error"): slot.get_text(strip=True)
        for slot in page.select("span.error")
        if slot.get_text(strip=True)
    }


# ---- The page


def test_the_page_needs_a_signed_in_editor(client: TestClient) -> None:
    response = client.get("/statements/extract", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_page_offers_paste_upload_and_source_fields(editor: TestClient) -> None:
    response = editor.get("/statements/extract")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    page = soup(response.text)
    labels = {label.get_text(" ", strip=True) for label in page.select("form label")}
    assert {"The article", "Or upload it", "Address", "Outlet", "Published on", "Title"} <= labels
    assert page.select_one("nav a[aria-current=page]").get_text(strip=True) == "Read an article"
    assert not _candidates(response.text)


def test_a_seed_article_lists_its_statements_with_conditions_and_duplicates(editor: TestClient) -> None:
    response = _read(editor, text=ARTICLE_000.read_text(encoding="utf-8"), published_on="2024-08-04")
    assert response.status_code == 200
    found = _candidates(response.text)
    heading = soup(response.text).select_one("#found-title").get_text(" ", strip=True)
    assert heading.startswith(f"{len(found)} statements found")
    tusk = next(item for item in found if "Donald Tusk" in item.select_one(".statement__who").get_text())
    assert tusk.select_one(".statement__who a")["href"] == "/actors/donald-tusk"
    assert "Prime Minister of Poland" in tusk.select_one(".statement__who").get_text()
    marked = [mark.get_text() for mark in tusk.select("blockquote mark")]
    assert marked == ["would require NATO's involvement and approval"]
    terms, values = tusk.select("dt"), tusk.select("dd")
    facts = {dt.get_text(strip=True): " ".join(dd.get_text(" ").split()) for dt, dd in zip(terms, values, strict=True)}
    assert facts["Said"] == "8 Jul 2024" and facts["Topic"] == "Intercepting over Ukraine (suggested)"
    assert facts["Words"].startswith("Reported speech") and "English" in facts["Words"]
    # The seeded database holds this statement already: the candidate links to it.
    recorded = tusk.select(".warning-box a")
    assert recorded and all(link["href"].startswith("/statements/") for link in recorded)
    assert editor.get(recorded[0]["href"]).status_code == 200


def test_use_opens_the_add_form_filled_in_and_saves_nothing(editor: TestClient, seeded_db: Database) -> None:
    article = {"url": "https://example.org/tusk", "outlet": "Example News", "title": "Tusk on missiles"}
    article |= {"published_on": "2024-07-10"}
    found = _candidates(_read(editor, text=TUSK, **article).text)
    before = snapshot_tables(seeded_db)
    use = found[0].select_one("form[action='/statements/new']")
    fields = {field["name"]: field.get("value", "") for field in use.select("input[type=hidden]")}
    response = editor.post("/statements/new", data=fields | {"prefill": "1"})
    assert response.status_code == 200
    assert snapshot_tables(seeded_db) == before  # nothing saved yet
    page = soup(response.text)
    assert "Filled in from the article" in page.select_one("#prefilled").get_text()
    values = form_values(response.text)
    assert values["actor"] == "Donald Tusk" and values["office"] == "Prime Minister of Poland"
    assert values["country"] == "PL" and values["topic"] == "intercept-over-ukraine"
    assert values["condition"] == "only with NATO's approval"
    assert values["source_url"] == ["https://example.org/tusk"] and values["source_outlet"] == ["Example News"]
    assert "stance" not in values  # the stance is the editor's to choose
    assert page.select_one("input[name=stance][autofocus]") is not None
    # The editor chooses the stance and saves: the statement is recorded, citing the article.
    saved = editor.post("/statements/new", data=values | {"stance": "1"}, follow_redirects=False)
    assert saved.status_code == 303, _errors(saved.text)
    statement = soup(editor.get(saved.headers["location"]).text)
    assert statement.select_one(".statement__sources a")["href"] == "https://example.org/tusk"


def test_each_use_button_carries_its_own_submission_key(editor: TestClient) -> None:
    found = _candidates(_read(editor, text=ARTICLE_000.read_text(encoding="utf-8")).text)
    keys = [item.select_one("input[name=submission_key]")["value"] for item in found]
    assert len(found) > 1 and len(set(keys)) == len(keys)


def test_a_new_speaker_is_marked_not_on_record(editor: TestClient) -> None:
    found = _candidates(_read(editor, text=NEW_SPEAKER, published_on="2024-07-01").text)
    assert len(found) == 1
    who = found[0].select_one(".statement__who")
    assert "Ruth Example-Nobody" in who.get_text() and who.select_one("a") is None
    assert who.select_one(".tag").get_text(strip=True) == "not on record yet"


def test_an_uploaded_web_page_is_read_as_its_article(editor: TestClient) -> None:
    html = (ROOT / "tests" / "extraction" / "articles" / "en_ceasefire_air_policing.html").read_bytes()
    response = _read(editor, files={"file": ("article.html", html, "text/html")})
    assert response.status_code == 200 and _candidates(response.text)


def test_an_article_with_no_statements_points_to_the_blank_form(editor: TestClient) -> None:
    response = _read(editor, text="Air-raid sirens sounded across Kyiv overnight. Trains ran late in the morning.")
    assert response.status_code == 200
    section = soup(response.text).select_one("#found")
    assert section.select_one("h2").get_text(strip=True) == "No statements found"
    assert section.select_one("a[href='/statements/new']") is not None


# ---- Bad input: a message beside the field, what was typed kept, nothing written


@pytest.mark.parametrize(
    ("fields", "files", "field", "message"),
    [
        ({"text": "   "}, None, "text", "no text to read"),
        ({}, {"file": ("photo.png", PNG, "image/png")}, "file", "not text"),
        ({"text": "x", "published_on": "2024-02-30"}, None, "published_on", "date"),
        ({"text": "x", "published_on": "2999-01-01"}, None, "published_on", "future"),
        ({"text": TUSK}, {"file": ("a.txt", b"text", "text/plain")}, "text", "not both"),
    ],
)
def test_bad_input_is_named_beside_its_field(
    editor: TestClient, seeded_db: Database, fields: dict[str, str], files: Any, field: str, message: str
) -> None:
    before = snapshot_tables(seeded_db)
    response = _read(editor, files=files, **fields)
    assert response.status_code == 422
    errors = _errors(response.text)
    assert message.lower() in errors[field].lower(), errors
    summary = soup(response.text).select_one("#form-errors a")
    assert summary["href"] == f"#f-{field}"
    assert form_values(response.text, "form[action='/statements/extract']")["text"] == fields.get("text", "")
    assert snapshot_tables(seeded_db) == before


def test_an_article_over_1_mb_is_refused_beside_its_field(editor: TestClient) -> None:
    response = _read(editor, text="Word. " * 170_000)  # 1,020,000 bytes: over the article's 1 MB, within the upload's
    assert response.status_code == 413
    assert "over 1 MB" in _errors(response.text)["text"]


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(editor: TestClient) -> None:
    response = _read(editor, files={"file": ("huge.txt", b"a" * 5_000_000, "text/plain")})
    assert response.status_code == 413
    assert soup(response.text).select_one("h1").get_text(strip=True) == "Too large"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markup_in_an_article_comes_back_as_text(editor: TestClient, payload: str) -> None:
    text = f"Donald Tusk said: “We will look at {payload} with our allies.”"
    response = _read(editor, text=text, published_on="2024-07-10")
    assert response.status_code == 200
    page = soup(response.text)
    assert not page.select("main script, main iframe, main object, main embed, main svg, main img, main [onerror]")
    assert not page.select("main [hx-get], main [hx-on\\:click], main [onload], main [onfocus]")
    assert payload in page.select_one("main").get_text()


def test_scripts_in_an_uploaded_page_never_run_and_its_text_is_escaped(editor: TestClient) -> None:
    page = (
        "<html><head><title>Drones</title><script>document.title='owned'</script></head><body><article>"
        "<p>Donald Tusk said: “We will look at &lt;img src=x onerror=alert(1)&gt; with our allies.”</p>"
        "<script>alert('article')</script></article></body></html>"
    ).encode()
    response = _read(editor, files={"file": ("page.html", page, "text/html")}, published_on="2024-07-10")
    assert response.status_code == 200
    (found,) = _candidates(response.text)
    words = found.select_one("blockquote").get_text()
    assert words == "“We will look at <img src=x onerror=alert(1)> with our allies.”"
    assert not soup(response.text).select("main script, main img")
    assert "alert('article')" not in response.text and "owned" not in response.text


# ---- The API


@pytest.fixture
def token(seeded_db: Database) -> dict[str, str]:
    from app.accounts import service as accounts_service

    user_id = make_user(seeded_db, "script@example.org")
    with seeded_db.write() as session:
        user = accounts_service.get_user(session=session, user_id=user_id)
        created = accounts_service.create_token(session=session, user=user, name="extract")
    return {"Authorization": f"Bearer {created.token}"}


def test_the_api_finds_the_statements_of_the_seed_and_test_articles(client: TestClient, token: dict[str, str]) -> None:
    def read(case: Case) -> list[Candidate]:
        html = case.path.suffix == ".html"
        body = {"text": case.path.read_text(encoding="utf-8"), "html": html}
        response = client.post("/api/extract", json=body, headers=token)
        assert response.status_code == 200, response.text
        return [candidate_from_json(item) for item in response.json()["candidates"]]

    actors = all_known_actors()
    seed, invented = measure(seed_cases(), actors, read), measure(invented_cases(), actors, read)
    assert seed.gold == 25 and seed.recall >= 0.9 and seed.precision >= 0.5, table({"seed": seed})
    assert invented.recall >= 0.9 and invented.precision >= 0.8, table({"test": invented})


def test_the_api_reads_html_and_dates_from_the_article(client: TestClient, token: dict[str, str]) -> None:
    html = f"<html><head><title>Tusk</title></head><body><article><p>{TUSK}</p></article></body></html>"
    response = client.post(
        "/api/extract", json={"text": html, "html": True, "published_on": "2024-07-10"}, headers=token
    )
    assert response.status_code == 200
    (first, *_) = response.json()["candidates"]
    assert first["actor_slug"] == "donald-tusk" and first["said_on"] == "2024-07-08"
    assert set(first) == {
        "actor", "actor_slug", "office", "country", "quote", "quote_is_verbatim", "said_on",
        "date_precision", "date_is_report_date", "language", "topic", "condition", "context",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"text": ""}, 422, "text"),
        ({"text": "a" * 1_000_001}, 413, "text"),
        ({"text": TUSK, "stance": 2}, 422, "stance"),
        ({"text": TUSK, "published_on": "yesterday"}, 422, "published_on"),
        ({"text": 7}, 422, "text"),
        ({"text": TUSK, "published_on": -5e-324}, 422, "published_on"),
        ({"text": TUSK, "published_on": 1720569600}, 422, "published_on"),
        ({"text": TUSK, "html": "true"}, 422, "html"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(
    client: TestClient, token: dict[str, str], body: dict[str, Any], status: int, field: str
) -> None:
    response = client.post("/api/extract", json=body, headers=token)
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert any(error["field"].endswith(field) for error in errors), errors


def test_the_api_needs_a_token(client: TestClient) -> None:
    response = client.post("/api/extract", json={"text": TUSK})
    assert response.status_code == 401


def test_the_api_is_documented(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/extract"]["post"]
    assert operation["summary"] == "Read the candidate statements in an article"
    assert "/statements/extract" not in schema["paths"]


def test_reading_writes_nothing(client: TestClient, token: dict[str, str], seeded_db: Database) -> None:
    before = table_counts(seeded_db, "statement", "actor", "office", "source")
    response = client.post("/api/extract", json={"text": ARTICLE_000.read_text(encoding="utf-8")}, headers=token)
    assert response.status_code == 200 and response.json()["candidates"]
    assert table_counts(seeded_db, "statement", "actor", "office", "source") == before
