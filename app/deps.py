"""Dependencies routes declare: the database, a read session, who is viewing, a page view, HTMX detection.

The ones that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the thread pool, and
each of those hops costs about as much as a small query. Those that query take the hop themselves
(`run_in_threadpool`), except where SQLite answers from a local file in less time than the hop: the
read session's close and the page view's data stamp.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.accounts import service as accounts_service
from app.accounts.activity import SessionTouch
from app.accounts.cookies import SESSION_COOKIE
from app.accounts.models import User
from app.config import Settings
from app.db import Database
from app.web import csrf
from app.web.errors import SignInRequired, UserError
from app.web.htmx import is_htmx
from app.web.pages import PageView

DISABLED = "This account is disabled. Ask an admin if you need it back."
SESSION_ENDED = "Your session has ended: you signed out, or it expired. Sign in again; nothing was saved."


async def get_database(request: Request) -> Database:
    return request.app.state.db


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


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
    record = await run_in_threadpool(accounts_service.find_session, session=session, token=token)
    if record is None:
        return None
    state.viewer = record.user
    state.viewer_key = accounts_service.viewer_key(record.id)
    state.csrf_token = record.csrf_token
    state.session_id = record.id
    if accounts_service.needs_touch(record):
        state.session_touch = SessionTouch(record.id, token)
    return record.user


Viewer = Annotated[User | None, Depends(current_viewer)]


async def require_editor(viewer: Viewer) -> User:
    """A signed-in, active user (editors and admins alike)."""
    if viewer is None:
        raise SignInRequired()
    if not viewer.is_active:
        raise UserError(message=DISABLED, status=403)
    return viewer


EditorUser = Annotated[User, Depends(require_editor)]


async def require_admin(user: EditorUser) -> User:
    """A signed-in, active admin; 403 for editors."""
    if not user.is_admin:
        raise UserError(message="Only admins can do that.", status=403)
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
        raise UserError(message=DISABLED, status=403)
    request.state.api_token_id = record.id
    if accounts_service.token_needs_touch(record):
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
        raise UserError(message=csrf.EXPIRED_FORM, status=403)
    if csrf.double_submit_matches(request, submitted):
        return
    if request.cookies.get(SESSION_COOKIE):
        raise SignInRequired(SESSION_ENDED)
    raise UserError(
        message=csrf.EXPIRED_FORM if csrf.ANONYMOUS_COOKIE in request.cookies else csrf.NO_COOKIE, status=403
    )


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


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(read_session)]
View = Annotated[PageView, Depends(page_view)]
IsHtmx = Annotated[bool, Depends(is_htmx)]
