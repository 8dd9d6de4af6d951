"""Errors a user can meet, each answered with a page or JSON that says what was wrong; never a trace."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError, FieldError
from app.web import security
from app.web.conditional import CachedPage, NotModified
from app.web.htmx import is_htmx, redirect

log = logging.getLogger("intercept_watch")

TITLES = {
    400: "That request can't be answered",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Someone else changed this first",
    413: "Too large",
    422: "Please correct the highlighted fields",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


class SignInRequired(AppError):
    """Nobody valid is signed in: pages redirect to the sign-in page, other requests get 401.

    `bearer` marks the JSON API's refusals, which say how to send a token (WWW-Authenticate).
    """

    status = 401

    def __init__(self, message: str = "Please sign in to do that.", *, bearer: bool = False) -> None:
        super().__init__(message=message)
        self.bearer = bearer


def sign_in_url(next_path: str | None = None) -> str:
    """/login, coming back to `next_path` afterwards."""
    return "/login" if not next_path else "/login?" + urlencode({"next": next_path})


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.endswith(".json") or path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(
    request: Request,
    status: int,
    message: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
) -> Response:
    errors = errors or []
    title = TITLES.get(status, "Error")
    if wants_json(request):
        body: dict[str, Any] = {
            "status": status,
            "title": title,
            "message": message,
            "errors": [{"field": e.field, "message": e.message} for e in errors],
            **(details or {}),
        }
        return JSONResponse(body, status_code=status, headers=headers)
    env = request.app.state.templates
    fragment = is_htmx(request)
    if fragment:
        # Shown inside the element the request targeted, which stays for the next request.
        headers = {**(headers or {}), "HX-Reswap": "innerHTML"}
    try:
        html = env.get_template("errors/_error.html" if fragment else "errors/error.html").render(
            request=request,
            status=status,
            title=title,
            message=message,
            errors=errors,
            viewer=None,
        )
    except Exception:  # an error page must never fail; fall back to plain markup
        log.exception("rendering the error page failed")
        from html import escape

        html = f"<!doctype html><title>{status}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>"
    return HTMLResponse(html, status_code=status, headers=headers)


async def error_page(
    request: Request,
    status: int,
    message: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
) -> Response:
    """`error_response`, for the handlers."""
    return error_response(request, status, message, errors, headers, details)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(CachedPage)
    async def _cached_page(request: Request, exc: CachedPage) -> Response:
        return exc.cached.response(exc.headers)

    @app.exception_handler(NotModified)
    async def _not_modified(request: Request, exc: NotModified) -> Response:
        return Response(status_code=304, headers=exc.headers)

    @app.exception_handler(AppError)
    async def _refused(request: Request, exc: AppError) -> Response:
        """Every error a rule raises (app/errors.py), answered here and nowhere else."""
        return await error_page(request, exc.status, exc.message, exc.errors, exc.headers or None, exc.details)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        if exc.bearer or wants_json(request):
            challenge = {"WWW-Authenticate": 'Bearer realm="intercept-watch"'}
            return await error_page(request, 401, exc.message, headers=challenge)
        if is_htmx(request):  # htmx swaps no 4xx: send the whole page to sign in, back to where it was
            current = urlsplit(request.headers.get("hx-current-url", ""))
            back = current.path + (f"?{current.query}" if current.query else "") if current.path else None
            return redirect(request, sign_in_url(back or request.url.path))
        if request.method in ("GET", "HEAD"):
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return redirect(request, sign_in_url(path))
        return await error_page(request, 401, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for item in exc.errors():
            location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path", "body", "header")]
            errors.append(
                FieldError(
                    ".".join(location) or "request", str(item.get("msg", "is not valid")).removeprefix("Value error, ")
                )
            )
        if any(item.get("loc", ("",))[0] == "path" for item in exc.errors()):
            # A path that names no possible row (an id past the columns' range, a word for a number).
            return await error_page(request, 404, f"There is no page at {request.url.path}.")
        message = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return await error_page(request, 422, message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"There is no page at {request.url.path}."
        return await error_page(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        response = await error_page(
            request, 500, "The error has been logged. Please try again, or go back to the matrix."
        )
        # The 500 answer is built outside the middleware stack, so it gets the headers here.
        response.headers.update(security.header_dict())
        return response
