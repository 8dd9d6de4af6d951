"""Control characters in any path, query, form or JSON value: 422 naming the field, nothing written (issue 24)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.accounts import service as accounts_service
from app.db import Database
from app.web.inputs import control_character, json_strings, problems
from tests.support import form_fields, make_user, record_values, sign_in, snapshot_tables, soup

# Each answered 500 on PostgreSQL before: it can't hold a NUL, and the value reached a query.
ANONYMOUS_GETS = [
    ("/statements.json?actor=%00", "actor"),
    ("/statements.json?topic=a%00", "topic"),
    ("/statements?country=P%00", "country"),
    ("/actors/a%00b", "slug"),
    ("/actors/a%00b.json", "slug"),
    ("/countries/P%00.json", "code"),
    ("/matrix/cell.json?country=P%00&month=2024-09", "country"),
    ("/cell/P%00/2024-09", "code"),
    ("/statements.json?q=drone%07", "q"),
    ("/matrix.json?topic=%1Bx", "topic"),
]


def _field(response: Any) -> str:
    if response.headers["content-type"].startswith("application/json"):
        body = response.json()
        assert body["status"] == 422 and body["title"] == "Please correct the highlighted fields"
        return str(body["errors"][0]["field"])
    listed = soup(response.text).select_one(".error-list li strong")
    assert listed is not None, response.text[:500]
    return listed.get_text()


@pytest.mark.parametrize(("path", "field"), ANONYMOUS_GETS)
def test_a_control_character_in_a_path_or_query_is_refused_naming_it(
    shared_client: TestClient, path: str, field: str
) -> None:
    response = shared_client.get(path, follow_redirects=False)
    assert response.status_code == 422, response.text[:300]
    assert _field(response) == field
    assert "control character" in response.text


@pytest.fixture
def editor(client: TestClient, seeded_db: Database) -> str:
    """An admin signed in on the client; the session's CSRF token."""
    make_user(seeded_db, "admin@example.org", role="admin")
    return sign_in(client, "admin@example.org")


def _statement_form(csrf: str, **changes: Any) -> dict[str, Any]:
    return form_fields(record_values()) | {"csrf_token": csrf, "submission_key": "k-1"} | changes


FORM_POSTS = [
    ("/statements/new", {"actor": "a\x00b"}, "actor"),
    ("/statements/new", {"source_key": ["article:a\x00b"], "source_url": [""]}, "source_key"),
    ("/statements/new", {"quote": "Two lines\nare fine, a NUL\x00 is not."}, "quote"),
    ("/statements/form/check", {"actor": "a\x00b", "check": "actor"}, "actor"),
    ("/statements/1/edit", {"version": "1", "note": "why\x00"}, "note"),
    ("/admin/topics/a%00b", {"title": "A title", "question": "A question?"}, "slug"),
    ("/admin/topics", {"slug": "new-topic", "title": "A\x1ftitle", "question": "Q?"}, "title"),
    ("/account/tokens", {"name": "script\x00"}, "name"),
]


@pytest.mark.parametrize(("path", "changes", "field"), FORM_POSTS)
def test_a_control_character_in_a_form_is_refused_naming_it_and_nothing_is_written(
    client: TestClient, seeded_db: Database, editor: str, path: str, changes: dict[str, Any], field: str
) -> None:
    before = snapshot_tables(seeded_db, ignore=frozenset({"user_session.last_seen_at"}))
    data = _statement_form(editor, **changes) if path.startswith("/statements") else {"csrf_token": editor, **changes}
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 422, response.text[:300]
    assert _field(response) == field
    assert snapshot_tables(seeded_db, ignore=frozenset({"user_session.last_seen_at"})) == before


def test_the_actor_finder_refuses_a_control_character(client: TestClient, editor: str) -> None:
    response = client.get("/statements/form/actors?actor=%00", headers={"HX-Request": "true"})
    assert response.status_code == 422 and _field(response) == "actor"


def test_the_sign_in_form_refuses_a_control_character(client: TestClient, seeded_db: Database) -> None:
    page = client.get("/login")
    token = soup(page.text).select_one("input[name=csrf_token]")["value"]  # type: ignore[index]
    response = client.post("/login", data={"email": "a\x00@example.org", "password": "x" * 12, "csrf_token": token})
    assert response.status_code == 422 and _field(response) == "email"
    assert snapshot_tables(seeded_db)["login_attempt"] == []


def test_a_control_character_in_a_json_string_is_refused_naming_where(client: TestClient, seeded_db: Database) -> None:
    user_id = make_user(seeded_db, "script@example.org")
    with seeded_db.write() as session:
        user = accounts_service.get_user(session=session, user_id=user_id)
        token = accounts_service.create_token(session=session, user=user, name="script").token
    auth = {"Authorization": f"Bearer {token}"}
    before = snapshot_tables(seeded_db, ignore=frozenset({"api_token.last_used_at"}))
    record = record_values()
    record["sources"][0]["outlet"] = "Example\x00News"
    response = client.post("/api/statements", json=record, headers=auth)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["sources[0].outlet"]
    patched = client.patch("/api/statements/1", json={"version": 1, "actor": "a\x00"}, headers=auth)
    assert patched.status_code == 422 and patched.json()["errors"][0]["field"] == "actor"
    assert snapshot_tables(seeded_db, ignore=frozenset({"api_token.last_used_at"})) == before
    # Line breaks stay allowed in a block of text: the quote is saved with them.
    saved = client.post("/api/statements", json=record_values(quote="First line.\nSecond line."), headers=auth)
    assert saved.status_code == 201 and saved.json()["statement"]["quote"] == "First line.\nSecond line."


def test_line_breaks_and_tabs_pass_only_in_blocks_of_text() -> None:
    assert control_character("one\ntwo\tthree\r", multiline=True) is None
    assert control_character("one\ntwo", multiline=False) == "contains a control character (U+000A at position 4)"
    assert control_character("a\x00", multiline=True) == (
        "contains a control character other than line breaks (U+0000 at position 2)"
    )
    assert control_character("DEL\x7f and C1\x85", multiline=False) is not None
    assert control_character("Radosław Sikorski — «ok»", multiline=False) is None
    assert [e.field for e in problems([("quote", "a\nb"), ("note", "a\nb"), ("a\x00", "")])] == ["note", "a\\x00"]


def test_every_string_of_a_json_document_is_named_by_where_it_is() -> None:
    document = {"actor": "A", "sources": [{"url": "u", "tags": ["x"]}], "stance": 1}
    assert sorted(json_strings(document)) == [
        ("actor", "A"),
        ("sources[0].tags[0]", "x"),
        ("sources[0].url", "u"),
    ]
    assert list(json_strings(["a"])) == [("body[0]", "a")]
