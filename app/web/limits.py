"""How large and how deep a request body may be, judged as its bytes arrive, before anything parses it.

Each request gets the limit of its kind (settings `IW_JSON_BODY_KB`, `IW_FORM_BODY_KB`,
`IW_UPLOAD_BODY_KB`): the JSON API (paths under /api/), an uploaded article (the paths the
extraction routes name), or a form (everything else). A declared Content-Length over the limit is
refused at once. Every body is also counted as it arrives, whatever its Content-Length says, so a
missing or false length or a chunked body is refused as soon as it passes the limit (413).

A JSON body (the JSON API, or any body sent as JSON) is scanned for its nesting as it arrives:
deeper than MAX_JSON_DEPTH is refused with 400 before a parser recurses into it (issue 24).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.web.errors import error_response

KB = 1024
MAX_JSON_DEPTH = 32  # a statement record is 3 deep; Python's parser recurses once per level
_JSON_TOKENS = re.compile(rb'[\[\]{}"\\]')
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPENING, _CLOSING = frozenset(b"[{"), frozenset(b"]}")


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """The largest body, in bytes, of each kind of request."""

    json: int
    form: int
    upload: int


def size_name(limit: int) -> str:
    """'256 KB', '1 MB': a limit as its setting is written."""
    if limit % (KB * KB) == 0:
        return f"{limit // (KB * KB)} MB"
    if limit % KB == 0:
        return f"{limit // KB} KB"
    return f"{limit:,} bytes"


def too_large(limit: int) -> str:
    """'The request is over the 256 KB this address accepts; ...'"""
    return f"The request is over the {size_name(limit)} this address accepts; send less at once."


def too_deep(depth: int = MAX_JSON_DEPTH) -> str:
    """Why a JSON body nested too deep is refused."""
    return f"The JSON body is nested more than {depth} levels deep; nothing was read. Send a flatter document."


class BodyRefused(HTTPException):
    """A body refused while it arrives: over its limit (413) or JSON nested too deep (400)."""


class JsonDepth:
    """The nesting of a JSON text fed in pieces, outside its strings; BodyRefused once it passes the limit."""

    def __init__(self, limit: int = MAX_JSON_DEPTH) -> None:
        self.limit = limit
        self.depth = 0
        self.in_string = False
        self.escaped = False  # the piece before ended inside a string on a backslash

    def feed(self, piece: bytes) -> None:
        if not piece:
            return
        skip = 1 if self.escaped else 0  # tokens before this position are escaped characters
        self.escaped = False
        for token in _JSON_TOKENS.finditer(piece):
            at = token.start()
            if at < skip:
                continue
            char = piece[at]
            if self.in_string:
                if char == _BACKSLASH:
                    skip = at + 2
                    self.escaped = skip > len(piece)
                elif char == _QUOTE:
                    self.in_string = False
            elif char == _QUOTE:
                self.in_string = True
            elif char in _OPENING:
                self.depth += 1
                if self.depth > self.limit:
                    raise BodyRefused(400, too_deep(self.limit))
            elif char in _CLOSING:
                self.depth -= 1


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def is_json(scope: Scope) -> bool:
    """Whether a request's body is JSON: anything sent to the JSON API, or declared as JSON."""
    if scope["path"].startswith("/api/"):
        return True
    content_type = (_header(scope, b"content-type") or b"").split(b";", 1)[0].strip().lower()
    return content_type == b"application/json" or content_type.endswith(b"+json")


class BodyLimitMiddleware:
    """Refuses a body over its kind's limit (413) or JSON nested too deep (400), before the app parses it."""

    def __init__(self, app: ASGIApp, *, limits: BodyLimits, upload_paths: Collection[str] = ()) -> None:
        self.app = app
        self.limits = limits
        self.upload_paths = frozenset(upload_paths)

    def limit_for(self, path: str) -> int:
        """The largest body a request to `path` may send."""
        if path in self.upload_paths:
            return self.limits.upload
        if path.startswith("/api/"):
            return self.limits.json
        return self.limits.form

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await error_response(Request(scope), 400, "The Content-Length header is not a number.")(
                    scope, receive, send
                )
                return
            if int(declared) > limit:
                await error_response(Request(scope), 413, too_large(limit))(scope, receive, send)
                return
        depth = JsonDepth() if is_json(scope) else None
        received = 0
        refusal: BodyRefused | None = None
        answered = disconnected = False

        async def counted() -> Message:
            nonlocal received, refusal, disconnected
            if refusal is not None:
                raise refusal
            message = await receive()
            disconnected = message["type"] == "http.disconnect"
            if message["type"] == "http.request":
                body = message.get("body", b"")
                received += len(body)
                try:
                    if received > limit:
                        raise BodyRefused(413, too_large(limit))
                    if depth is not None:
                        depth.feed(body)
                except BodyRefused as refused:
                    refusal = refused
                    raise
            return message

        async def watched(message: Message) -> None:
            nonlocal answered
            if refusal is not None and not answered:
                return  # the app's answer to a refused body is replaced by the refusal below
            answered = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except ClientDisconnect:
            if not disconnected:
                raise
            return  # the client went away before its body was read: nobody is left to answer
        except Exception:
            if refusal is None or answered:
                raise
        if refusal is not None and not answered:
            await error_response(Request(scope), refusal.status_code, str(refusal.detail))(scope, receive, send)
