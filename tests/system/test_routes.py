"""/healthz reports the store's dialect, migration and contents."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.system import migrations
from tests.support import seed_counts


def test_health_reports_the_seeded_store(shared_client: TestClient, dialect: str) -> None:
    response = shared_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["dialect"] == dialect
    assert body["migration_revision"] == body["migration_head"] == migrations.head_revision()
    assert (
        body["counts"]["countries"] == seed_counts()["countries"]
    )  # the tests' seed: every country, the articles' statements
    assert body["counts"]["actors"] == 11 and body["counts"]["statements"] == 24
    assert body["rule_version"] == 1 and body["data_version"] >= 1
    assert set(body) == {
        "status",
        "version",
        "dialect",
        "migration_revision",
        "migration_head",
        "rule_version",
        "data_version",
        "counts",
    }
    assert response.headers["cache-control"] == "no-store"


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
