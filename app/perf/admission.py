"""How many requests a worker works on at once; the others wait their turn on the event loop, holding nothing.

A request in flight holds pooled database connections (its read session from its first query to its
end and, while it saves, a write) and takes turns on the worker's few threads. Without a limit, a
burst of requests larger than the pool deadlocks the worker: the requests holding every connection
wait for a thread, while every thread waits for a connection. So at most `limit` requests are let in,
and the engine's pool has room for two connections each (app.main). Those waiting are let in first
come, first served; static files never touch the database and pass straight through.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

PASS_THROUGH = ("/static/",)


class AdmissionMiddleware:
    """Pure ASGI: lets at most `limit` HTTP requests into the app at once, in arrival order."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        if limit < 1:
            raise ValueError("the admission limit must be at least 1")
        self.app = app
        self.limit = limit
        self._turns: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        """The semaphore of the running loop (a test client may run the same app on a new loop)."""
        loop = asyncio.get_running_loop()
        if self._turns is None or self._turns[0] is not loop:
            self._turns = (loop, asyncio.Semaphore(self.limit))
        return self._turns[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PASS_THROUGH):
            await self.app(scope, receive, send)
            return
        async with self._semaphore():
            await self.app(scope, receive, send)
