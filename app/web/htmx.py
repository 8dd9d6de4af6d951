"""HTMX helpers: is this a fragment request, and redirects that work with and without HTMX."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response


def is_htmx(request: Request) -> bool:
    """An HTMX request that wants a fragment (not a history restore, which needs the whole page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def redirect(request: Request, url: str) -> Response:
    """HX-Redirect for HTMX, 303 See Other otherwise."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
