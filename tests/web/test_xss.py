"""Markup typed into any text field comes back as text, on every page and in every format; headers hold everywhere."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.main import create_app
from app.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import settings_for
from tests.support import XSS_PAYLOADS, make_user, sign_in, soup, store_xss_statements


def _no_markup_from_payloads(html: str) -> None:
    """None of the payloads' tags or attributes exist in the page as markup."""
    page = soup(html)
    assert page.select("[onerror], [onload], [onfocus], [ontoggle], [onstart], [hx-on\\:click]") == []
    assert page.select("iframe, object, embed, marquee, math, xss, mglyph") == []
    assert page.select("script:not([src])") == []
    assert page.select("a[href^='javascript:']") == []
    assert not [tag for tag in page.select("[hx-get]") if tag.get("hx-get") == "/logout"]
    assert page.select("img[src=x], body body, input[autofocus]") == []
    for payload in XSS_PAYLOADS:
        if "<" in payload:
            assert payload not in html


def test_payloads_in_every_text_field_render_as_text_everywhere(client: TestClient, seeded_db: Database) -> None:
    ids = store_xss_statements(seeded_db)
    make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    pages = [
        "/statements?country=EE",
        "/countries/EE",
        "/matrix?topic=intercept-over-ukraine&to=2024-10&cell=EE%3A2024-10",
        "/matrix/cell?country=EE&month=2024-10&topic=intercept-over-ukraine",
        *[f"/statements/{statement_id}" for statement_id in ids],
        *[f"/statements/{statement_id}/edit" for statement_id in ids[:5]],
    ]
    actor_pages = [
        f"/actors/{slug}"
        for slug in {card["actor"]["slug"] for card in client.get("/statements.json?country=EE").json()["statements"]}
    ]
    for path in pages + actor_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        _no_markup_from_payloads(response.text)
    # Each payload is there as text, where a reader looks for it.
    page = soup(client.get(f"/statements/{ids[0]}").text)
    assert page.select_one("blockquote").get_text() == f"“{XSS_PAYLOADS[0]}”"  # type: ignore[union-attr]
    assert page.select_one("h1").get_text().startswith(f"{XSS_PAYLOADS[0]} #0 on ")  # type: ignore[union-attr]
    edit = soup(client.get(f"/statements/{ids[7]}/edit").text)
    assert edit.select_one("#f-quote").get_text() == XSS_PAYLOADS[7]  # the </textarea> stayed inside it  # type: ignore[union-attr]
    assert edit.select_one("#f-condition")["value"] == XSS_PAYLOADS[7]  # type: ignore[index]
    chart_titles = [title.get_text() for title in soup(client.get("/countries/EE").text).select("svg title")]
    assert any(XSS_PAYLOADS[2] in title for title in chart_titles)
    suggestions = client.get("/statements/form/actors", params={"actor": "script alert"})
    _no_markup_from_payloads(suggestions.text)
    assert "<script>alert(1)</script> #0" in [
        b.select_one(".suggestion__name").get_text() for b in soup(suggestions.text).select("button")
    ]  # type: ignore[union-attr]


def test_payloads_come_back_exact_in_json_and_safe_in_csv(client: TestClient, seeded_db: Database) -> None:
    ids = store_xss_statements(seeded_db)
    for statement_id, payload in zip(ids, XSS_PAYLOADS, strict=True):
        response = client.get(f"/statements/{statement_id}.json")
        assert (
            response.headers["content-type"] == "application/json"
            and response.headers["x-content-type-options"] == "nosniff"
        )
        body = response.json()["statement"]
        assert (body["quote"], body["condition"], body["sources"][0]["outlet"], body["sources"][0]["title"]) == (
            payload,
        ) * 4
        assert body["actor"]["name"] == f"{payload} #{ids.index(statement_id)}"
    rows = list(csv.DictReader(io.StringIO(client.get("/statements.csv?country=EE").text)))
    assert len(rows) == len(XSS_PAYLOADS)
    for row in rows:
        quote = row["quote"]
        assert quote in XSS_PAYLOADS or quote.removeprefix("'") in XSS_PAYLOADS
        assert not quote.startswith(("=", "+", "-", "@"))  # a formula is defused with a leading apostrophe


def _headers_ok(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]


def test_security_headers_on_200_404_422_and_500(seeded_url: str, seeded_db: Database) -> None:
    app = create_app(settings_for(seeded_url))

    @app.get("/test-only/boom")
    def boom() -> None:
        raise RuntimeError("a bug, for this test only")

    with TestClient(app, raise_server_exceptions=False) as client:
        make_user(seeded_db, "editor@example.org")
        token = sign_in(client, "editor@example.org")
        answers = {
            200: client.get("/statements/new"),
            404: client.get("/statements/99999/edit"),
            422: client.post("/statements/new", data={"csrf_token": token, "stance": "9"}),
            500: client.get("/test-only/boom"),
        }
        answers[500 + 1] = client.get("/test-only/boom", headers={"Accept": "application/json"})
    for status, response in answers.items():
        assert response.status_code == min(status, 500), status
        _headers_ok(response)
    assert "a bug" not in answers[500].text and "Traceback" not in answers[500].text
    assert answers[501].json()["status"] == 500


@pytest.mark.parametrize("path", ["/api/statements"])
def test_api_refusals_carry_the_headers_too(client: TestClient, path: str) -> None:
    _headers_ok(client.post(path, json={}))
