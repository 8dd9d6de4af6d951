"""Conditional GETs: ETag and Last-Modified from the data version, 304 on a match, and a body cache.

Every write that changes statements bumps app_state.data_version (see system/repository.py), so a
page's ETag changes exactly when its data may have. The ETag also carries the rule version, a
token of the deployed code and templates, whether the response is an HTMX fragment, and who is
signed in (their pages differ), so no two different bodies ever share one.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from app.accounts.cookies import SESSION_COOKIE
from app.db import Database
from app.stances import scoring
from app.system import repository as system_repository
from app.system.repository import DataStamp
from app.web.htmx import is_htmx

VARY = "HX-Request, Cookie"
# Bodies this long or longer go out gzipped to clients that accept it (main.py's GZipMiddleware uses the same).
GZIP_MINIMUM_SIZE = 2048
GZIP_LEVEL = 5


class NotModified(Exception):
    """Raised once If-None-Match matches; answered as 304 with these headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


@dataclass(frozen=True, slots=True)
class CachedBody:
    media_type: str
    body: bytes
    status: int = 200
    encoding: str | None = None  # "gzip" for the compressed copy kept beside a page

    def response(self, headers: dict[str, str]) -> Response:
        if self.encoding is not None:
            # GZipMiddleware passes a body that already has an encoding through untouched.
            headers = {**headers, "Content-Encoding": self.encoding, "Vary": f"{VARY}, Accept-Encoding"}
        return Response(self.body, status_code=self.status, media_type=self.media_type, headers=headers)


def accepts_gzip(request: HTTPConnection) -> bool:
    """GZipMiddleware's own test, so a page from the cache is encoded as a rendered one would be."""
    return "gzip" in request.headers.get("accept-encoding", "")


def encoded(request: HTTPConnection, cache: BodyCache, key: tuple[object, ...], found: CachedBody) -> CachedBody:
    """`found` as this request should get it: gzipped, once per key and kept beside it, when it accepts gzip.

    Every browser does. Compressing a 150 kB matrix page costs more than serving it from the cache, so
    a cached page without its compressed copy would be compressed again on every request.
    """
    if not _takes_gzip(request, found):
        return found
    return cache.get_or_render(
        (*key, "gzip"),
        lambda: CachedBody(found.media_type, gzip.compress(found.body, GZIP_LEVEL, mtime=0), found.status, "gzip"),
    )


def encoded_if_kept(
    request: HTTPConnection, cache: BodyCache, key: tuple[object, ...], found: CachedBody
) -> CachedBody | None:
    """`found` as `encoded` would give it, if that copy is kept already; None when it would have to be made."""
    if not _takes_gzip(request, found):
        return found
    return cache.get((*key, "gzip"))


def _takes_gzip(request: HTTPConnection, found: CachedBody) -> bool:
    return len(found.body) >= GZIP_MINIMUM_SIZE and accepts_gzip(request)


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


class BodyCache:
    """Rendered bodies by key (which includes the data version), least recently used evicted.

    Safe with several workers: a stale entry is never served, because the key carries the data
    version that each request reads from the database first.

    One render per key at a time: after a save every cached page is stale, and the readers who ask
    for the same page meanwhile wait for its first render instead of each rendering it again. If
    that render fails (or its body is too big to keep), each waiter renders its own.
    """

    # A waiter gives up on another thread's render after this long and renders the page itself.
    RENDER_WAIT_SECONDS = 30.0

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[tuple[object, ...], CachedBody] = OrderedDict()
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self._rendering: dict[tuple[object, ...], threading.Event] = {}

    @property
    def enabled(self) -> bool:
        return self._max_bytes > 0

    def get(self, key: tuple[object, ...]) -> CachedBody | None:
        if not self.enabled:
            return None
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def get_or_render(self, key: tuple[object, ...], render: Callable[[], CachedBody]) -> CachedBody:
        if not self.enabled:
            return render()
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
            underway = self._rendering.get(key)
            if underway is None:
                self._rendering[key] = threading.Event()
        if underway is not None:
            underway.wait(self.RENDER_WAIT_SECONDS)
            found = self.get(key)
            if found is None:
                found = render()
                self._keep(key, found)
            return found
        try:
            found = render()
            self._keep(key, found)
        finally:
            with self._lock:
                self._rendering.pop(key).set()
        return found

    def _keep(self, key: tuple[object, ...], found: CachedBody) -> None:
        if len(found.body) > self._max_bytes // 8:
            return  # too big to be worth a place
        with self._lock:
            if key not in self._items:
                self._items[key] = found
                self._bytes += len(found.body)
            while self._bytes > self._max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)


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
        stamp = await run_in_threadpool(_read_stamp, state.db)
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


def _read_stamp(database: Database) -> DataStamp:
    with database.read_session() as session:
        return system_repository.data_stamp(session)
