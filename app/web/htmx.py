"""HTMX helpers: is this a fragment request, and redirects that work with and without HTMX."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.requests import HTTPConnection


def is_htmx(request: HTTPConnection) -> bool:
    """An HTMX request that wants a fragment (not a history restore, which needs the whole page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def redirect(request: Request, url: str) -> Response:
    """HX-Redirect for HTMX, 303 See Other otherwise."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def push_url(request: Request, response: Response, url: str) -> Response:
    """Ask HTMX to push `url` to the history, unless the page already shows it (no duplicate entries)."""
    current = request.headers.get("hx-current-url", "")
    shown = urlsplit(current)
    already = current and (shown.path + (f"?{shown.query}" if shown.query else "")) == url
    response.headers["HX-Push-Url"] = "false" if already else url
    return response
