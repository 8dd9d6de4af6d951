"""Signing in and out, sessions and their cookie, the account page's API tokens, and the admins' user page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update

from app.accounts import repository as accounts_repository
from app.accounts.models import ApiToken, LoginAttempt, User, UserSession
from app.accounts.routes import BAD_CREDENTIALS, safe_next
from app.db import Database, utcnow
from tests.conftest import settings_for
from tests.support import (
    LONG_PASSWORD,
    PASSWORD,
    add_statement,
    form_token,
    make_user,
    record_values,
    sign_in,
    snapshot_tables,
    soup,
)

Clients = Callable[..., TestClient]


@pytest.fixture
def clients(seeded_url: str) -> Clients:
    """More browsers on the same database, each with its own address and scheme if asked."""
    from app.main import create_app

    made: list[TestClient] = []

    def make(address: str = "203.0.113.1", base_url: str = "http://testserver") -> TestClient:
        client = TestClient(
            create_app(settings_for(seeded_url)),
            base_url=base_url,
            client=(address, 50000),
            raise_server_exceptions=False,
        )
        client.__enter__()
        made.append(client)
        return client

    yield make  # type: ignore[misc]
    for client in made:
        client.__exit__(None, None, None)


def _cookie(response, name: str) -> SimpleCookie:  # type: ignore[no-untyped-def]
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            parsed = SimpleCookie()
            parsed.load(header)
            return parsed
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def _session_rows(database: Database) -> list[UserSession]:
    with database.read_session() as session:
        return list(session.execute(select(UserSession).order_by(UserSession.created_at)).scalars())


def _login(client: TestClient, email: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {"email": email, "password": password, "csrf_token": form_token(client), **extra}
    return client.post("/login", data=data, follow_redirects=False)


def _message(response) -> str:  # type: ignore[no-untyped-def]
    found = soup(response.text).select_one(".form-error")
    return found.get_text(" ", strip=True) if found else ""


# The sign-in page


def test_the_sign_in_page_is_a_plain_labelled_form(client: TestClient) -> None:
    response = client.get("/login?next=/account")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = soup(response.text)
    form = page.select_one("form[action='/login'][method='post']")
    assert form is not None
    for control in form.select("input:not([type=hidden]), select, textarea"):
        assert page.select_one(f"label[for='{control['id']}']") is not None, control
    assert form.select_one("input[name=email][type=email][autocomplete=username]") is not None
    assert form.select_one("input[name=password][type=password][autocomplete=current-password]") is not None
    assert form.select_one("input[name=next]")["value"] == "/account"  # type: ignore[index]
    assert "viewport" in response.text  # phones get the mobile layout
    assert not page.select("[style]") and not [s for s in page.select("script") if not s.get("src")]
    csrf_cookie = _cookie(response, "iw_csrf")["iw_csrf"]
    assert csrf_cookie["httponly"] and csrf_cookie["samesite"].lower() == "lax"
    assert form.select_one("input[name=csrf_token]")["value"] == csrf_cookie.value  # type: ignore[index]
    assert page.select_one("nav a[href='/login'][aria-current=page]") is not None


def test_signing_in_sets_a_session_cookie_and_goes_to_next(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    response = _login(client, "Editor@Example.org", PASSWORD, next="/account?tab=tokens")
    assert response.status_code == 303
    assert response.headers["location"] == "/account?tab=tokens"
    morsel = _cookie(response, "iw_session")["iw_session"]
    assert morsel["httponly"] and morsel["samesite"].lower() == "lax" and not morsel["secure"]
    assert morsel["path"] == "/" and int(morsel["max-age"]) == 14 * 24 * 3600
    (row,) = _session_rows(seeded_db)
    assert row.id == hashlib.sha256(morsel.value.encode()).hexdigest()  # only the hash is stored
    assert morsel.value not in repr(snapshot_tables(seeded_db))
    page = soup(client.get("/account").text)
    assert page.select_one("nav a[href='/account']").get_text(strip=True) == "editor@example.org"  # type: ignore[union-attr]
    assert page.body["hx-headers"] == f'{{"X-CSRF-Token": "{row.csrf_token}"}}'  # type: ignore[index]


def test_the_cookie_is_secure_over_https(clients: Clients, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    browser = clients(base_url="https://testserver")
    response = _login(browser, "editor@example.org", PASSWORD)
    assert response.status_code == 303
    assert _cookie(response, "iw_session")["iw_session"]["secure"]
    assert browser.get("/account").status_code == 200


@pytest.mark.parametrize(
    "next_value",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/login",
        "/logout",
        " /account",
        "/acc\tount",
        "http:/evil.example",
        "evil.example",
        "/" + "a" * 2048,
    ],
)
def test_next_never_leaves_the_site(client: TestClient, seeded_db: Database, next_value: str) -> None:
    assert safe_next(next_value) is None
    make_user(seeded_db, "editor@example.org")
    response = _login(client, "editor@example.org", PASSWORD, next=next_value)
    if "\t" in next_value:  # a control character: refused before sign-in, naming the field (app/web/inputs.py)
        assert response.status_code == 422 and "iw_session" not in response.cookies
        assert soup(response.text).select_one(".error-list strong").get_text() == "next"  # type: ignore[union-attr]
        return
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_safe_next_keeps_site_paths() -> None:
    assert safe_next("/statements?country=PL&topic=x") == "/statements?country=PL&topic=x"
    assert safe_next("/countries/PL#history") == "/countries/PL#history"


def test_htmx_sign_in_redirects_with_hx_redirect(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    data = {"email": "editor@example.org", "password": PASSWORD, "csrf_token": form_token(client), "next": "/account"}
    response = client.post("/login", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["hx-redirect"] == "/account"


@pytest.mark.parametrize("password", [LONG_PASSWORD, "Zażółć gęślą jaźń 🔑", "  leading and trailing spaces  "])
def test_long_and_non_ascii_passwords_sign_in(client: TestClient, seeded_db: Database, password: str) -> None:
    make_user(seeded_db, "editor@example.org", password=password)
    assert _login(client, "editor@example.org", password + "x").status_code == 422
    assert _login(client, "editor@example.org", password).status_code == 303


def test_bad_credentials_get_one_calm_message_whatever_was_wrong(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    gone = make_user(seeded_db, "gone@example.org")
    with seeded_db.write() as session:
        session.execute(update(User).where(User.id == gone).values(disabled_at=utcnow()))
    pages = []
    for email, password in (
        ("editor@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("gone@example.org", PASSWORD),
    ):
        response = _login(client, email, password)
        assert response.status_code == 422
        assert "iw_session" not in response.headers.get("set-cookie", "")
        assert _message(response) == BAD_CREDENTIALS
        form = soup(response.text).select_one("form[action='/login']")
        assert form.select_one("input[name=email]")["value"] == email  # type: ignore[union-attr,index]
        assert not form.select_one("input[name=password]").has_attr("value")  # type: ignore[union-attr]
        assert password not in response.text
        pages.append(_message(response))
    assert len(set(pages)) == 1
    assert _session_rows(seeded_db) == []


def test_empty_fields_are_asked_for_without_counting_an_attempt(client: TestClient, seeded_db: Database) -> None:
    before = snapshot_tables(seeded_db)
    response = _login(client, "", "")
    assert response.status_code == 422 and "Enter your email address and your password." in _message(response)
    assert snapshot_tables(seeded_db) == before


# Sessions


def test_every_sign_in_issues_a_new_session_and_retires_the_old_one(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    planted = "planted-by-someone-else"
    client.cookies.set("iw_session", planted)
    first = _login(client, "editor@example.org", PASSWORD)
    first_token = _cookie(first, "iw_session")["iw_session"].value
    assert first_token != planted
    second = _login(client, "editor@example.org", PASSWORD)  # signing in again from the same browser
    second_token = _cookie(second, "iw_session")["iw_session"].value
    assert second_token != first_token
    rows = _session_rows(seeded_db)
    assert len(rows) == 2
    assert rows[0].id == hashlib.sha256(first_token.encode()).hexdigest() and rows[0].revoked_at is not None
    assert rows[1].id == hashlib.sha256(second_token.encode()).hexdigest() and rows[1].revoked_at is None
    assert rows[0].csrf_token != rows[1].csrf_token


def test_signing_out_revokes_the_session_and_a_replayed_cookie_is_nobody(
    client: TestClient, clients: Clients, seeded_db: Database
) -> None:
    make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    token = client.cookies["iw_session"]
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?signed_out=1"
    assert int(_cookie(response, "iw_session")["iw_session"]["max-age"]) == 0
    (row,) = _session_rows(seeded_db)
    assert row.revoked_at is not None
    assert "You have signed out." in client.get("/login?signed_out=1").text
    replay = clients()
    replay.cookies.set("iw_session", token)
    assert replay.get("/account", follow_redirects=False).headers["location"] == "/login?next=%2Faccount"
    page = soup(replay.get("/login").text)
    assert page.select_one("nav a[href='/login']") is not None and page.body.get("hx-headers") is None  # type: ignore[union-attr]


def test_disabling_a_user_ends_their_sessions_at_once(client: TestClient, seeded_db: Database) -> None:
    from app.accounts import service

    user_id = make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    with seeded_db.write() as session:
        service.disable_user(session=session, user=session.get(User, user_id))  # type: ignore[arg-type]
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_a_disabled_user_with_a_surviving_session_is_refused_403(client: TestClient, seeded_db: Database) -> None:
    user_id = make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    with seeded_db.write() as session:  # as if disabled by hand, without revoking the session
        session.execute(update(User).where(User.id == user_id).values(disabled_at=utcnow()))
    before = snapshot_tables(seeded_db)
    response = client.post("/account/tokens", data={"name": "x", "csrf_token": csrf})
    assert response.status_code == 403 and "This account is disabled" in response.text
    assert snapshot_tables(seeded_db) == before


def test_the_session_slides_at_most_once_a_minute(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    before = snapshot_tables(seeded_db)
    response = client.get("/account")
    assert "set-cookie" not in response.headers
    assert snapshot_tables(seeded_db) == before  # a fresh session: reading writes nothing
    long_ago = utcnow() - timedelta(days=3)
    with seeded_db.write() as session:
        session.execute(update(UserSession).values(last_seen_at=long_ago, expires_at=long_ago + timedelta(days=14)))
    response = client.get("/account")
    morsel = _cookie(response, "iw_session")["iw_session"]
    assert int(morsel["max-age"]) == 14 * 24 * 3600 and morsel["httponly"]
    (row,) = _session_rows(seeded_db)
    assert row.last_seen_at > long_ago and row.expires_at > utcnow() + timedelta(days=13, hours=23)
    seen = row.last_seen_at
    response = client.get("/account")
    assert "set-cookie" not in response.headers
    assert _session_rows(seeded_db)[0].last_seen_at == seen


def test_a_refused_request_does_not_slide_the_session(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    with seeded_db.write() as session:
        session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=5)))
    before = snapshot_tables(seeded_db)
    response = client.get("/admin/users")
    assert response.status_code == 403 and "set-cookie" not in response.headers
    assert snapshot_tables(seeded_db) == before


def test_an_expired_session_is_nobody(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    with seeded_db.write() as session:
        session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_anonymous_requests_without_a_cookie_touch_no_database(
    client: TestClient, seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No cookie: no connection is taken at all (the session lookup is a DriverRead, which statement events
    don't see, so connections are counted). A cookie: its session is looked up."""
    checkouts: list[int] = []
    engine = client.app.state.db.engine  # type: ignore[attr-defined]
    looked_up: list[str] = []
    real = accounts_repository.live_session

    def recorded(session: Any, session_id: str, now: Any) -> Any:
        looked_up.append(session_id)
        return real(session, session_id, now)

    monkeypatch.setattr(accounts_repository, "live_session", recorded)

    def count(*_args: Any) -> None:
        checkouts.append(1)

    event.listen(engine, "checkout", count)
    try:
        assert client.get("/login").status_code == 200
        assert checkouts == [] and looked_up == []
        client.cookies.set("iw_session", "some-old-token")
        assert client.get("/login").status_code == 200
        assert checkouts and len(looked_up) == 1
    finally:
        event.remove(engine, "checkout", count)


