"""Dependencies routes declare: a read session, a unit of work for writes, who is viewing, a page view.

The ones that do no I/O are `async def`, so they take no thread hop; those that query take the hop
themselves, except where SQLite answers from a local file sooner (docs/performance.md, "Threads").
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.accounts import rules as accounts_rules
from app.accounts import service as accounts_service
from app.accounts.activity import SessionTouch
from app.accounts.cookies import SESSION_COOKIE
from app.accounts.models import User
from app.db import MAX_INTEGER, Database, release
from app.errors import Forbidden
from app.web import csrf
from app.web.errors import SignInRequired
from app.web.pages import PageView

T = TypeVar("T")

# A row's id in a path: a number past the id columns' range names no row, so it is answered 404
# (app/web/errors.py) before any query, the same on SQLite and PostgreSQL.
RowId = Annotated[int, Path(ge=1, le=MAX_INTEGER, description="The row's id: a whole number from 1 to 2^31-1.")]
DISABLED = "This account is disabled. Ask an admin if you need it back."
SESSION_ENDED = "Your session has ended: you signed out, or it expired. Sign in again; nothing was saved."


async def read_session(request: Request) -> AsyncIterator[Session]:
    """A read session for the request, closed when it ends.

    Making a session does no I/O (its connection is checked out at its first query, in the thread the
    route runs in), so it is made on the event loop. Closing ends the read transaction: on SQLite that
    releases a file lock, done in place; a server's ROLLBACK is a round trip, kept off the event loop.
    """
    database: Database = request.app.state.db
    session = database.read_session()
    try:
        yield session
    finally:
        if session.in_transaction() and database.dialect != "sqlite":
            await run_in_threadpool(session.close)
        else:
            session.close()


async def current_viewer(request: Request, session: Annotated[Session, Depends(read_session)]) -> User | None:
    """Who is signed in on this browser; sets request.state.viewer, viewer_key and csrf_token.

    Without a session cookie this touches no database: anonymous pages stay as cheap as before.
    """
    state = request.state
    state.viewer = state.viewer_key = state.csrf_token = state.session_id = None
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    if request.app.state.db.dialect == "sqlite":  # one row by its key from a local file, in place (page_view)
        record = accounts_service.find_session(session=session, token=token)
    else:
        record = await run_in_threadpool(accounts_service.find_session, session=session, token=token)
    if record is None:
        return None
    state.viewer = record.user
    state.viewer_key = accounts_rules.viewer_key(record.id)
    state.csrf_token = record.csrf_token
    state.session_id = record.id
    if accounts_rules.needs_touch(record):
        state.session_touch = SessionTouch(record.id, token)
    return record.user


Viewer = Annotated[User | None, Depends(current_viewer)]


async def require_editor(viewer: Viewer) -> User:
    """A signed-in, active user (editors and admins alike)."""
    if viewer is None:
        raise SignInRequired()
    if not viewer.is_active:
        raise Forbidden(DISABLED)
    return viewer


EditorUser = Annotated[User, Depends(require_editor)]


async def require_admin(user: EditorUser) -> User:
    """A signed-in, active admin; 403 for editors."""
    if not user.is_admin:
        raise Forbidden("Only admins can do that.")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


async def api_user(request: Request, session: Annotated[Session, Depends(read_session)]) -> User:
    """The active user whose API token the `Authorization: Bearer <token>` header carries; 401 otherwise."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise SignInRequired(
            "Send a personal API token as `Authorization: Bearer <token>`; create one on your account page.",
            bearer=True,
        )
    record = await run_in_threadpool(accounts_service.find_token, session=session, token=token)
    if record is None:
        raise SignInRequired("This API token is not valid: it was revoked, or mistyped.", bearer=True)
    if not record.user.is_active:
        raise Forbidden(DISABLED)
    request.state.api_token_id = record.id
    if accounts_rules.token_needs_touch(record):
        request.state.api_token_touch = record.id
    return record.user


ApiUser = Annotated[User, Depends(api_user)]


async def csrf_protect(request: Request, viewer: Viewer) -> None:
    """The token check on every state-changing request (installed on the whole app in main.py)."""
    if not csrf.needs_token(request):
        return
    submitted = await csrf.submitted_token(request)
    expected = request.state.csrf_token
    if expected is not None:  # a live session: its own token, and only that
        if csrf.same_token(submitted, expected):
            return
        raise Forbidden(csrf.EXPIRED_FORM)
    if csrf.double_submit_matches(request, submitted):
        return
    if request.cookies.get(SESSION_COOKIE):
        raise SignInRequired(SESSION_ENDED)
    raise Forbidden(csrf.EXPIRED_FORM if csrf.ANONYMOUS_COOKIE in request.cookies else csrf.NO_COOKIE)


async def page_view(request: Request, session: Annotated[Session, Depends(read_session)], _viewer: Viewer) -> PageView:
    """The page's view: the data stamp read, and a page already rendered at this version answered at once.

    On SQLite the stamp is one row read by its key from a local file, so the view is made in place, on
    the event loop: a page kept in the body cache is then answered without a thread hop, and a page to
    render takes one hop (its route) instead of two. On a server each read is a round trip, kept off
    the event loop.
    """
    if request.app.state.db.dialect == "sqlite":
        return PageView(request, session, in_place=True)
    return await run_in_threadpool(PageView, request, session)


SessionDep = Annotated[Session, Depends(read_session)]
View = Annotated[PageView, Depends(page_view)]


async def write_session(request: Request, read: SessionDep) -> AsyncIterator[Session]:
    """The route's unit of work: commits once when the route returns, rolls back if it raises.

    The read session ends first, so the request holds one connection at a time while it waits its
    turn to write. Declare it after the other dependencies, which may read. A service refuses
    before it writes, so a route that catches a refusal to show its form again commits nothing.
    """
    await _release(request, read)
    async with request.app.state.db.unit_of_work() as session:
        yield session


async def _release(request: Request, read: Session) -> None:
    if read.in_transaction() and request.app.state.db.dialect != "sqlite":
        await run_in_threadpool(release, read)  # a server's COMMIT is a round trip
    else:
        release(read)


# scope="function": committed before the response goes out, so a redirect never outruns its data.
WriteSession = Annotated[Session, Depends(write_session, scope="function")]


class Writes:
    """Units of work one at a time, for a route with slow work between writes (signing in hashes a password)."""

    def __init__(self, request: Request, read: Session) -> None:
        self._request = request
        self._read = read

    async def run(self, write: Callable[..., T], /, **values: Any) -> T:
        """`write(session=..., **values)` in a unit of work of its own, run in a thread: committed when it returns."""
        await _release(self._request, self._read)
        async with self._request.app.state.db.unit_of_work() as session:
            return await run_in_threadpool(lambda: write(session=session, **values))


async def writes(request: Request, read: SessionDep) -> Writes:
    return Writes(request, read)


Writer = Annotated[Writes, Depends(writes)]
