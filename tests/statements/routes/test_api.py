"""The JSON write API: POST and PATCH /api/statements with a personal API token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.accounts import service as accounts_service
from app.db import Database
from tests.support import assert_scores_match_rebuild, make_user, record_values, sign_in, snapshot_tables, table_counts

Tokens = Callable[[str], dict[str, str]]


@pytest.fixture
def token_for(seeded_db: Database) -> Tokens:
    """The Authorization header of a new editor's API token."""

    def make(email: str) -> dict[str, str]:
        user_id = make_user(seeded_db, email)
        with seeded_db.write() as session:
            user = accounts_service.get_user(session=session, user_id=user_id)
            token = accounts_service.create_token(session=session, user=user, name="script").token
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def auth(token_for: Tokens) -> dict[str, str]:
    return token_for("script@example.org")


def _create(client: TestClient, auth: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/statements", json=record_values(**overrides), headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


def test_post_stores_one_statement_and_answers_with_it(
    client: TestClient, seeded_db: Database, auth: dict[str, str]
) -> None:
    before = table_counts(seeded_db, "statement", "revision")
    response = client.post("/api/statements", json=record_values(condition="only over western Ukraine"), headers=auth)
    assert response.status_code == 201
    body = response.json()
    statement = body["statement"]
    assert response.headers["location"] == f"/statements/{statement['id']}.json"
    assert (statement["actor"]["name"], statement["office_rank"], statement["version"], statement["condition"]) == (
        "Radosław Sikorski",
        "minister",
        1,
        "only over western Ukraine",
    )
    assert body["created"] is True and body["reused_sources"] == [] and body["possible_duplicates"] == []
    assert table_counts(seeded_db, "statement", "revision") == {k: v + 1 for k, v in before.items()}
    public = client.get(f"/statements/{statement['id']}.json").json()
    assert public["statement"] == statement and public["revisions"][0]["via"] == "api"
    assert_scores_match_rebuild(seeded_db)


def test_an_idempotency_key_stores_one_statement(
    client: TestClient, seeded_db: Database, auth: dict[str, str], token_for: Tokens
) -> None:
    headers = auth | {"Idempotency-Key": "newsroom-2024-10-15-001"}
    first = client.post("/api/statements", json=record_values(), headers=headers)
    before = snapshot_tables(seeded_db)
    again = client.post("/api/statements", json=record_values(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["statement"]["id"] == first.json()["statement"]["id"] and again.json()["created"] is False
    assert snapshot_tables(seeded_db) == before
    # The key belongs to its user: another user's identical key is another submission.
    other = client.post(
        "/api/statements",
        json=record_values(quote="Another quote."),
        headers=token_for("other@example.org") | {"Idempotency-Key": "newsroom-2024-10-15-001"},
    )
    assert other.status_code == 201 and other.json()["statement"]["id"] != first.json()["statement"]["id"]
    for bad in ("", "x" * 201, "tab\there"):
        response = client.post("/api/statements", json=record_values(), headers=auth | {"Idempotency-Key": bad})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "Idempotency-Key", bad


def test_post_reports_reused_sources_and_possible_duplicates(client: TestClient, auth: dict[str, str]) -> None:
    first = _create(client, auth, quote="We are ready to shoot down drones over Ukraine.")
    second = _create(
        client,
        auth,
        quote="We are ready to shoot down the drones over Ukraine!",
        sources=[
            {"url": "https://EXAMPLE.org/news/1?utm_campaign=x", "outlet": "Example News", "title": "A test article"}
        ],
    )
    assert second["reused_sources"] == ["https://example.org/news/1"]
    assert second["possible_duplicates"] == [f"/statements/{first['statement']['id']}"]


def test_patch_changes_the_fields_given_at_the_version_given(
    client: TestClient, seeded_db: Database, auth: dict[str, str]
) -> None:
    statement_id = _create(client, auth)["statement"]["id"]
    response = client.patch(
        f"/api/statements/{statement_id}", json={"version": 1, "stance": 1, "condition": "with allies"}, headers=auth
    )
    assert response.status_code == 200
    statement = response.json()["statement"]
    assert (statement["version"], statement["stance"], statement["condition"], statement["quote"]) == (
        2,
        1,
        "with allies",
        record_values()["quote"],
    )
    cleared = client.patch(
        f"/api/statements/{statement_id}", json={"version": 2, "condition": None}, headers=auth
    ).json()["statement"]
    assert cleared["condition"] is None and cleared["version"] == 3
    same = client.patch(f"/api/statements/{statement_id}", json={"version": 3, "stance": 1}, headers=auth)
    assert same.status_code == 200 and same.json()["statement"]["version"] == 3  # nothing changed: no new version
    revisions = client.get(f"/statements/{statement_id}.json").json()["revisions"]
    assert [(r["version"], r["action"], r["via"]) for r in revisions] == [
        (1, "create", "api"),
        (2, "edit", "api"),
        (3, "edit", "api"),
    ]
    assert_scores_match_rebuild(seeded_db)


def test_patch_finds_a_new_actor_and_office_afresh(client: TestClient, auth: dict[str, str]) -> None:
    statement_id = _create(client, auth)["statement"]["id"]
    moved = client.patch(f"/api/statements/{statement_id}", json={"version": 1, "actor": "Donald Tusk"}, headers=auth)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["statement"]["office"], moved.json()["statement"]["office_rank"]) == (
        "Prime Minister of Poland",
        "head",
    )


def test_patch_without_the_current_version_is_a_conflict(
    client: TestClient, seeded_db: Database, auth: dict[str, str]
) -> None:
    statement_id = _create(client, auth)["statement"]["id"]
    client.patch(f"/api/statements/{statement_id}", json={"version": 1, "stance": 0}, headers=auth)
    before = snapshot_tables(seeded_db)
    missing = client.patch(f"/api/statements/{statement_id}", json={"stance": -2}, headers=auth)
    assert missing.status_code == 409
    assert missing.json()["current_version"] == 2 and missing.json()["errors"][0]["field"] == "version"
    stale = client.patch(f"/api/statements/{statement_id}", json={"version": 1, "stance": -2}, headers=auth)
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2 and body["current"]["stance"] == 0
    assert "it is at version 2, not 1" in body["errors"][0]["message"]
    assert snapshot_tables(seeded_db) == before


def test_patch_refusals_name_every_bad_field_and_write_nothing(
    client: TestClient, seeded_db: Database, auth: dict[str, str]
) -> None:
    statement_id = _create(client, auth)["statement"]["id"]
    before = snapshot_tables(seeded_db)
    cases = [
        ({"version": 1, "colour": "red", "stance": 9}, 422, {"colour"}),  # unknown fields first, named
        ({"version": 1, "stance": 9, "quote": "", "language": "de"}, 422, {"stance", "quote", "translation"}),
        ({"version": "one"}, 422, {"version"}),
        ({"version": True}, 422, {"version"}),
        ({"version": 1, "status": "retracted", "retraction_reason": "x"}, 422, {"status", "retraction_reason"}),
    ]
    for body, status, fields in cases:
        response = client.patch(f"/api/statements/{statement_id}", json=body, headers=auth)
        assert response.status_code == status, (body, response.text)
        assert {error["field"] for error in response.json()["errors"]} == fields, body
    assert client.patch("/api/statements/99999", json={"version": 1}, headers=auth).status_code == 404
    assert client.patch("/api/statements/abc", json={"version": 1}, headers=auth).status_code == 404
    assert snapshot_tables(seeded_db) == before


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"stance": "2"}, "stance", "not the text '2': write it without quotes"),
        ({"stance": 2.0}, "stance", "must be a whole number from -2 to +2"),
        ({"stance": True}, "stance", "must be a whole number from -2 to +2"),
        ({"said_on": 20241015}, "said_on", "is not a date written YYYY-MM-DD"),
        ({"said_on": "15/10/2024"}, "said_on", "is not a date written YYYY-MM-DD"),
        (
            {"sources": [{"url": "https://example.org/a", "outlet": "O", "title": "T", "published_on": 2024}]},
            "sources[0].published_on",
            "is not a date written YYYY-MM-DD",
        ),
        ({"date_is_report_date": "true"}, "date_is_report_date", "must be true or false"),
        ({"quote": 12345}, "quote", "string"),
    ],
)
def test_json_types_are_strict_and_the_error_names_the_field(
    client: TestClient, seeded_db: Database, auth: dict[str, str], overrides: dict[str, Any], field: str, words: str
) -> None:
    statement_id = _create(client, auth)["statement"]["id"]
    before = snapshot_tables(seeded_db)
    posted = client.post("/api/statements", json=record_values(**overrides), headers=auth)
    patched = client.patch(f"/api/statements/{statement_id}", json={"version": 1, **overrides}, headers=auth)
    for response in (posted, patched):
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert [error["field"] for error in errors] == [field], errors
        assert words in errors[0]["message"], errors
    assert snapshot_tables(seeded_db) == before


