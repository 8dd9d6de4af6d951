"""A page's response: common context, conditional-request headers, HTML, JSON and CSV twins."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.perf import pagecache
from app.system import scopes
from app.system import service as system_service
from app.system.service import DataStamp
from app.web import conditional
from app.web.htmx import is_htmx


class PageView:
    """Built per request by the `View` dependency: reads the data stamp once, answers 304 early."""

    def __init__(self, request: Request, session: Session, *, in_place: bool = False) -> None:
        """`in_place`: made on the event loop, so it may not wait on anything (see `app.deps.page_view`)."""
        self.request = request
        self.session = session
        self.stamp: DataStamp = system_service.data_stamp(
            session=session, scope=scopes.of_page(request.url.path, request.query_params)
        )
        self.htmx = is_htmx(request)
        self.etag = conditional.make_etag(request, self.stamp, request.app.state.build)
        self.headers = conditional.cache_headers(
            self.etag, self.stamp, private=getattr(request.state, "viewer_key", None) is not None
        )
        if conditional.matches(request.headers.get("if-none-match"), self.etag):
            raise conditional.NotModified(self.headers)
        if self._cacheable and not self.htmx:
            # Rendered already for this URL at this data version: answer before the route does any work.
            # (A fragment is not answered here: its route adds HX-Push-Url.)
            # On the event loop, only a copy ready in the encoding this request takes: the first gzipped
            # copy of a page, or a render another thread is making of it, is left to the route's thread.
            cache, key = request.app.state.body_cache, self._cache_key()
            cached = cache.get(key)
            if cached is not None:
                encode = pagecache.encoded_if_kept if in_place else pagecache.encoded
                ready = encode(request, cache, key, cached)
                if ready is not None:
                    raise conditional.CachedPage(ready, self.headers)

    def context(self, **values: Any) -> dict[str, Any]:
        """What every template can use, plus the page's own values."""
        request = self.request
        return {
            "request": request,
            "stamp": self.stamp,
            "htmx": self.htmx,
            "viewer": getattr(request.state, "viewer", None),
            "csrf_token": getattr(request.state, "csrf_token", None),
            **values,
        }

    def render(self, template: str, **values: Any) -> bytes:
        env = self.request.app.state.templates
        html: str = env.get_template(template).render(self.context(**values))
        return html.encode()

    def html(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        return HTMLResponse(self.render(template, **values), status_code=status, headers=self.headers)

    @property
    def _cacheable(self) -> bool:
        """Pages of anonymous readers are cached; a signed-in editor's page carries their own tokens."""
        return getattr(self.request.state, "viewer_key", None) is None

    def _cache_key(self) -> tuple[object, ...]:
        # The ETag carries the data version, rule version, deployed build and HTMX variant; the
        # path and query name the page (an HTML page and its JSON twin have different paths), and
        # the scheme and host name the site its absolute URLs point to (the Atom feed's).
        url = self.request.url
        return (self.etag, url.scheme, url.netloc, url.path, url.query)

    def page(
        self, template: str, build: Callable[[], dict[str, Any]], status: int = 200, media_type: str = "text/html"
    ) -> Response:
        """A page whose values `build` computes, reused while the data version stays the same (HTML unless said)."""
        if not self._cacheable:
            body = self.render(template, **build())
            return Response(body, status_code=status, media_type=media_type, headers=self.headers)
        return self._cached(lambda: pagecache.CachedBody(media_type, self.render(template, **build()), status))

    def json(self, model: BaseModel, status: int = 200) -> Response:
        return Response(
            model.model_dump_json(), status_code=status, media_type="application/json", headers=self.headers
        )

    def page_json(self, build: Callable[[], BaseModel]) -> Response:
        """A JSON twin whose model `build` computes, reused like `page`."""
        if not self._cacheable:
            return self.json(build())
        return self._cached(lambda: pagecache.CachedBody("application/json", build().model_dump_json().encode()))

    def _cached(self, render: Callable[[], pagecache.CachedBody]) -> Response:
        cache = self.request.app.state.body_cache
        key = self._cache_key()
        return pagecache.encoded(self.request, cache, key, cache.get_or_render(key, render)).response(self.headers)

    def csv(self, rows: Iterable[str], filename: str) -> StreamingResponse:
        headers = {**self.headers, "Content-Disposition": f'attachment; filename="{filename}"'}
        return StreamingResponse(iter(rows), media_type="text/csv; charset=utf-8", headers=headers)


PRIVATE = {"Cache-Control": "no-store", "Vary": "Cookie, HX-Request"}


def private_html(
    request: Request, template: str, *, status: int = 200, headers: dict[str, str] | None = None, **values: Any
) -> HTMLResponse:
    """A page for the signed-in person alone (a form, with its one-time keys): never stored, never answered 304."""
    context = {
        "request": request,
        "htmx": is_htmx(request),
        "viewer": getattr(request.state, "viewer", None),
        "csrf_token": getattr(request.state, "csrf_token", None),
        **values,
    }
    html = request.app.state.templates.get_template(template).render(context)
    return HTMLResponse(html, status_code=status, headers={**PRIVATE, **(headers or {})})
