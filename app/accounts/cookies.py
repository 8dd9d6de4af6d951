"""The session cookie: a random token (the server stores only its SHA-256), HttpOnly, SameSite=Lax, Secure on HTTPS."""

from __future__ import annotations

from datetime import timedelta

from fastapi.responses import Response
from starlette.types import Scope

SESSION_COOKIE = "iw_session"


def _is_https(scope: Scope) -> bool:
    # uvicorn sets the scheme from X-Forwarded-Proto only for the proxies in forwarded_allow_ips.
    return scope.get("scheme") == "https"


def set_session_cookie(response: Response, scope: Scope, token: str, max_age: timedelta) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(max_age.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(scope),
    )


def clear_session_cookie(response: Response, scope: Scope) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_is_https(scope))


def session_cookie_header(scope: Scope, token: str, max_age: timedelta) -> tuple[bytes, bytes]:
    """The Set-Cookie header that renews the cookie's lifetime, for a response already under way."""
    response = Response()
    set_session_cookie(response, scope, token, max_age)
    return next((name, value) for name, value in response.raw_headers if name == b"set-cookie")


def sets_session_cookie(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a response already sets or clears the session cookie itself (signing in or out)."""
    prefix = SESSION_COOKIE.encode() + b"="
    return any(name.lower() == b"set-cookie" and value.startswith(prefix) for name, value in headers)
