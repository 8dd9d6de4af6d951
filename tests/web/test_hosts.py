"""Only the allowed host names are served (IW_ALLOWED_HOSTS): any other Host gets 400, with a page saying why."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.web.hosts import NO_HOST, AllowedHosts, host_name, not_served
from tests.conftest import settings_for
from tests.support import LiveServer, make_user, raw_exchange, sign_in, snapshot_tables, soup


def test_the_default_serves_only_this_machine() -> None:
    assert Settings(_env_file=None).allowed_hosts == "127.0.0.1,localhost"  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("example.org", "example.org"),
        ("Example.ORG:8000", "example.org"),
        ("example.org.", "example.org"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("bad host", None),
        ("example.org:port", None),
        ("user@example.org", None),
        ("", None),
    ],
)
def test_a_host_header_is_read_as_its_name(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_names_domains_and_any() -> None:
    hosts = AllowedHosts.parse(" watch.example.org, .intercept.example ,[::1]")
    assert [hosts.allows(name) for name in ("watch.example.org", "intercept.example", "www.intercept.example")] == [
        True,
        True,
        True,
    ]
    assert not any(hosts.allows(name) for name in ("example.org", "evil.example", "badintercept.example"))
    assert hosts.allows("::1")
    assert AllowedHosts.parse("*").allows("anything.example")


def test_another_host_gets_a_page_saying_so(shared_client: TestClient) -> None:
    response = shared_client.get("/statements", headers={"Host": "evil.example"})
    assert response.status_code == 400
    page = soup(response.text)
    assert page.select_one("h1").get_text(strip=True) == "That request can't be answered"
    assert not_served("evil.example") in page.select_one("main").get_text(" ", strip=True)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert not page.select("a[href*='evil.example']")


def test_another_host_gets_json_from_the_json_twins(shared_client: TestClient) -> None:
    response = shared_client.get("/statements.json", headers={"Host": "evil.example:8000"})
    assert response.status_code == 400
    assert response.json()["message"] == not_served("evil.example:8000")


def test_the_allowed_names_are_served(shared_client: TestClient) -> None:
    for host in ("testserver", "127.0.0.1:8000", "LOCALHOST"):
        assert shared_client.get("/statements", headers={"Host": host}).status_code == 200, host


def test_a_post_for_another_host_from_its_own_origin_is_refused(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    token = sign_in(client, "editor@example.org")
    before = snapshot_tables(seeded_db)
    response = client.post(
        "/account/tokens",
        data={"name": "stolen", "csrf_token": token},
        headers={"Host": "evil.example", "Origin": "http://evil.example"},
    )
    assert response.status_code == 400
    assert not_served("evil.example") in soup(response.text).get_text(" ", strip=True)
    assert snapshot_tables(seeded_db) == before
    allowed = client.post("/account/tokens", data={"name": "mine", "csrf_token": token}, follow_redirects=False)
    assert allowed.status_code == 201  # the same post to this site's own host goes through


def test_the_default_does_not_serve_the_test_clients_name(seeded_url: str) -> None:
    settings = settings_for(seeded_url).model_copy(update={"allowed_hosts": "127.0.0.1,localhost"})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/statements").status_code == 400  # "testserver" is allowed only by the tests' settings


def test_over_a_socket_another_host_and_no_host_are_refused(seeded_url: str) -> None:
    with LiveServer(settings_for(seeded_url)) as server:
        ours = raw_exchange(server.port, b"GET /statements.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        theirs = raw_exchange(server.port, b"GET /statements.json HTTP/1.1\r\nHost: evil.example\r\n\r\n")
        nobody = raw_exchange(server.port, b"GET /statements.json HTTP/1.0\r\n\r\n")
    assert (ours.statuses, theirs.statuses, nobody.statuses) == ([200], [400], [400])


def test_no_host_is_explained() -> None:
    assert "no Host header" in NO_HOST
