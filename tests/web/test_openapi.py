"""The OpenAPI document tells the truth: every status each operation answers, real values, and schemathesis agrees.

The schemathesis runs here are the small version of `make fuzz` (tools/fuzz.py): every check, signed
out and as an editor, on SQLite and PostgreSQL. IW_FUZZ_EXAMPLES sets the examples per operation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from tests.conftest import DatabaseFactory, settings_for
from tests.support import LiveServer, make_user, sign_in
from tools import fuzz

CI_EXAMPLES = int(os.environ.get("IW_FUZZ_EXAMPLES", "5"))
# A fixed seed in the suite, so a run is repeatable; `make fuzz` draws a new one each time.


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_every_operation_documents_every_status_it_can_answer_with_the_error_body(shared_client: TestClient) -> None:
    spec = shared_client.get("/openapi.json").json()
    assert "HTTPValidationError" not in str(spec)
    problem = {"$ref": "#/components/schemas/ProblemOut"}
    for method, path, operation in _operations(spec):
        responses = operation["responses"]
        assert responses["422"]["content"]["application/json"]["schema"] == problem, (method, path)
        assert responses["400"]["content"]["application/json"]["schema"] == problem, (method, path)  # Host
        if "{" in path:
            assert responses["404"]["content"]["application/json"]["schema"] == problem, (method, path)
        if method == "get":
            assert "content" not in responses["304"], path
        if path.startswith("/api/"):
            assert {"400", "401", "403", "413"} <= set(responses) and operation["security"] == [{"bearer": []}]
        else:
            assert "401" not in responses and "security" not in operation, path
        if "text/html" in responses.get("200", {}).get("content", {}) or path in ("/statements", "/matrix"):
            assert "text/html" in responses["422"]["content"], path  # a page's errors are pages
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert set(spec["paths"]["/statements"]["get"]["responses"]) >= {"303", "404"}  # canonical URL, foreign token


def _parameter(spec: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name)
    return found["schema"]


def test_parameters_carry_their_real_values(shared_client: TestClient) -> None:
    spec = shared_client.get("/openapi.json").json()
    topics = _parameter(spec, "/matrix.json", "topic")["enum"]
    assert topics[:2] == ["", "intercept-over-ukraine"] and "no-fly-zone" in topics
    codes = _parameter(spec, "/countries/{code}.json", "code")["enum"]
    assert {"PL", "NATO", "UA"} <= set(codes) and "" not in codes
    history = "/statements.json"
    assert _parameter(spec, history, "stance")["items"]["enum"] == ["", "-2", "-1", "0", "1", "2"]
    assert "PL" in _parameter(spec, history, "country")["items"]["enum"]
    assert "radoslaw-sikorski" in _parameter(spec, history, "actor")["enum"]
    day = re.compile(_parameter(spec, history, "from")["pattern"])
    assert day.fullmatch("2024-02-29") and day.fullmatch("") and not day.fullmatch("2023-02-29")
    month = re.compile(_parameter(spec, "/matrix.json", "to")["pattern"])
    assert month.fullmatch("2024-09") and not month.fullmatch("2024-13")
    token = re.compile(_parameter(spec, history, "after")["pattern"])
    assert token.fullmatch("2024-07-13.1234.4yj0uBPbGf82mOVB") and not token.fullmatch("2024-07-13.5.bogus")
    cell = re.compile(_parameter(spec, "/matrix", "cell")["pattern"])
    assert cell.fullmatch("PL:2024-09") and not cell.fullmatch("XX:2024-09")
    assert _parameter(spec, "/matrix/cell.json", "month")["pattern"].startswith("^(")  # required: never empty
    assert _parameter(spec, "/statements.atom", "after")["maxLength"] == 0
    slug = re.compile(_parameter(spec, "/actors/{slug}", "slug")["pattern"])
    assert slug.fullmatch("radoslaw-sikorski") and not slug.fullmatch("a\x00b")
    body = spec["paths"]["/api/statements"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    quote = re.compile(body["properties"]["quote"]["pattern"])
    actor = re.compile(body["properties"]["actor"]["pattern"])
    assert quote.fullmatch("one\ntwo") and not actor.fullmatch("one\ntwo") and not quote.fullmatch("a\x00")


def test_the_document_lists_a_topic_as_soon_as_it_is_added(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "admin@example.org", role="admin")
    before = _parameter(client.get("/openapi.json").json(), "/matrix.json", "topic")["enum"]
    csrf = sign_in(client, "admin@example.org")
    added = client.post(
        "/admin/topics",
        data={"csrf_token": csrf, "slug": "air-bridge", "title": "Air bridge", "question": "Should NATO fly it?"},
    )
    assert added.status_code == 200, added.text[:300]
    after = _parameter(client.get("/openapi.json").json(), "/matrix.json", "topic")["enum"]
    assert "air-bridge" not in before and after == [*before, "air-bridge"]


def test_a_page_token_this_site_did_not_sign_names_no_page(shared_client: TestClient) -> None:
    response = shared_client.get("/statements.json?after=2024-07-13.1234.4yj0uBPbGf82mOVB")
    assert response.status_code == 404
    assert "after" in response.json()["message"] and response.json()["errors"] == []


def test_the_fuzzer_leaves_out_only_what_breaks_a_rule_between_parameters() -> None:
    today = date(2026, 12, 6)
    rules = fuzz.breaks_a_rule_between_parameters
    assert rules("/statements.json", {"from": "2024-09-01", "to": "2024-07-01"}, today)
    assert not rules("/statements.json", {"from": "2024-07-01", "to": "2024-09-01"}, today)
    assert not rules("/statements.json", {"from": "2024-09-01", "to": "not a day"}, today)  # refused for itself
    assert rules("/statements.json", {"after": "x", "before": "y"}, today)
    assert rules("/countries/{code}", {"as_of": "2026-12-07"}, today)
    assert rules("/matrix.json", {"to": "2027-01"}, today)
    assert rules("/matrix.json", {"from": "1950-01"}, today)  # 120 months at most
    assert rules("/matrix", {"from": "2026-01", "as_of": "2025-06-01"}, today)  # as_of ends the window first
    assert not rules("/matrix", {"from": "2024-01", "to": "2025-06-30"}, today)
    assert rules("/matrix/cell.json", {"month": "2024-11", "as_of": "2024-10-31"}, today)
    assert rules("/matrix", {"cell": "AL:2020-10", "as_of": "1956-12-31"}, today)


@pytest.mark.slow
@pytest.mark.parametrize("who", fuzz.WHO)
def test_schemathesis_finds_nothing_signed_out_or_as_an_editor(
    dialect: str, factories: dict[str, DatabaseFactory], tmp_path: Path, who: str
) -> None:
    url = factories[dialect].create_blank()
    token = fuzz.prepare(url)
    with LiveServer(settings_for(url)) as live:
        figures = fuzz.fuzz(
            live.url, token=token if who == "editor" else None, examples=CI_EXAMPLES, workdir=tmp_path, seed_value=24
        )
    assert len(figures.cases) >= 20 and min(figures.cases.values()) >= CI_EXAMPLES
    assert not figures.failures and figures.exit_code == 0, "\n".join(figures.messages)[-8000:]
