"""/healthz answers from two one-row reads; /stats.json counts what the store holds."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, text

from app.system import migrations
from tests.support import add_statement, record_values, seed_counts

# Tables /healthz may read: each holds one row, whatever the store holds.
ONE_ROW_TABLES = {"alembic_version", "app_state"}


def test_health_reports_the_migrated_store(shared_client: TestClient, dialect: str) -> None:
    response = shared_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["dialect"] == dialect
    assert body["migration_revision"] == body["migration_head"] == migrations.head_revision()
    assert body["rule_version"] == 1 and body["data_version"] >= 1
    assert set(body) == {
        "status",
        "version",
        "dialect",
        "migration_revision",
        "migration_head",
        "rule_version",
        "data_version",
    }
    assert response.headers["cache-control"] == "no-store"


def _tables(sql: str) -> set[str]:
    return {name.strip('"').lower() for name in re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([\w\"]+)", sql, re.I)}


def test_health_reads_only_one_row_tables(client: TestClient) -> None:
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/healthz").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    read = set().union(*map(_tables, sent))
    assert "alembic_version" in read and "app_state" in read  # it does look: reachable, and at head
    assert read <= ONE_ROW_TABLES, sent
    assert not any(re.search(r"\bcount\s*\(", statement, re.I) for statement in sent), sent


def test_health_says_when_the_store_needs_migrating(client: TestClient) -> None:
    with client.app.state.db.write() as session:  # type: ignore[attr-defined]
        session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "needs migration" and response.json()["migration_revision"] == "0001"


def test_stats_count_the_seeded_store(shared_client: TestClient) -> None:
    response = shared_client.get("/stats.json")
    assert response.status_code == 200
    counts = response.json()["counts"]
    assert counts["countries"] == seed_counts()["countries"]  # the tests' seed: every country, the articles' statements
    assert counts["actors"] == 11 and counts["statements"] == 24 == counts["published"] + counts["retracted"]
    again = shared_client.get("/stats.json", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_stats_follow_a_new_statement(client: TestClient) -> None:
    before = client.get("/stats.json").json()["counts"]["statements"]
    with client.app.state.db.write() as session:  # type: ignore[attr-defined]
        add_statement(session, record_values())
    assert client.get("/stats.json").json()["counts"]["statements"] == before + 1


def test_every_response_carries_the_security_headers(shared_client: TestClient) -> None:
    for path in ("/healthz", "/no-such-page"):
        response = shared_client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"]


def test_pages_are_gzipped_for_clients_that_ask(shared_client: TestClient) -> None:
    plain = shared_client.get("/statements", headers={"Accept-Encoding": "identity"})
    zipped = shared_client.get("/statements", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["vary"]
    assert zipped.text == plain.text  # the client unzips: the same page
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
