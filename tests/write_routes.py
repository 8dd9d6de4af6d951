"""Every state-changing route and how to call it validly, for tests/test_access_control.py.

That test enumerates the app's POST/PUT/PATCH/DELETE routes from its route table and calls each as
five people: anonymous, a browser replaying a cookie after signing out, a disabled user, an editor
and an admin. It compares every table before and after: only the callers an entry allows may
change anything. A write route with no entry here FAILS that test, so none can be forgotten.

To add a route, register a function that builds a valid request for the caller in `world`:

    @register("POST", "/statements", allowed=EDITORS)
    def _new_statement(world: World) -> Call:
        return Call("/statements", data={"actor": "...", ...})

    @register("PATCH", "/api/statements/{statement_id}", allowed=EDITORS, auth="token")
    def _api_patch(world: World) -> Call:
        return Call("/api/statements/1", json={...})

`build` runs before the "before" snapshot, so it may prepare rows (a token to revoke, a user to
disable). Session routes get the caller's CSRF token added (form field, or X-CSRF-Token for JSON);
token routes get `Authorization: Bearer <the caller's API token>` and no cookies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from app.accounts import service as accounts_service
from app.accounts.models import User
from app.db import Database
from tests.support import PASSWORD, make_user

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PERSONAS = ("anonymous", "replayed", "disabled", "editor", "admin")
ANYONE = frozenset(PERSONAS)
EDITORS = frozenset({"editor", "admin"})
ADMINS = frozenset({"admin"})
REFUSED = frozenset({401, 403})

Auth = Literal["session", "token"]


def write_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every state-changing route in the app's route table."""
    found = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or ():
            if method in WRITE_METHODS and route.path:
                found.add((method, route.path))
    return sorted(found, key=lambda item: (item[1], item[0]))


@dataclass(frozen=True, slots=True)
class Call:
    path: str
    data: dict[str, str] | None = None  # a form
    json: Any = None  # or a JSON body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Caller:
    persona: str
    client: TestClient
    user_id: int | None = None
    csrf_token: str | None = None  # the session's, or the signed anonymous token
    api_token: str | None = None


@dataclass
class World:
    """The database, its admin and editor, and who is calling."""

    database: Database
    admin_id: int
    editor_id: int
    caller: Caller
    serial: Iterator[int] = field(default_factory=count)

    def unique(self, stem: str) -> str:
        return f"{stem}-{next(self.serial)}"

    def user(self, user_id: int) -> User:
        with self.database.read_session() as session:
            return accounts_service.get_user(session=session, user_id=user_id)


@dataclass(frozen=True, slots=True)
class WriteRoute:
    build: Callable[[World], Call]
    allowed: frozenset[str]  # whose call must change something
    auth: Auth = "session"
    refused: frozenset[int] = REFUSED  # what everyone else may get back (and nothing changes)


WRITE_ROUTES: dict[tuple[str, str], WriteRoute] = {}


def register(method: str, path: str, *, allowed: frozenset[str], auth: Auth = "session",
             refused: frozenset[int] = REFUSED) -> Callable[[Callable[[World], Call]], Callable[[World], Call]]:
    def add(build: Callable[[World], Call]) -> Callable[[World], Call]:
        assert (method, path) not in WRITE_ROUTES, f"{method} {path} is registered twice"
        WRITE_ROUTES[(method, path)] = WriteRoute(build, allowed, auth, refused)
        return build

    return add


# Accounts

SIGN_IN_AS = "signing-in@example.org"  # made by the test, with tests.support.PASSWORD


@register("POST", "/login", allowed=ANYONE)
def _login(world: World) -> Call:
    return Call("/login", data={"email": SIGN_IN_AS, "password": PASSWORD})


# Signing out with no live session has nothing to revoke: a harmless redirect that writes nothing.
@register("POST", "/logout", allowed=EDITORS, refused=frozenset({303}))
def _logout(world: World) -> Call:
    return Call("/logout", data={})


@register("POST", "/account/tokens", allowed=EDITORS)
def _create_token(world: World) -> Call:
    return Call("/account/tokens", data={"name": world.unique("access test")})


@register("POST", "/account/tokens/{token_id}/revoke", allowed=EDITORS)
def _revoke_token(world: World) -> Call:
    owner = world.caller.user_id or world.editor_id  # the caller's own token, or (anonymous) someone's
    with world.database.write() as session:
        user = accounts_service.get_user(session=session, user_id=owner)
        created = accounts_service.create_token(session=session, user=user, name="to revoke")
    return Call(f"/account/tokens/{created.record.id}/revoke", data={})


@register("POST", "/admin/users", allowed=ADMINS)
def _add_user(world: World) -> Call:
    email = world.unique("new") + "@example.org"
    return Call("/admin/users", data={"email": email, "role": "editor", "password": PASSWORD, "password_confirm": PASSWORD})


@register("POST", "/admin/users/{user_id}/disable", allowed=ADMINS)
def _disable_user(world: World) -> Call:
    target = make_user(world.database, world.unique("target") + "@example.org")
    return Call(f"/admin/users/{target}/disable", data={})
