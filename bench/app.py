"""The benchmarked app: the real app plus benchmark-only routes. Never mounted in production.

`create_bench_app()` is `app.main.create_app()` with:
- F, `/_bench/fortunes`: a minimal page in the same stack (the app's session dependency, one SQL query on
  the same database, run on the driver's cursor as the pages' hot reads are (`app.db.DriverRead`), a small
  Jinja2 template), the yardstick pages are measured against;
- `/_bench/plaintext`: "Hello, World!" from an async FastAPI endpoint, the yardstick for F;
- `/_bench/body-cache`: how often the app's body cache has hit, missed or been bypassed since the start;
- `/_bare/plaintext` (`create_bench_server`): "Hello, World!" from a bare FastAPI app served by the same
  uvicorn process but none of the app's middleware, dependencies or settings: the floor the stack itself has;
- requests carrying `X-Bench-Fresh: 1` bypass the body cache, so "matrix rendered fresh" renders
  every time while the rest of the request (ETag, data stamp, session) runs as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.deps import read_session
from app.main import WRITE_CHECKS, create_app
from app.perf.driver import DriverRead
from app.perf.pagecache import BodyCache
from app.statements.models import Statement
from app.web.routing import include_flat
from app.web.templating import make_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"
FRESH_HEADER = "X-Bench-Fresh"
FORTUNE_ROWS = 12
FORTUNES_READ = DriverRead(select(Statement.id, Statement.said_on, Statement.quote).where(Statement.id <= FORTUNE_ROWS))
_fresh: ContextVar[bool] = ContextVar("bench_fresh", default=False)


class CountingBodyCache:
    """Wraps the app's own body cache (its size as configured), counting hits and misses; fresh requests bypass it."""

    def __init__(self, inner: BodyCache) -> None:
        self.inner = inner
        self.counts = {"hits": 0, "misses": 0, "bypassed": 0}
        self._count_lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _count(self, outcome: str) -> None:
        with self._count_lock:
            self.counts[outcome] += 1

    def get(self, key: tuple[object, ...]) -> Any:
        """The early look-up pages make before any work: a fresh request never finds anything."""
        if _fresh.get():
            return None
        found = self.inner.get(key)
        if found is not None:
            self._count("hits")
        return found

    def __contains__(self, key: tuple[object, ...]) -> bool:
        return key in self.inner

    def get_or_render(self, key: tuple[object, ...], render: Callable[[], Any], **options: Any) -> Any:
        if _fresh.get():
            self._count("bypassed")
            return render()
        rendered = False

        def counted() -> Any:
            nonlocal rendered
            rendered = True
            return render()

        body = self.inner.get_or_render(key, counted, **options)
        self._count("misses" if rendered else "hits")
        return body

    def snapshot(self) -> dict[str, int]:
        with self._count_lock:
            return dict(self.counts)


class FreshMarker:
    """Marks requests that carry the fresh header, for CountingBodyCache (a pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = FRESH_HEADER.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fresh = any(name == self.header and value == b"1" for name, value in scope["headers"])
        token = _fresh.set(fresh)
        try:
            await self.app(scope, receive, send)
        finally:
            _fresh.reset(token)


@dataclass(frozen=True, slots=True)
class Fortune:
    id: int
    said_on: str
    quote: str


def with_added(rows: list[Fortune]) -> list[Fortune]:
    """The fortunes test's rule: one more row added at request time, then all sorted by their text."""
    rows.append(Fortune(0, "", "Additional fortune added at request time: <script>escaped</script>"))
    rows.sort(key=lambda fortune: fortune.quote)
    return rows


def _router(render: Callable[[list[Fortune]], str]) -> APIRouter:
    router = APIRouter(prefix="/_bench", include_in_schema=False)

    @router.get("/fortunes", response_class=HTMLResponse)
    def fortunes(session: Annotated[Session, Depends(read_session)]) -> HTMLResponse:
        # Compiled once and run on the driver's cursor in the session's transaction, as the app's hot
        # reads are (app.db.DriverRead: the matrix's window and carried-in rows, the chart's series).
        rows = [Fortune(id_, str(said_on), quote) for id_, said_on, quote in FORTUNES_READ.fetchall(session)]
        return HTMLResponse(render(with_added(rows)))

    @router.get("/plaintext", response_class=PlainTextResponse)
    async def plaintext() -> PlainTextResponse:
        return PlainTextResponse("Hello, World!")

    @router.get("/body-cache")
    async def body_cache(request: Request) -> JSONResponse:
        return JSONResponse(request.app.state.body_cache.snapshot())

    return router


def create_bench_app(settings: Settings | None = None) -> FastAPI:
    """The real app with the benchmark-only routes; uvicorn runs it with --factory."""
    app = create_app(settings)
    app.state.body_cache = CountingBodyCache(app.state.body_cache)
    env = make_environment()
    env.loader = ChoiceLoader([FileSystemLoader(TEMPLATES), env.loader])  # type: ignore[list-item]
    template = env.get_template("fortunes.html")

    def render(rows: list[Fortune]) -> str:
        context: dict[str, Any] = {"rows": rows}
        return template.render(context)

    include_flat(app, _router(render), write_checks=WRITE_CHECKS)
    app.add_middleware(FreshMarker)
    return app


BARE_PREFIX = "/_bare/"


def create_bare_app() -> FastAPI:
    """FastAPI with one async plaintext endpoint, nothing else: TechEmpower's plaintext, the yardstick."""
    bare = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @bare.get("/_bare/plaintext", response_class=PlainTextResponse)
    async def plaintext() -> PlainTextResponse:
        return PlainTextResponse("Hello, World!")

    return bare


class BareBeside:
    """One ASGI app for uvicorn: `/_bare/...` to the bare FastAPI app, everything else (lifespan too) to the app."""

    def __init__(self, app: ASGIApp, bare: ASGIApp) -> None:
        self.app, self.bare = app, bare

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(BARE_PREFIX):
            await self.bare(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_bench_server() -> BareBeside:
    """What the harness's uvicorn serves (--factory): the benchmarked app, and bare FastAPI beside it."""
    return BareBeside(create_bench_app(), create_bare_app())
