"""Conditional GETs: ETag and Last-Modified from the data version, and 304 on a match.

Every write that changes statements bumps the data version of the scopes it touches (a topic's
matrix, a country, an actor, a statement, the history; app/system/scopes.py), so a page's ETag
changes exactly when its data may have. The ETag also carries the rule version, a
token of the deployed code and templates, whether the response is an HTMX fragment, and who is
signed in (their pages differ), so no two different bodies ever share one.
"""

from __future__ import annotations

from email.utils import format_datetime

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from app.accounts.cookies import SESSION_COOKIE
from app.db import Database
from app.perf.pagecache import VARY, CachedBody
from app.stances import scoring
from app.system import scopes
from app.system import service as system_service
from app.system.service import DataStamp
from app.web.htmx import is_htmx


class NotModified(Exception):
    """Raised once If-None-Match matches; answered as 304 with these headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


class CachedPage(Exception):
    """Raised when this URL's page is already rendered at this data version; answered with it as is."""

    def __init__(self, cached: CachedBody, headers: dict[str, str]) -> None:
        self.cached = cached
        self.headers = headers


def make_etag(request: Request, stamp: DataStamp, build: str) -> str:
    viewer = getattr(request.state, "viewer_key", None) or "anon"
    return etag_for(stamp.version, build, "h" if is_htmx(request) else "p", viewer)


def etag_for(version: int, build: str, variant: str, viewer: str) -> str:
    return f'W/"{version}.{scoring.RULE_VERSION}.{build}.{variant}.{viewer}"'


def cache_headers(etag: str, stamp: DataStamp, *, private: bool) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(stamp.changed_at, usegmt=True),
        "Cache-Control": ("private, " if private else "") + "no-cache",
        "Vary": VARY,
    }


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110's weak comparison of If-None-Match against our ETag."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == ours for candidate in if_none_match.split(","))


class NotModifiedMiddleware:
    """Answers an anonymous reader's revalidation before routing: one primary-key read, then 304.

    Every page's ETag is made of the data version, the rule version, the build, the HTMX variant and
    the viewer (see make_etag), and for a request without a session cookie all but the data version
    are known from its headers. So when If-None-Match names the current anonymous ETag, the answer
    is 304 whatever the page; anything else (a signed-in browser, `*`, an older version, a header
    that names no page of this build) goes on to the route, which judges it as before.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        if_none_match = connection.headers.get("if-none-match")
        if not if_none_match or SESSION_COOKIE in connection.cookies:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        variant = "h" if is_htmx(connection) else "p"
        suffix = f'.{scoring.RULE_VERSION}.{state.build}.{variant}.anon"'
        if not any(candidate.strip().endswith(suffix) for candidate in if_none_match.split(",")):
            await self.app(scope, receive, send)  # `*`, or no anonymous page of this build
            return
        stamp = await run_in_threadpool(_read_stamp, state.db, scopes.of_page(scope["path"], connection.query_params))
        etag = etag_for(stamp.version, state.build, variant, "anon")
        if not matches(if_none_match, etag):
            await self.app(scope, receive, send)
            return
        headers = cache_headers(etag, stamp, private=False)
        await send(
            {
                "type": "http.response.start",
                "status": 304,
                "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _read_stamp(database: Database, scope: str | None) -> DataStamp:
    with database.read_session() as session:
        return system_service.data_stamp(session=session, scope=scope)
