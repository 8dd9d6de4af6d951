"""The dependencies routes declare: who is viewing (for pages and their ETags), and API tokens."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update

from app.accounts import service as accounts_service
from app.accounts.models import ApiToken, User, UserSession
from app.db import Database, utcnow
from app.deps import ApiUser, View, Viewer, WriteSession
from app.errors import FieldError, Refused
from app.main import WRITE_CHECKS, create_app
from app.stances import matrix as stances_matrix
from app.system import repository as system_repository
from app.topics.models import Topic
from app.web.routing import include_flat
from tests.conftest import settings_for
from tests.support import make_user, sign_in, snapshot_tables, soup


@pytest.fixture
def probe(seeded_url: str) -> Iterator[TestClient]:
    """The app plus a few routes that show what the dependencies give, added as the app adds its own."""
    app = create_app(settings_for(seeded_url))
    router = APIRouter()

    @router.get("/probe/viewer")
    def viewer(request: Request, viewer: Viewer) -> dict[str, object]:
        state = request.state
        return {"email": viewer.email if viewer else None, "key": state.viewer_key, "csrf": state.csrf_token}

    @router.get("/probe/page")
    def page(view: View) -> Response:
        return Response("page", headers=view.headers)

    @router.get("/api/probe")
    def whoami(user: ApiUser) -> dict[str, str]:
        return {"email": user.email}

    @router.post("/api/probe/refuse")
    def refuse(user: ApiUser) -> JSONResponse:
        raise Refused(FieldError("quote", "is empty"))

    include_flat(app, router, write_checks=WRITE_CHECKS)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _token(database: Database, user_id: int) -> str:
    with database.write() as session:
        user = accounts_service.get_user(session=session, user_id=user_id)
        return accounts_service.create_token(session=session, user=user, name="script").token


def test_the_viewer_is_set_for_every_request(probe: TestClient, seeded_db: Database) -> None:
    assert probe.get("/probe/viewer").json() == {"email": None, "key": None, "csrf": None}
    make_user(seeded_db, "editor@example.org")
    csrf = sign_in(probe, "editor@example.org")
    with seeded_db.read_session() as session:
        session_id = session.execute(select(UserSession.id)).scalar_one()
    assert probe.get("/probe/viewer").json() == {"email": "editor@example.org", "key": session_id[:16], "csrf": csrf}


def test_pages_vary_their_etag_and_caching_by_viewer(probe: TestClient, seeded_db: Database) -> None:
    anonymous = probe.get("/probe/page")
    assert anonymous.headers["etag"].endswith('.anon"') and anonymous.headers["cache-control"] == "no-cache"
    make_user(seeded_db, "editor@example.org")
    sign_in(probe, "editor@example.org")
    with seeded_db.read_session() as session:
        session_id = session.execute(select(UserSession.id)).scalar_one()
    signed_in = probe.get("/probe/page")
    assert signed_in.headers["etag"].endswith(f'.{session_id[:16]}"')
    assert signed_in.headers["cache-control"] == "private, no-cache"
    assert probe.get("/probe/page", headers={"If-None-Match": anonymous.headers["etag"]}).status_code == 200
    assert probe.get("/probe/page", headers={"If-None-Match": signed_in.headers["etag"]}).status_code == 304


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Send a personal API token as `Authorization: Bearer <token>`"),
        ("Basic dXNlcjpwYXNz", "Send a personal API token"),
        ("Bearer", "Send a personal API token"),
        ("Bearer iw_not-a-real-token", "This API token is not valid"),
        ("Bearer " + "x" * 5000, "This API token is not valid"),
    ],
)
def test_the_api_refuses_missing_and_unknown_tokens_with_401(
    probe: TestClient, authorization: str | None, message: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = probe.get("/api/probe", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="intercept-watch"'
    assert response.json()["message"].startswith(message)


def test_a_token_names_its_user_and_its_use_is_recorded_once_a_minute(probe: TestClient, seeded_db: Database) -> None:
    token = _token(seeded_db, make_user(seeded_db, "editor@example.org"))
    response = probe.get("/api/probe", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json() == {"email": "editor@example.org"}
    with seeded_db.read_session() as session:
        first_use = session.execute(select(ApiToken.last_used_at)).scalar_one()
    assert first_use is not None
    before = snapshot_tables(seeded_db)
    assert probe.get("/api/probe", headers={"Authorization": f"bearer {token}"}).status_code == 200
    assert snapshot_tables(seeded_db) == before


def test_a_refused_api_call_records_nothing(probe: TestClient, seeded_db: Database) -> None:
    token = _token(seeded_db, make_user(seeded_db, "editor@example.org"))
    before = snapshot_tables(seeded_db)
    response = probe.post("/api/probe/refuse", json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.json()["errors"] == [{"field": "quote", "message": "is empty"}]
    assert snapshot_tables(seeded_db) == before  # not even the token's last use


def test_revoked_tokens_and_disabled_users_are_refused(probe: TestClient, seeded_db: Database) -> None:
    user_id = make_user(seeded_db, "editor@example.org")
    token = _token(seeded_db, user_id)
    with seeded_db.write() as session:  # as if disabled by hand, without revoking the token
        session.execute(update(User).where(User.id == user_id).values(disabled_at=utcnow()))
    response = probe.get("/api/probe", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and "This account is disabled" in response.json()["message"]
    with seeded_db.write() as session:
        accounts_service.disable_user(session=session, user=accounts_service.get_user(session=session, user_id=user_id))
    assert probe.get("/api/probe", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_token_sent_with_a_session_cookie_still_needs_the_csrf_token(probe: TestClient, seeded_db: Database) -> None:
    user_id = make_user(seeded_db, "editor@example.org")
    token = _token(seeded_db, user_id)
    csrf = sign_in(probe, "editor@example.org")
    headers = {"Authorization": f"Bearer {token}"}
    assert probe.post("/api/probe/refuse", json={}, headers=headers).status_code == 403
    assert probe.post("/api/probe/refuse", json={}, headers={**headers, "X-CSRF-Token": csrf}).status_code == 422
    probe.cookies.clear()
    assert probe.post("/api/probe/refuse", json={}, headers=headers).status_code == 422


def test_every_request_gives_its_read_session_connection_back(probe: TestClient, seeded_db: Database) -> None:
    """The read session is made on the event loop and closed when the request ends, on either database:
    after pages, a signed-in page and an API call, no connection is left checked out of the pool."""
    make_user(seeded_db, "reader@example.org")
    anonymous = [probe.get(path) for path in ("/probe/page", "/matrix", "/statements", "/countries/PL")]
    sign_in(probe, "reader@example.org")
    signed_in = [probe.get(path) for path in ("/probe/viewer", "/matrix", "/statements/1")]
    assert [response.status_code for response in anonymous + signed_in] == [200] * 7
    pool = probe.app.state.db.engine.pool  # type: ignore[attr-defined]
    assert pool.checkedout() == 0


def test_the_page_view_reads_its_stamp_in_place_on_sqlite_and_in_a_thread_on_a_server(
    probe: TestClient, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a page kept in the body cache is answered without a thread hop: its view is made on the
    event loop. On PostgreSQL the stamp is a round trip, so the view is made in the thread pool."""
    from app import deps

    made_in: list[str] = []
    real = deps.PageView

    def recorded(request: Request, session: object, **options: object) -> object:
        made_in.append(threading.current_thread().name)
        return real(request, session, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(deps, "PageView", recorded)
    routed: list[int] = []
    monkeypatch.setattr(
        stances_matrix,
        "parse_matrix_query",
        lambda *a, real=stances_matrix.parse_matrix_query, **k: routed.append(1) or real(*a, **k),
    )
    gz = {"Accept-Encoding": "gzip"}
    answers = [probe.get("/matrix", headers=gz) for _ in range(3)]  # rendered; rendered and kept; kept
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[0].text == answers[2].text and answers[2].headers["content-encoding"] == "gzip"
    assert routed == [1, 1]  # the first two rendered it (kept from the second); the third, the page view
    in_a_worker = [name.startswith("AnyIO worker thread") for name in made_in]
    assert in_a_worker == ([False] * 3 if dialect == "sqlite" else [True] * 3)


# ---- The unit of work a write route receives


@pytest.fixture
def writer_app(seeded_url: str) -> Iterator[tuple[TestClient, list[str]]]:
    """The app plus two write routes: one that writes and succeeds, one that writes and then fails."""
    app = create_app(settings_for(seeded_url))
    router = APIRouter()
    commits: list[str] = []

    @router.post("/api/probe/rename")
    def rename(user: ApiUser, session: WriteSession) -> dict[str, str]:
        session.execute(update(Topic).where(Topic.slug == "no-fly-zone").values(title="Renamed once"))
        return {"title": "Renamed once"}

    @router.post("/api/probe/rename-and-commit")
    def rename_and_commit(user: ApiUser, session: WriteSession) -> dict[str, str]:
        session.execute(update(Topic).where(Topic.slug == "no-fly-zone").values(title="Renamed and committed"))
        session.commit()  # as the form's save does: its last step, in the route's thread
        return {"title": "Renamed and committed"}

    @router.post("/api/probe/rename-then-fail")
    def rename_then_fail(user: ApiUser, session: WriteSession) -> dict[str, str]:
        session.execute(update(Topic).where(Topic.slug == "no-fly-zone").values(title="Never kept"))
        system_repository.begin_data_change(session)
        session.flush()
        raise RuntimeError("a bug after the write")

    include_flat(app, router, write_checks=WRITE_CHECKS)
    with TestClient(app, raise_server_exceptions=False) as client:

        def count(connection: Any) -> None:  # units of work, not the ends of read transactions
            if connection.get_execution_options().get("iw_write"):
                commits.append("commit")

        event.listen(app.state.db.engine, "commit", count)
        yield client, commits


def _topic_title(database: Database) -> str:
    with database.read_session() as session:
        return session.execute(select(Topic.title).where(Topic.slug == "no-fly-zone")).scalar_one()


def test_a_write_route_that_raises_after_writing_leaves_the_database_unchanged(
    writer_app: tuple[TestClient, list[str]], seeded_db: Database
) -> None:
    client, commits = writer_app
    token = _token(seeded_db, make_user(seeded_db, "editor@example.org"))
    before = snapshot_tables(seeded_db)
    commits.clear()
    answer = client.post("/api/probe/rename-then-fail", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 500 and "Traceback" not in answer.text
    assert snapshot_tables(seeded_db) == before  # the title and the data version both as they were
    assert _topic_title(seeded_db) == "No-fly zone"
    assert commits.count("commit") <= 1  # at most the token's bookkeeping, never the route's unit


def test_a_write_route_that_succeeds_commits_once(
    writer_app: tuple[TestClient, list[str]], seeded_db: Database
) -> None:
    client, commits = writer_app
    token = _token(seeded_db, make_user(seeded_db, "editor@example.org"))
    client.post("/api/probe/rename", headers={"Authorization": f"Bearer {token}"})  # the token's first use is noted
    commits.clear()
    answer = client.post("/api/probe/rename", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and _topic_title(seeded_db) == "Renamed once"
    assert commits == ["commit"]


def test_a_unit_on_sqlite_begins_and_commits_in_the_routes_thread_and_takes_no_hop_of_its_own(
    writer_app: tuple[TestClient, list[str]], seeded_db: Database, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the unit's BEGIN IMMEDIATE goes with the route's first statement, in the route's thread, and a
    route that commits at its end leaves the unit nothing to send: no thread hop for either. A route that
    doesn't commit is committed by the unit, in a thread. On PostgreSQL the unit takes its turn (an advisory
    lock) and commits in threads of its own, whatever the route did."""
    from app import db

    client, commits = writer_app
    token = _token(seeded_db, make_user(seeded_db, "editor@example.org"))
    auth = {"Authorization": f"Bearer {token}"}
    client.post("/api/probe/rename", headers=auth)  # the token's first use is noted
    hops: list[str] = []
    real = db.to_thread.run_sync

    async def recorded(func: Any, *args: Any, **options: Any) -> Any:
        if getattr(func, "__module__", None) == "app.db":  # the unit's own hops, not the route's or the viewer's
            hops.append(func.__name__)
        return await real(func, *args, **options)

    monkeypatch.setattr(db.to_thread, "run_sync", recorded)
    begun_in: list[str] = []

    def began(connection: Any) -> None:
        if connection.get_execution_options().get("iw_write"):
            begun_in.append(threading.current_thread().name)

    event.listen(client.app.state.db.engine, "begin", began)  # type: ignore[attr-defined]
    commits.clear()
    committed = client.post("/api/probe/rename-and-commit", headers=auth)
    assert committed.status_code == 200 and _topic_title(seeded_db) == "Renamed and committed"
    assert commits == ["commit"]
    if dialect == "sqlite":
        assert hops == []
        assert len(begun_in) == 1 and begun_in[0].startswith("AnyIO worker thread")  # the route's thread
    else:
        assert hops == ["_begin_unit", "_finish_unit"]
    hops.clear()
    commits.clear()
    renamed = client.post("/api/probe/rename", headers=auth)
    assert renamed.status_code == 200 and _topic_title(seeded_db) == "Renamed once"
    assert commits == ["commit"]
    assert hops == (["_finish_unit"] if dialect == "sqlite" else ["_begin_unit", "_finish_unit"])


def test_the_viewer_is_looked_up_in_place_on_sqlite_and_in_a_thread_on_a_server(
    probe: TestClient, seeded_db: Database, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed-in request's session is one row by its key: on SQLite it is read on the event loop, saving
    a thread hop on every signed-in request; on PostgreSQL it is a round trip, kept off the event loop."""
    from app import deps

    make_user(seeded_db, "reader@example.org")
    sign_in(probe, "reader@example.org")
    looked_up_in: list[str] = []
    real = deps.accounts_service.find_session

    def recorded(**values: Any) -> Any:
        looked_up_in.append(threading.current_thread().name)
        return real(**values)

    monkeypatch.setattr(deps.accounts_service, "find_session", recorded)
    answers = [probe.get("/probe/viewer") for _ in range(2)]
    assert [answer.json()["email"] for answer in answers] == ["reader@example.org"] * 2
    in_a_worker = [name.startswith("AnyIO worker thread") for name in looked_up_in]
    assert in_a_worker == ([False] * 2 if dialect == "sqlite" else [True] * 2)


# ---- Ids in paths: a number no INTEGER column holds names no row, on either database (issue 24)

PAST_THE_COLUMNS = (2**31, 2**63)


@pytest.mark.parametrize("number", PAST_THE_COLUMNS)
def test_an_id_past_the_columns_range_is_not_found_before_any_query(
    client: TestClient, seeded_db: Database, number: int
) -> None:
    admin_id = make_user(seeded_db, "admin@example.org", role="admin")
    anonymous = [client.get(f"/statements/{number}.json"), client.get(f"/statements/{number}")]
    token = {"Authorization": f"Bearer {_token(seeded_db, admin_id)}"}
    patched = client.patch(f"/api/statements/{number}", json={"version": 1, "stance": 1}, headers=token)
    csrf = sign_in(client, "admin@example.org")
    before = snapshot_tables(seeded_db, ignore=frozenset({"user_session.last_seen_at"}))
    form = {"csrf_token": csrf, "version": "1", "reason": "a reason"}
    signed_in = [
        client.get(f"/statements/{number}/edit"),
        client.post(f"/statements/{number}/edit", data=form),
        client.post(f"/statements/{number}/retract", data=form),
        client.post(f"/statements/{number}/restore", data=form | {"current_version": "1"}),
        client.post(f"/account/tokens/{number}/revoke", data=form),
        client.post(f"/admin/users/{number}/disable", data=form),
    ]
    for response in [*anonymous, patched, *signed_in]:
        assert response.status_code == 404, (response.request.url, response.text[:300])
    assert anonymous[0].json()["message"] == f"There is no page at /statements/{number}.json."
    assert patched.json()["status"] == 404
    heading = soup(signed_in[0].text).select_one("h1")
    assert heading is not None and heading.get_text(strip=True) == "Not found"
    assert snapshot_tables(seeded_db, ignore=frozenset({"user_session.last_seen_at"})) == before


def test_the_largest_id_the_columns_hold_is_looked_up(client: TestClient) -> None:
    response = client.get(f"/statements/{2**31 - 1}.json")
    assert response.status_code == 404
    assert response.json()["message"] == f"There is no statement {2**31 - 1}."


def test_a_version_past_the_columns_range_is_a_damaged_form(client: TestClient, seeded_db: Database) -> None:
    make_user(seeded_db, "admin@example.org", role="admin")
    csrf = sign_in(client, "admin@example.org")
    response = client.post(
        "/statements/1/restore", data={"csrf_token": csrf, "version": str(2**31), "current_version": "1"}
    )
    assert response.status_code == 422
    assert "this form is damaged" in soup(response.text).get_text(" ")