def test_pages_for_anonymous_visitors_send_them_to_sign_in(client: TestClient) -> None:
    response = client.get("/account?x=1", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Faccount%3Fx%3D1"
    htmx = client.get("/admin/users", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["hx-redirect"] == "/login?next=%2Fadmin%2Fusers"
    as_json = client.get("/account", headers={"Accept": "application/json"})
    assert as_json.status_code == 401 and as_json.json()["title"] == "Please sign in"


# The rate limit


def test_ten_failures_pause_an_account_and_others_still_sign_in(clients: Clients, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    make_user(seeded_db, "other@example.org")
    attacker = clients("198.51.100.7")
    for _ in range(10):
        assert _login(attacker, "editor@example.org", "guess " + "x" * 8).status_code == 422
    before = snapshot_tables(seeded_db)
    for browser in (attacker, clients("198.51.100.8")):  # the account is paused wherever the attempt comes from
        response = _login(browser, "editor@example.org", PASSWORD)  # even with the right password
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in _message(response) and "try again in 15 minutes" in _message(
            response
        )
        assert 0 < int(response.headers["retry-after"]) <= 900
        assert "iw_session" not in response.headers.get("set-cookie", "")
    assert snapshot_tables(seeded_db) == before  # the password was not even checked, nothing recorded
    assert _login(clients("192.0.2.50"), "other@example.org", PASSWORD).status_code == 303


def test_ten_failures_from_an_address_pause_it_and_forwarded_headers_do_not_help(
    clients: Clients, seeded_db: Database
) -> None:
    make_user(seeded_db, "editor@example.org")
    attacker = clients("198.51.100.7")
    for n in range(10):
        headers = {"X-Forwarded-For": f"10.9.8.{n}"}  # a spoofed header from an untrusted address is ignored
        data = {"email": f"guess{n}@example.org", "password": "guess xxxxxxxx", "csrf_token": form_token(attacker)}
        assert attacker.post("/login", data=data, headers=headers).status_code == 422
    for headers in ({}, {"X-Forwarded-For": "192.0.2.99"}, {"X-Real-IP": "192.0.2.99", "Forwarded": "for=192.0.2.99"}):
        data = {"email": "editor@example.org", "password": PASSWORD, "csrf_token": form_token(attacker)}
        assert attacker.post("/login", data=data, headers=headers).status_code == 429
    with seeded_db.read_session() as session:
        addresses = set(session.execute(select(LoginAttempt.address)).scalars())
    assert addresses == {"198.51.100.7"}
    assert _login(clients("192.0.2.50"), "editor@example.org", PASSWORD).status_code == 303


# The account page and API tokens


def test_a_token_is_shown_once_and_stored_only_hashed(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    response = client.post("/account/tokens", data={"name": "newsroom script", "csrf_token": csrf})
    assert response.status_code == 201 and response.headers["cache-control"] == "no-store"
    shown = soup(response.text).select_one("input#new-token")
    assert shown is not None and soup(response.text).select_one("label[for='new-token']") is not None
    token = str(shown["value"])
    assert token.startswith("iw_")
    assert token not in repr(snapshot_tables(seeded_db))
    with seeded_db.read_session() as session:
        stored = session.execute(select(ApiToken)).scalar_one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and stored.prefix == token[:11]
    page = client.get("/account")
    assert token not in page.text
    row = soup(page.text).select_one("table tbody tr")
    assert row is not None and "newsroom script" in row.get_text() and f"{token[:11]}…" in row.get_text()


def test_a_token_name_error_is_shown_beside_the_field(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    before = snapshot_tables(seeded_db)
    response = client.post("/account/tokens", data={"name": "  ", "csrf_token": csrf})
    assert response.status_code == 422
    field = soup(response.text).select_one("input#token-name")
    assert field is not None and field["aria-invalid"] == "true"
    assert "Give the token a name" in soup(response.text).select_one("#token-name-error").get_text()  # type: ignore[union-attr]
    assert snapshot_tables(seeded_db) == before


def test_an_editor_chooses_the_display_name_the_public_sees(
    client: TestClient, seeded_db: Database, make_client: Callable[[str], TestClient], seeded_url: str
) -> None:
    user_id = make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    field = soup(client.get("/account").text).select_one("input#display-name")
    assert field is not None and field["value"] == f"Editor {user_id}"
    response = client.post(
        "/account/name", data={"display_name": "  Ana   Kowalska ", "csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/account?renamed=1"
    page = soup(client.get("/account?renamed=1").text)
    assert page.select_one("p.notice").get_text() == "Saved: your changes now show as by Ana Kowalska."  # type: ignore[union-attr]
    assert page.select_one("input#display-name")["value"] == "Ana Kowalska"  # type: ignore[index]
    with seeded_db.write() as session:
        statement, _ = add_statement(session, record_values(), user_id=user_id)
    reader = make_client(seeded_url)
    title = soup(reader.get(f"/statements/{statement.id}").text).select_one(".revision__title .muted")
    assert title is not None and title.get_text(" ", strip=True).endswith(", by Ana Kowalska")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("   ", "Enter a display name"),
        ("x" * 81, "at most 80 characters"),
        ("ana.kowalska@example.org", "can't be an email address"),
        ("Ana <ana@example.org>", "can't be an email address"),
    ],
)
def test_a_bad_display_name_is_refused_beside_the_field(
    client: TestClient, seeded_db: Database, typed: str, message: str
) -> None:
    make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    before = snapshot_tables(seeded_db)
    response = client.post("/account/name", data={"display_name": typed, "csrf_token": csrf})
    assert response.status_code == 422
    page = soup(response.text)
    if "control characters" in message:  # refused at the edge, before the form (app/web/inputs.py), naming it
        assert page.select_one(".error-list strong").get_text() == "display_name"  # type: ignore[union-attr]
        assert snapshot_tables(seeded_db) == before
        return
    assert message in page.select_one("#display-name-error").get_text()  # type: ignore[union-attr]
    assert page.select_one("input#display-name")["aria-invalid"] == "true"  # type: ignore[index]
    assert snapshot_tables(seeded_db) == before


@pytest.mark.parametrize("typed", ["Ana\x00Kowalska", "Ana\x1bKowalska", "Ana\nKowalska"])
def test_a_control_character_in_a_display_name_is_refused_naming_the_field(
    client: TestClient, seeded_db: Database, typed: str
) -> None:
    make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    before = snapshot_tables(seeded_db)
    response = client.post("/account/name", data={"display_name": typed, "csrf_token": csrf})
    assert response.status_code == 422
    named = soup(response.text).select_one(".error-list li")
    assert named is not None and named.select_one("strong").get_text() == "display_name"  # type: ignore[union-attr]
    assert "control character" in named.get_text()
    assert snapshot_tables(seeded_db) == before


def test_unknown_form_fields_are_refused(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    csrf = sign_in(client, "editor@example.org")
    before = snapshot_tables(seeded_db)
    response = client.post("/account/tokens", data={"name": "x", "user_id": "1", "csrf_token": csrf})
    assert response.status_code == 422
    assert snapshot_tables(seeded_db) == before


def test_revoking_a_token_and_nobody_elses(clients: Clients, seeded_db: Database) -> None:
    make_user(seeded_db, "owner@example.org")
    make_user(seeded_db, "other@example.org")
    owner, other = clients(), clients("203.0.113.2")
    owner_csrf = sign_in(owner, "owner@example.org")
    other_csrf = sign_in(other, "other@example.org")
    token = str(
        soup(owner.post("/account/tokens", data={"name": "a", "csrf_token": owner_csrf}).text).select_one("#new-token")[
            "value"
        ]
    )  # type: ignore[index]
    with seeded_db.read_session() as session:
        token_id = session.execute(select(ApiToken.id)).scalar_one()
    before = snapshot_tables(seeded_db)
    refused = other.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": other_csrf})
    assert refused.status_code == 404
    assert snapshot_tables(seeded_db) == before
    done = owner.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": owner_csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/account"
    assert "Revoked" in soup(owner.get("/account").text).select_one("table tbody tr").get_text()  # type: ignore[union-attr]
    with seeded_db.read_session() as session:
        assert session.execute(select(ApiToken.revoked_at)).scalar_one() is not None
    assert token not in owner.get("/account").text


# Admins: users


def test_admins_list_add_and_disable_users(client: TestClient, clients: Clients, seeded_db: Database) -> None:
    make_user(seeded_db, "admin@example.org", "admin")
    csrf = sign_in(client, "admin@example.org")
    response = client.post(
        "/admin/users",
        data={
            "email": "New@Example.org",
            "role": "editor",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Added new@example.org as editor." in soup(page.text).select_one(".notice").get_text()  # type: ignore[union-attr]
    rows = {row.select_one("td").get_text(" ", strip=True): row for row in soup(page.text).select("tbody tr")}  # type: ignore[union-attr]
    assert set(rows) == {"admin@example.org you", "new@example.org"}
    assert rows["admin@example.org you"].select_one("form") is None  # no button to disable yourself
    newcomer = clients("203.0.113.9")
    sign_in(newcomer, "new@example.org")
    action = rows["new@example.org"].select_one("form")["action"]  # type: ignore[index]
    response = client.post(str(action), data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    notice = soup(client.get(response.headers["location"]).text).select_one(".notice").get_text()  # type: ignore[union-attr]
    assert "Disabled new@example.org; their sessions and API tokens were revoked." in notice
    assert newcomer.get("/account", follow_redirects=False).status_code == 303
    assert _login(newcomer, "new@example.org", PASSWORD).status_code == 422


def test_a_bad_new_user_keeps_what_was_typed_and_marks_each_field(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "admin@example.org", "admin")
    csrf = sign_in(client, "admin@example.org")
    before = snapshot_tables(seeded_db)
    response = client.post(
        "/admin/users",
        data={
            "email": "admin@example.org",
            "role": "admin",
            "password": "short",
            "password_confirm": "other",
            "csrf_token": csrf,
        },
    )
    assert response.status_code == 422
    page = soup(response.text)
    assert page.select_one("#user-email")["value"] == "admin@example.org"  # type: ignore[index]
    assert page.select_one("input[name=role][value=admin]").has_attr("checked")  # type: ignore[union-attr]
    assert "There is already a user admin@example.org." in page.select_one("#user-email-error").get_text()  # type: ignore[union-attr]
    assert "at least 8" in page.select_one("#user-password-error").get_text()  # type: ignore[union-attr]
    assert not page.select_one("#user-password").has_attr("value")  # type: ignore[union-attr]
    for control in page.select("form[action='/admin/users'] input:not([type=hidden]):not([type=radio])"):
        assert page.select_one(f"label[for='{control['id']}']") is not None
    assert snapshot_tables(seeded_db) == before


def test_an_admin_cannot_disable_themselves(client: TestClient, seeded_db: Database) -> None:
    admin_id = make_user(seeded_db, "admin@example.org", "admin")
    csrf = sign_in(client, "admin@example.org")
    before = snapshot_tables(seeded_db)
    response = client.post(f"/admin/users/{admin_id}/disable", data={"csrf_token": csrf})
    assert response.status_code == 403 and "You can't disable your own account here" in _message(response)
    assert snapshot_tables(seeded_db) == before
    assert client.post("/admin/users/9999/disable", data={"csrf_token": csrf}).status_code == 404


def test_editors_may_not_see_the_users_page(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    response = client.get("/admin/users")
    assert response.status_code == 403 and "Only admins can do that." in response.text
    assert soup(client.get("/account").text).select_one("a[href='/admin/users']") is None


@pytest.mark.slow
def test_behind_uvicorn_forwarded_headers_count_only_from_the_trusted_proxy(
    seeded_url: str, seeded_db: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal
    import subprocess

    import httpx

    from tests.test_cli import COMMAND, free_port, wait_for

    make_user(seeded_db, "editor@example.org")
    make_user(seeded_db, "other@example.org")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": seeded_url, "IW_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [COMMAND, "serve", "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"

    def browser(address: str) -> httpx.Client:
        return httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address=address))

    def attempt(client: httpx.Client, email: str, password: str, headers: dict[str, str]) -> httpx.Response:
        token = str(soup(client.get("/login", headers=headers).text).select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
        # Sent by hand: behind an HTTPS proxy the cookie is Secure, and this client speaks plain HTTP to uvicorn.
        cookie = {"Cookie": f"iw_csrf={token}"}
        client.cookies.clear()
        return client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}, headers={**headers, **cookie}
        )

    try:
        wait_for(f"{base}/healthz", server, log)
        with browser("127.0.0.2") as attacker, browser("127.0.0.1") as proxy:
            for n in range(10):  # an untrusted address forging a different client each time
                spoofed = {"X-Forwarded-For": f"10.0.0.{n}", "X-Forwarded-Proto": "https"}
                assert attempt(attacker, f"guess{n}@example.org", "wrong password", spoofed).status_code == 422
            refused = attempt(attacker, "other@example.org", PASSWORD, {"X-Forwarded-For": "10.0.0.99"})
            assert refused.status_code == 429
            # The trusted proxy's forwarded client is a different address, and its HTTPS makes the cookie Secure.
            forwarded = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https"}
            signed_in = attempt(proxy, "other@example.org", PASSWORD, forwarded)
            assert signed_in.status_code == 303
            assert "secure" in signed_in.headers["set-cookie"].lower()
        with seeded_db.read_session() as session:
            addresses = sorted(set(session.execute(select(LoginAttempt.address)).scalars()))
        assert addresses == ["127.0.0.2", "198.51.100.4"]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=20)
