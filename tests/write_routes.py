"""Every state-changing route and how to call it validly, for tests/test_access_control.py.

That test enumerates the app's POST/PUT/PATCH/DELETE routes from its route table and calls each as
five people: anonymous, a browser replaying a cookie after signing out, a disabled user, an editor
and an admin. It compares every table before and after: only the callers an entry allows may
change anything. A write route with no entry here FAILS that test, so none can be forgotten.

To add a route, register a function that builds a valid request for the caller in `world`
(`writes=False` for a POST that only checks, such as the statement form's inline check):

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
from app.statements import repository as statements_repository
from app.statements.records import StatementRecord, statement_record
from tests.support import PASSWORD, edit_statement, form_fields, make_user, record_values

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
    data: dict[str, Any] | None = None  # a form (a list value repeats the field)
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
    writes: bool = True  # False: a POST that only checks (allowed callers get an answer, and nothing changes either)


WRITE_ROUTES: dict[tuple[str, str], WriteRoute] = {}


def register(
    method: str,
    path: str,
    *,
    allowed: frozenset[str],
    auth: Auth = "session",
    refused: frozenset[int] = REFUSED,
    writes: bool = True,
) -> Callable[[Callable[[World], Call]], Callable[[World], Call]]:
    def add(build: Callable[[World], Call]) -> Callable[[World], Call]:
        assert (method, path) not in WRITE_ROUTES, f"{method} {path} is registered twice"
        WRITE_ROUTES[(method, path)] = WriteRoute(build, allowed, auth, refused, writes)
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


@register("POST", "/account/name", allowed=EDITORS)
def _rename(world: World) -> Call:
    return Call("/account/name", data={"display_name": world.unique("Access Test")})


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
    return Call(
        "/admin/users", data={"email": email, "role": "editor", "password": PASSWORD, "password_confirm": PASSWORD}
    )


@register("POST", "/admin/users/{user_id}/disable", allowed=ADMINS)
def _disable_user(world: World) -> Call:
    target = make_user(world.database, world.unique("target") + "@example.org")
    return Call(f"/admin/users/{target}/disable", data={})


# Statements: the forms (editors; restoring: admins), and the JSON API (API tokens)


def _new_values(world: World) -> dict[str, Any]:
    """A valid new statement nobody has recorded, citing a new source."""
    stem = world.unique("access")
    return record_values(
        quote=f"A statement for the access test ({stem}).",
        sources=[{"url": f"https://example.org/{stem}", "outlet": "Example", "title": stem}],
    )


def _current(world: World, statement_id: int = 1) -> tuple[dict[str, Any], int]:
    with world.database.read_session() as session:
        statement = statements_repository.get_full(session, statement_id)
        assert statement is not None
        return statement_record(statement), statement.version


@register("POST", "/statements/new", allowed=EDITORS)
def _add_statement(world: World) -> Call:
    return Call("/statements/new", data=form_fields(_new_values(world)) | {"submission_key": world.unique("key")})


# The inline check answers with messages and writes nothing, for anyone allowed to use the form.
@register("POST", "/statements/form/check", allowed=EDITORS, writes=False)
def _check_fields(world: World) -> Call:
    return Call(
        "/statements/form/check",
        data=form_fields(_new_values(world) | {"said_on": "2031-01-01"}) | {"check": "said_on"},
    )


# Reading an article lists candidate statements and saves nothing.
ARTICLE = "Poland's prime minister Donald Tusk said on Monday that shooting down missiles over Ukraine needs NATO."


@register("POST", "/statements/extract", allowed=EDITORS, writes=False)
def _extract_page(world: World) -> Call:
    return Call("/statements/extract", data={"text": ARTICLE, "published_on": "2024-07-10"})


@register("POST", "/api/extract", allowed=EDITORS, auth="token", writes=False)
def _extract_api(world: World) -> Call:
    return Call("/api/extract", json={"text": ARTICLE, "published_on": "2024-07-10"})


@register("POST", "/statements/{statement_id}/edit", allowed=EDITORS)
def _edit_statement(world: World) -> Call:
    current, version = _current(world)
    changed = current | {"condition": f"edited in the access test ({world.unique('edit')})", "office_rank": None}
    return Call("/statements/1/edit", data=form_fields(changed) | {"version": str(version)})


@register("POST", "/statements/{statement_id}/retract", allowed=EDITORS)
def _retract_statement(world: World) -> Call:
    _, version = _current(world)
    return Call("/statements/1/retract", data={"version": str(version), "reason": "Retracted in the access test."})


@register("POST", "/statements/{statement_id}/restore", allowed=ADMINS)
def _restore_version(world: World) -> Call:
    current, version = _current(world)
    with world.database.write() as session:  # a second version, so the first can be restored
        edited = edit_statement(
            session,
            1,
            StatementRecord.model_validate(current | {"condition": "a change to undo"}),
            expected_version=version,
        )
        version = edited.version
    return Call("/statements/1/restore", data={"version": "1", "current_version": str(version)})


@register("POST", "/api/statements", allowed=EDITORS, auth="token")
def _api_create(world: World) -> Call:
    return Call("/api/statements", json=_new_values(world), headers={"Idempotency-Key": world.unique("api")})


@register("PATCH", "/api/statements/{statement_id}", allowed=EDITORS, auth="token")
def _api_edit(world: World) -> Call:
    _, version = _current(world)
    return Call("/api/statements/1", json={"version": version, "condition": f"patched ({world.unique('patch')})"})


# Topics (admins)


@register("POST", "/admin/topics", allowed=ADMINS)
def _add_topic(world: World) -> Call:
    slug = world.unique("access-topic")
    return Call("/admin/topics", data={"slug": slug, "title": f"Topic {slug}", "question": "Should they?"})


@register("POST", "/admin/institutions", allowed=ADMINS)
def _add_institution(world: World) -> Call:
    code = "X" + "".join(chr(ord("A") + int(digit)) for digit in world.unique("")[-6:] if digit.isdigit())
    return Call("/admin/institutions", data={"code": code[:8], "name": f"Institution {code}"})


@register("POST", "/admin/topics/{slug}", allowed=ADMINS)
def _reword_topic(world: World) -> Call:
    return Call(
        "/admin/topics/no-fly-zone",
        data={"title": f"No-fly zone ({world.unique('title')})", "question": "Should they?"},
    )
