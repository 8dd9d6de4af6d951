"""Cross-site request forgery: refused twice over, by where a request comes from and by a token.

1. `CrossSiteMiddleware` (pure ASGI, reads headers only) refuses any state-changing request that a
   browser marks `Sec-Fetch-Site: cross-site`, or whose `Origin` is not one of this site's own: one
   of the allowed hosts (IW_ALLOWED_HOSTS, never the request's own Host, which its sender writes)
   on the request's scheme and port. An Origin that can't be read at all is refused too. It runs
   before routing, so it covers every route.
2. Forms and HTMX requests from a signed-in browser also carry a token (form field `csrf_token`
   or header `X-CSRF-Token`) that must equal their session's; `app.deps.csrf_protect` checks it
   for every route. Before signing in there is no session, so the sign-in form uses a signed
   double-submit cookie: the form's token must equal a cookie only this site can have signed.

Requests with no cookies that carry an API token (or go to /api/) have no ambient credentials to
abuse, so they need no token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.errors import error_page
from app.web.hosts import AllowedHosts

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
ANONYMOUS_COOKIE = "iw_csrf"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CROSS_SITE = "This request came from another site, so it was refused. Nothing was changed."
UNREADABLE_ORIGIN = "This request's Origin header can't be read, so it was refused. Nothing was changed."
EXPIRED_FORM = (
    "This form has expired or was not sent from this site, so nothing was saved. Reload the page and try again."
)
NO_COOKIE = (
    "Your browser did not send this site's cookie with the form, so nothing was sent. "
    "Signing in needs cookies: allow them for this site, reload the page and try again."
)


class BadOrigin(ValueError):
    """An Origin header that is not a serialised origin."""


Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin:
    """('https', 'example.org', 443) from 'https://example.org'; BadOrigin if it isn't one."""
    if value != value.strip() or any(ord(ch) < 0x21 or ord(ch) > 0x7E for ch in value):
        raise BadOrigin(value)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise BadOrigin(value) from None
    if (
        parts.scheme not in _DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or value.endswith("?")
        or value.endswith("#")
    ):
        raise BadOrigin(value)
    return parts.scheme, parts.hostname, port or _DEFAULT_PORTS[parts.scheme]


def own_origin(scope: Scope) -> Origin | None:
    """This site's origin as the request addressed it: its scheme (from the trusted proxy) and Host."""
    scheme = scope.get("scheme", "http")
    host = None
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = value.decode("latin-1")
            break
    if host is None and scope.get("server"):
        server_host, server_port = scope["server"]
        host = f"{server_host}:{server_port}" if server_port else server_host
    if not host or scheme not in _DEFAULT_PORTS:
        return None
    try:
        return parse_origin(f"{scheme}://{host}")
    except BadOrigin:
        return None


def cross_site_refusal(scope: Scope, hosts: AllowedHosts) -> str | None:
    """Why a state-changing request must be refused for where it came from, or None to let it through."""
    origin = None
    fetch_site = None
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            origin = value.decode("latin-1")
        elif name == b"sec-fetch-site":
            fetch_site = value.decode("latin-1").strip().lower()
    if fetch_site == "cross-site":
        return CROSS_SITE
    if origin is None:
        return None  # not sent by a browser (scripts, the command line): the token and the sign-in decide
    if origin == "null":  # sandboxed frames, some cross-origin redirects: never this site
        return CROSS_SITE
    try:
        theirs = parse_origin(origin)
    except BadOrigin:
        return UNREADABLE_ORIGIN
    ours = own_origin(scope)
    if ours is None or theirs[0] != ours[0] or theirs[2] != ours[2]:
        return CROSS_SITE
    if not hosts.allows(theirs[1]) or (hosts.any and theirs[1] != ours[1]):
        return CROSS_SITE
    return None


class CrossSiteMiddleware:
    """Refuses cross-site state-changing requests with 403 before any route runs (no body is read)."""

    def __init__(self, app: ASGIApp, *, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            reason = cross_site_refusal(scope, self.hosts)
            if reason is not None:
                response = await error_page(Request(scope), 403, reason, headers={"Cache-Control": "no-store"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# Tokens


def same_token(submitted: str | None, expected: str | None) -> bool:
    """A constant-time comparison that is False when either is missing."""
    if not submitted or not expected:
        return False
    return hmac.compare_digest(submitted.encode(), expected.encode())


async def submitted_token(request: Request) -> str | None:
    """The token a request carries: the X-CSRF-Token header (HTMX), or the form field."""
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type in _FORM_TYPES:
        value = (await request.form()).get(FORM_FIELD)  # parsed once; the route's form reuses it
        return value if isinstance(value, str) else None
    return None


def needs_token(request: Request) -> bool:
    """State-changing requests need a token unless they carry no cookies and an API token (or go to the API)."""
    if request.method in SAFE_METHODS:
        return False
    if "cookie" not in request.headers and ("authorization" in request.headers or request.url.path.startswith("/api/")):
        return False
    return True


def _signature(value: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), b"csrf:" + value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def new_anonymous_token(secret: str) -> str:
    """A random value and its signature, for the double-submit cookie and the form alike."""
    value = secrets.token_urlsafe(24)
    return f"{value}.{_signature(value, secret)}"


def valid_anonymous_token(token: str | None, secret: str) -> bool:
    """Whether this site signed the token."""
    if not token or token.count(".") != 1:
        return False
    value, signature = token.split(".")
    return hmac.compare_digest(signature.encode(), _signature(value, secret).encode())


def anonymous_token(request: Request) -> tuple[str, bool]:
    """An anonymous form's token: the browser's own if valid, else a new one (True: set the cookie)."""
    secret = request.app.state.secret
    current = request.cookies.get(ANONYMOUS_COOKIE)
    if valid_anonymous_token(current, secret):
        return current, False  # type: ignore[return-value]
    return new_anonymous_token(secret), True


def double_submit_matches(request: Request, submitted: str | None) -> bool:
    """The form's token equals the browser's signed cookie."""
    cookie = request.cookies.get(ANONYMOUS_COOKIE)
    return valid_anonymous_token(cookie, request.app.state.secret) and same_token(submitted, cookie)
