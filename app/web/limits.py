"""How large a request body may be: refused with a 413 page (or JSON) before the body is read.

Every address accepts at most `default` bytes, except those given more (reading an article takes a
whole web page). A declared Content-Length over the limit is refused at once; a body sent without one
is counted as it arrives and refused when it passes the limit.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.errors import error_response

DEFAULT_BODY_LIMIT = 1024 * 1024  # a statement, a form, a sign-in: a few kilobytes


def too_large(limit: int) -> str:
    """'The request is over the 4 MB this address accepts.'"""
    return f"The request is over the {limit / 1_000_000:.0f} MB this address accepts; send less at once."


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, default: int = DEFAULT_BODY_LIMIT, larger: Mapping[str, int] | None = None):
        self.app = app
        self.default = default
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.default)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await error_response(Request(scope), 400, "The Content-Length header is not a number.")(
                    scope, receive, send
                )
                return
            if int(declared) > limit:
                await error_response(Request(scope), 413, too_large(limit))(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # raised inside the body's reading, answered by the app's handler
                    raise HTTPException(413, too_large(limit))
            return message

        await self.app(scope, counted, send)
