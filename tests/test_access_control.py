"""Access control on every write route, enumerated from the app's route table (see tests/write_routes.py).

Each route is called as anonymous, with a cookie replayed after signing out, as a disabled user, as
an editor and as an admin, each with a valid CSRF token so that what is tested is who they are.
Only the allowed callers change anything; every table is compared before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient

from app.accounts import service as accounts_service
from app.config import Settings
from app.db import Database
from app.deps import ApiUser
from app.main import WRITE_CHECKS, create_app
from app.web.routing import include_flat
from tests.conftest import TEST_SECRET, settings_for
from tests.support import form_token, make_user, sign_in, snapshot_tables
from tests.write_routes import (
    EDITORS,
    PERSONAS,
    SIGN_IN_AS,
    WRITE_ROUTES,
    Call,
    Caller,
    World,
    WriteRoute,
    write_routes,
)

ROUTES = write_routes(create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET)))


def _route_id(route: tuple[str, str]) -> str:
    return f"{route[0]} {route[1]}"


def test_the_route_table_is_read() -> None:
    assert ("POST", "/login") in ROUTES and ("POST", "/admin/users/{user_id}/disable") in ROUTES
    assert not any(method == "GET" for method, _ in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_every_write_route_says_how_to_call_it(route: tuple[str, str]) -> None:
    assert route in WRITE_ROUTES, (
        f"{_route_id(route)} changes state but has no entry in tests/write_routes.py: "
        "register how to call it validly, and who may, so its access control is tested"
    )


def test_no_entry_names_a_route_that_does_not_exist() -> None:
    assert set(WRITE_ROUTES) <= set(ROUTES), set(WRITE_ROUTES) - set(ROUTES)


def _session_caller(persona: str, database: Database, new_client: Callable[[], TestClient]) -> Caller:
    """A browser as `persona`, holding a valid CSRF token for its state (the session's, or the anonymous one)."""
    client = new_client()
    if persona == "anonymous":
        return Caller(persona, client, csrf_token=form_token(client))
    if persona in ("editor", "admin"):
        user_id = make_user(database, f"{persona}-caller@example.org", persona)
        return Caller(persona, client, user_id, csrf_token=sign_in(client, f"{persona}-caller@example.org"))
    user_id = make_user(database, f"{persona}@example.org")
    session_token = sign_in(client, f"{persona}@example.org")
    cookie = client.cookies["iw_session"]
    if persona == "replayed":
        assert client.post("/logout", data={"csrf_token": session_token}).status_code == 200
    else:
        with database.write() as session:
            accounts_service.disable_user(
                session=session, user=accounts_service.get_user(session=session, user_id=user_id)
            )
    replay = new_client()
    replay.cookies.set("iw_session", cookie)
    # The replayed cookie now names a revoked session; the browser can still get a valid anonymous token.
    return Caller(persona, replay, user_id, csrf_token=form_token(replay))


def _token_caller(persona: str, database: Database, new_client: Callable[[], TestClient]) -> Caller:
    """A script as `persona`: no cookies, and an API token that is live, revoked, or its user's disabled."""
    client = new_client()
    if persona == "anonymous":
        return Caller(persona, client)
    role = persona if persona in ("editor", "admin") else "editor"
    user_id = make_user(database, f"{persona}-script@example.org", role)
    with database.write() as session:
        user = accounts_service.get_user(session=session, user_id=user_id)
        created = accounts_service.create_token(session=session, user=user, name="access test")
        if persona == "replayed":
            accounts_service.revoke_token(session=session, user=user, token_id=created.record.id)
        elif persona == "disabled":
            accounts_service.disable_user(session=session, user=user)
    return Caller(persona, client, user_id, api_token=created.token)


def check_call(
    route: tuple[str, str], entry: WriteRoute, persona: str, database: Database, new_client: Callable[[], TestClient]
) -> None:
    """Call the route as `persona` with a valid request; only allowed callers may change anything."""
    method, _ = route
    admin_id = make_user(database, "admin@example.org", "admin")
    editor_id = make_user(database, "editor@example.org", "editor")
    make_user(database, SIGN_IN_AS)
    make_caller = _session_caller if entry.auth == "session" else _token_caller
    world = World(database, admin_id, editor_id, make_caller(persona, database, new_client))
    caller = world.caller

    call = entry.build(world)
    headers = dict(call.headers)
    data = dict(call.data) if call.data is not None else None
    if entry.auth == "session":
        if data is not None:
            data["csrf_token"] = caller.csrf_token or ""
        else:
            headers["X-CSRF-Token"] = caller.csrf_token or ""
    else:
        caller.client.cookies.clear()
        if caller.api_token:
            headers["Authorization"] = f"Bearer {caller.api_token}"

    # A token's use is recorded even by a call that only reads: bookkeeping, not a change to the data.
    ignore = frozenset({"api_token.last_used_at"}) if entry.auth == "token" and not entry.writes else frozenset()
    before = snapshot_tables(database, ignore=ignore)
    response = caller.client.request(
        method, call.path, data=data, json=call.json, headers=headers, follow_redirects=False
    )
    after = snapshot_tables(database, ignore=ignore)

    summary = f"{_route_id(route)} as {persona}: {response.status_code} {response.text[:300]}"
    if persona in entry.allowed:
        assert response.status_code < 400, summary
        if entry.writes:
            assert after != before, f"{summary}\nan allowed call changed nothing"
        else:
            assert after == before, (
                f"{summary}\na call that only checks changed {[t for t in before if before[t] != after[t]]}"
            )
    else:
        assert response.status_code in entry.refused, summary
        assert after == before, f"{summary}\na refused call changed {[t for t in before if before[t] != after[t]]}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_only_allowed_callers_change_anything(
    route: tuple[str, str], persona: str, seeded_url: str, seeded_db: Database, make_client: Callable[[str], TestClient]
) -> None:
    entry = WRITE_ROUTES.get(route)
    if entry is None:
        pytest.fail(f"{_route_id(route)} has no entry in tests/write_routes.py")
    check_call(route, entry, persona, seeded_db, lambda: make_client(seeded_url))


@pytest.fixture
def probe_clients(seeded_url: str) -> Iterator[Callable[[], TestClient]]:
    """Clients for an app with one extra JSON route that writes for the API token's user, added as the app adds
    its own."""
    app = create_app(settings_for(seeded_url))
    router = APIRouter()

    @router.post("/api/probe", status_code=201)
    def probe(request: Request, user: ApiUser) -> dict[str, int]:
        with request.app.state.db.write() as session:
            created = accounts_service.create_token(session=session, user=user, name="written by the probe")
        return {"token_id": created.record.id}

    include_flat(app, router, write_checks=WRITE_CHECKS)
    made: list[TestClient] = []

    def new_client() -> TestClient:
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        made.append(client)
        return client

    yield new_client
    for client in made:
        client.__exit__(None, None, None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_token_routes_are_checked_the_same_way(
    persona: str, seeded_db: Database, probe_clients: Callable[[], TestClient]
) -> None:
    entry = WriteRoute(lambda world: Call("/api/probe", json={}), EDITORS, auth="token")
    check_call(("POST", "/api/probe"), entry, persona, seeded_db, probe_clients)