def test_the_api_needs_a_token_and_refuses_cross_site_browsers(
    client: TestClient, seeded_db: Database, auth: dict[str, str]
) -> None:
    before = snapshot_tables(seeded_db)
    anonymous = client.post("/api/statements", json=record_values())
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Bearer")
    assert (
        client.post(
            "/api/statements", json=record_values(), headers={"Authorization": "Bearer iw_nonsense"}
        ).status_code
        == 401
    )
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        response = client.post("/api/statements", json=record_values(), headers=auth | headers)
        assert response.status_code == 403 and response.json()["message"].startswith(
            "This request came from another site"
        )
    # A signed-in browser's cookies ride along: then the API wants the session's CSRF token too.
    make_user(seeded_db, "browser@example.org")
    token = sign_in(client, "browser@example.org")
    assert client.post("/api/statements", json=record_values(), headers=auth).status_code == 403
    assert snapshot_tables(seeded_db) != before  # signing in wrote its session; statements did not change
    assert table_counts(seeded_db, "statement") == {"statement": 24}
    assert (
        client.post("/api/statements", json=record_values(), headers=auth | {"X-CSRF-Token": token}).status_code == 201
    )


def test_the_openapi_document_describes_the_write_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/statements"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"actor", "said_on", "stance", "quote", "sources"} <= set(body["required"])
    assert body["additionalProperties"] is False and "$ref" not in str(body)
    assert {"200", "201", "401", "403", "422"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    patch = spec["paths"]["/api/statements/{statement_id}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"]["required"] == ["version"]
    assert {"200", "404", "409", "422"} <= set(patch["responses"])
    assert "current_version" in spec["components"]["schemas"]["ConflictOut"]["properties"]
