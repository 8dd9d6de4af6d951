"""The host names this site answers to (IW_ALLOWED_HOSTS), as Django's ALLOWED_HOSTS: any other Host gets 400.

A request names the site it wants in its Host header, which the client writes. Pinning the names
keeps a forged Host out of every link, redirect and origin the app builds from it, and gives the
cross-site check (app/web/csrf.py) a list of this site's own names that no request can change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web import security
from app.web.errors import error_response

_HOST = re.compile(r"(?P<name>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(?P<port>[0-9]{1,5}))?")
NO_HOST = "The request has no Host header, so this server can't tell which site it is for."


def host_name(header: str) -> str | None:
    """The host name of a Host header, lower-cased, without its port: None if it isn't one."""
    found = _HOST.fullmatch(header.strip())
    if found is None:
        return None
    return found["name"].strip("[]").lower().rstrip(".") or None


def not_served(name: str) -> str:
    """Why a request for another host name is refused."""
    return f"This server does not serve the host “{name}”. The hosts it serves are set in IW_ALLOWED_HOSTS."


@dataclass(frozen=True, slots=True)
class AllowedHosts:
    """Host names ('watch.example.org'), whole domains ('.example.org': it and its subdomains), or '*' (any)."""

    names: tuple[str, ...]

    @classmethod
    def parse(cls, setting: str | Iterable[str]) -> AllowedHosts:
        """From the comma-separated setting."""
        items = setting.split(",") if isinstance(setting, str) else setting
        return cls(tuple(name.strip().lower().rstrip(".").strip("[]") for name in items if name.strip()))

    @property
    def any(self) -> bool:
        return "*" in self.names

    def allows(self, name: str) -> bool:
        """Whether a host name (as `host_name` gives it) is one of this site's."""
        if self.any:
            return True
        for allowed in self.names:
            if allowed.startswith("."):
                if name == allowed[1:] or name.endswith(allowed):
                    return True
            elif name == allowed:
                return True
        return False


def request_host(scope: Scope) -> str | None:
    """The request's Host header as sent, or None without one."""
    for key, value in scope.get("headers", ()):
        if key == b"host":
            return str(value.decode("latin-1"))
    return None


class AllowedHostsMiddleware:
    """Refuses, with 400 and a message, any request whose Host is not an allowed host name (before routing)."""

    def __init__(self, app: ASGIApp, *, hosts: AllowedHosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.hosts.any:
            header = request_host(scope)
            name = host_name(header) if header is not None else None
            if name is None or not self.hosts.allows(name):
                message = NO_HOST if header is None else not_served(header.strip()[:200])
                headers = security.header_dict() | {"Cache-Control": "no-store"}  # it runs outside their middleware
                response = error_response(Request(scope), 400, message, headers=headers)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
