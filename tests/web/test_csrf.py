"""CSRF: cross-site requests are refused before any route runs, and forms need their session's token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.web import csrf
from app.web.hosts import AllowedHosts
from tests.conftest import TEST_SECRET
from tests.support import (
    PASSWORD,
    form_token,
    make_user,
    sign_in,
    snapshot_tables,
    soup,
)
from tests.write_routes import write_routes

SITE = ("http", "testserver", 80)

MALFORMED_ORIGINS = [
    "http://[::1",
    "http://testserver:99999",
    "http://testserver:port",
    "testserver",
    "//testserver",
    "http://",
    "http://user@testserver",
    "http://testserver/path",
    "http://testserver?x=1",
    "http://testserver#x",
    "ftp://testserver",
    "javascript:alert(1)",
    "http://testserver, http://evil.example",
    " http://testserver",
    "http://tést.example",
    "%",
]


# The origin rules, as pure functions


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://testserver", ("http", "testserver", 80)),
        ("https://Example.ORG", ("https", "example.org", 443)),
        ("http://example.org:8000", ("http", "example.org", 8000)),
        ("http://[::1]:8000", ("http", "::1", 8000)),
        ("https://example.org:443", ("https", "example.org", 443)),
    ],
)
def test_origins_are_read_as_scheme_host_and_port(value: str, expected: csrf.Origin) -> None:
    assert csrf.parse_origin(value) == expected


@pytest.mark.parametrize("value", MALFORMED_ORIGINS)
def test_malformed_origins_are_refused_as_such(value: str) -> None:
    with pytest.raises(csrf.BadOrigin):
        csrf.parse_origin(value)


TESTSERVER = AllowedHosts.parse("testserver")


def _scope(headers: dict[str, str], scheme: str = "http", host: str = "testserver") -> dict[str, object]:
    pairs = [(b"host", host.encode())] + [(k.lower().encode(), v.encode("latin-1")) for k, v in headers.items()]
    return {"type": "http", "method": "POST", "scheme": scheme, "headers": pairs, "server": ("testserver", 80)}


@pytest.mark.parametrize(
    ("headers", "scheme", "refused"),
    [
        ({}, "http", None),  # scripts and the command line send neither header
        ({"Origin": "http://testserver"}, "http", None),
        ({"Origin": "http://testserver:80"}, "http", None),
        ({"Origin": "https://testserver"}, "https", None),
        ({"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}, "http", None),
        ({"Sec-Fetch-Site": "none"}, "http", None),
        ({"Origin": "https://testserver"}, "http", csrf.CROSS_SITE),  # another scheme is another origin
        ({"Origin": "http://testserver:8080"}, "http", csrf.CROSS_SITE),
        ({"Origin": "http://sub.testserver"}, "http", csrf.CROSS_SITE),
        ({"Origin": "http://evil.example"}, "http", csrf.CROSS_SITE),
        ({"Origin": "null"}, "http", csrf.CROSS_SITE),
        ({"Sec-Fetch-Site": "cross-site"}, "http", csrf.CROSS_SITE),
        ({"Sec-Fetch-Site": "Cross-Site", "Origin": "http://testserver"}, "http", csrf.CROSS_SITE),
        ({"Origin": "http://[::1"}, "http", csrf.UNREADABLE_ORIGIN),
    ],
)
def test_where_a_request_comes_from(headers: dict[str, str], scheme: str, refused: str | None) -> None:
    assert csrf.cross_site_refusal(_scope(headers, scheme), TESTSERVER) == refused  # type: ignore[arg-type]


def test_a_request_with_an_unreadable_host_and_an_origin_is_refused() -> None:
    scope = _scope({"Origin": "http://testserver"}, host="bad host")
    assert csrf.cross_site_refusal(scope, TESTSERVER) == csrf.CROSS_SITE  # type: ignore[arg-type]


def test_the_origin_is_compared_with_the_allowed_hosts_not_the_requests_own_host() -> None:
    # Before IW_ALLOWED_HOSTS, a request that named evil.example as its own Host passed as same-origin.
    scope = _scope({"Origin": "http://evil.example"}, host="evil.example")
    assert csrf.cross_site_refusal(scope, AllowedHosts.parse("127.0.0.1,localhost")) == csrf.CROSS_SITE  # type: ignore[arg-type]
    # Every allowed name is this site's own, whichever the request named.
    both = AllowedHosts.parse("watch.example.org,www.watch.example.org")
    scope = _scope({"Origin": "https://www.watch.example.org"}, scheme="https", host="watch.example.org")
    assert csrf.cross_site_refusal(scope, both) is None  # type: ignore[arg-type]
    # With '*' any Host is served, so the Origin must be the request's own.
    anything = AllowedHosts.parse("*")
    assert csrf.cross_site_refusal(_scope({"Origin": "http://testserver"}), anything) is None  # type: ignore[arg-type]
    assert csrf.cross_site_refusal(_scope({"Origin": "http://evil.example"}), anything) == csrf.CROSS_SITE  # type: ignore[arg-type]


def test_anonymous_tokens_are_signed_with_the_secret() -> None:
    token = csrf.new_anonymous_token("secret one")
    assert csrf.valid_anonymous_token(token, "secret one")
    assert not csrf.valid_anonymous_token(token, "secret two")
    value, signature = token.split(".")
    assert not csrf.valid_anonymous_token(f"{value}x.{signature}", "secret one")
    assert not csrf.valid_anonymous_token(value, "secret one")
    assert not csrf.valid_anonymous_token(None, "secret one")


# Through the app


def _signed_in(client: TestClient, database: Database) -> str:
    make_user(database, "editor@example.org")
    return sign_in(client, "editor@example.org")


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
    ],
)
def test_a_cross_site_post_is_refused_and_writes_nothing(
    client: TestClient, seeded_db: Database, headers: dict[str, str]
) -> None:
    token = _signed_in(client, seeded_db)
    before = snapshot_tables(seeded_db)
    response = client.post("/account/tokens", data={"name": "stolen", "csrf_token": token}, headers=headers)
    assert response.status_code == 403
    assert "came from another site" in soup(response.text).get_text()
    assert "content-security-policy" in response.headers and response.headers["cache-control"] == "no-store"
    assert snapshot_tables(seeded_db) == before


@pytest.mark.parametrize("origin", MALFORMED_ORIGINS)
def test_a_malformed_origin_is_refused_with_403_not_500(client: TestClient, seeded_db: Database, origin: str) -> None:
    token = _signed_in(client, seeded_db)
    before = snapshot_tables(seeded_db)
    headers = {"Origin": origin.encode()}  # raw bytes: non-ASCII is sent as UTF-8, as a forged request could
    response = client.post("/account/tokens", data={"name": "x", "csrf_token": token}, headers=headers)
    assert response.status_code == 403
    assert snapshot_tables(seeded_db) == before


def test_a_cross_site_refusal_is_json_for_json_clients(client: TestClient) -> None:
    response = client.post(
        "/api/anything", json={}, headers={"Origin": "http://evil.example", "Accept": "application/json"}
    )
    assert response.status_code == 403
    assert response.json()["message"] == csrf.CROSS_SITE


def test_the_sign_in_form_is_protected_too(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    data = {"email": "editor@example.org", "password": PASSWORD}
    before = snapshot_tables(seeded_db)
    # Cross-site: refused before the form is read.
    token = form_token(client)
    assert (
        client.post("/login", data={**data, "csrf_token": token}, headers={"Origin": "http://evil.example"}).status_code
        == 403
    )
    # No token, a wrong one, or a token signed by another secret: refused.
    assert client.post("/login", data=data).status_code == 403
    assert client.post("/login", data={**data, "csrf_token": token + "x"}).status_code == 403
    forged = csrf.new_anonymous_token("another secret")
    client.cookies.set(csrf.ANONYMOUS_COOKIE, forged)
    assert client.post("/login", data={**data, "csrf_token": forged}).status_code == 403
    # A token without its cookie (cookies off, or posted from elsewhere): refused, saying why.
    client.cookies.clear()
    response = client.post("/login", data={**data, "csrf_token": token})
    assert response.status_code == 403 and "allow them for this site" in response.text
    assert snapshot_tables(seeded_db) == before
    # The real thing works.
    assert (
        client.post("/login", data={**data, "csrf_token": form_token(client)}, follow_redirects=False).status_code
        == 303
    )


def test_the_anonymous_token_survives_reloads_so_two_tabs_both_work(client: TestClient) -> None:
    first = form_token(client)
    assert form_token(client) == first
    assert "set-cookie" not in client.get("/login").headers


def test_a_signed_in_form_needs_its_sessions_token(client: TestClient, clients_on, seeded_db: Database) -> None:  # type: ignore[no-untyped-def]
    token = _signed_in(client, seeded_db)
    make_user(seeded_db, "other@example.org")
    other = clients_on()
    other_token = sign_in(other, "other@example.org")
    before = snapshot_tables(seeded_db)
    for data, headers in (
        ({"name": "x"}, {}),
        ({"name": "x", "csrf_token": ""}, {}),
        ({"name": "x", "csrf_token": other_token}, {}),  # another session's token
        ({"name": "x", "csrf_token": csrf.new_anonymous_token(TEST_SECRET)}, {}),  # an anonymous token
        ({"name": "x"}, {"X-CSRF-Token": token + "x"}),
        ({"name": "x", "csrf_token": "ünïcode"}, {}),
    ):
        response = client.post("/account/tokens", data=data, headers=headers)
        assert response.status_code == 403, (data, headers)
        assert "This form has expired" in response.text
    assert snapshot_tables(seeded_db) == before
    assert client.post("/account/tokens", data={"name": "x", "csrf_token": token}).status_code == 201
    htmx = client.post("/account/tokens", data={"name": "y"}, headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert htmx.status_code == 201


def test_a_token_from_a_session_that_ended_asks_to_sign_in_again(client: TestClient, seeded_db: Database) -> None:
    token = _signed_in(client, seeded_db)
    cookie = client.cookies["iw_session"]
    client.post("/logout", data={"csrf_token": token})
    client.cookies.set("iw_session", cookie)
    before = snapshot_tables(seeded_db)
    response = client.post("/account/tokens", data={"name": "x", "csrf_token": token})
    assert response.status_code == 401 and "Your session has ended" in response.text
    assert soup(response.text).select_one("a[href='/login']") is not None
    htmx = client.post(
        "/account/tokens",
        data={"name": "x"},
        headers={"X-CSRF-Token": token, "HX-Request": "true", "HX-Current-URL": "http://testserver/account?tab=1"},
    )
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"] == "/login?next=%2Faccount%3Ftab%3D1"
    assert snapshot_tables(seeded_db) == before


def test_bearer_requests_without_cookies_need_no_form_token(client: TestClient, seeded_db: Database) -> None:
    client.cookies.clear()
    response = client.post("/logout", headers={"Authorization": "Bearer iw_x"}, follow_redirects=False)
    assert response.status_code == 303  # past the token check (nobody to sign out)
    client.cookies.set("iw_session", "whatever")
    assert client.post("/logout", headers={"Authorization": "Bearer iw_x"}).status_code == 401


def test_every_write_route_refuses_a_cross_site_request(client: TestClient, seeded_db: Database) -> None:
    token = _signed_in(client, seeded_db)
    for method, path in write_routes(client.app):
        url = path.replace("{", "").replace("}", "")  # any value: the middleware refuses before routing
        before = snapshot_tables(seeded_db)
        for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://[::1"}):
            response = client.request(method, url, data={"csrf_token": token}, headers=headers)
            assert response.status_code == 403, (method, path, headers)
        assert snapshot_tables(seeded_db) == before


@pytest.fixture
def clients_on(seeded_url: str, make_client):  # type: ignore[no-untyped-def]
    """Another browser on the same database as `client`."""
    return lambda: make_client(seeded_url)
