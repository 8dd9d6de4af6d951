"""The route index finds the route FastAPI's own walk finds, and leaves every other answer to the walk."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Match, Mount

from app import deps
from app.main import create_app
from app.web import inputs
from app.web.csrf import SAFE_METHODS
from app.web.routing import RouteIndex
from tests.conftest import settings_for
from tests.support import soup

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def _scope(path: str, method: str = "GET") -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "query_string": b""}


def _walked(routes: list[BaseRoute], scope: dict[str, object]) -> BaseRoute | None:
    """The route FastAPI's walk hands the request to: the first that matches fully."""
    for route in routes:
        if route.matches(scope)[0] is Match.FULL:
            return route
    return None


def _indexed(index: RouteIndex, scope: dict[str, object]) -> BaseRoute | None:
    return _walked(list(index.candidates(scope)), scope)


def _example_path(path: str) -> str:
    return _PARAM.sub(lambda found: {"int": "7", "path": "a/b.css"}.get(found.group(2) or "", "pl"), path)


def test_every_route_of_the_app_is_found_as_the_walk_finds_it() -> None:
    app = create_app(settings_for("sqlite:///unused.sqlite3"))
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    checked = 0
    for route in app.router.routes:
        path = f"{route.path}/app.css" if isinstance(route, Mount) else _example_path(getattr(route, "path", "/"))
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            scope = _scope(path, method)
            walked = _walked(app.router.routes, scope)
            assert walked is not None, path
            assert _indexed(index, scope) is walked, (method, path)
            checked += 1
    assert checked >= len(app.router.routes)


def test_a_route_with_a_parameter_first_is_tried_for_every_path_in_the_apps_order() -> None:
    app = FastAPI()
    router = APIRouter()

    @router.get("/about")
    async def about() -> str:
        return "about"

    @router.get("/{page}")
    async def page(page: str) -> str:
        return page

    @router.get("/news/{item}")
    async def news(item: str) -> str:
        return item

    app.include_router(router)
    index = RouteIndex.install(app)
    for path in ("/about", "/news", "/anything", "/news/1", "/nothing/here"):
        assert _indexed(index, _scope(path)) is _walked(app.router.routes, _scope(path)), path
    with TestClient(app) as client:
        answers = [client.get(path).json() for path in ("/about", "/news", "/zz", "/news/3")]
    assert answers == ["about", "news", "zz", "3"]


def test_routes_added_after_install_are_found() -> None:
    app = FastAPI()
    index = RouteIndex.install(app)

    @app.get("/late")
    async def late() -> str:
        return "late"

    with TestClient(app) as client:
        assert client.get("/late").json() == "late"
    assert [getattr(route, "path", None) for route in index.candidates(_scope("/late"))] == ["/late"]


@pytest.mark.parametrize("dialect", ["sqlite"], indirect=True)
def test_answers_other_than_a_match_are_the_walks(client: TestClient) -> None:
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404
    assert soup(not_found.text).find("h1") is not None
    assert client.post("/healthz").status_code == 405  # the path matches, the method doesn't
    slash = client.get("/methodology/", follow_redirects=False)
    assert slash.status_code in (307, 308)
    assert slash.headers["location"].endswith("/methodology")
    assert client.get("/static/app.css").status_code == 200  # the mount
    assert client.get("/healthz").status_code == 200


def _calls(dependant: Dependant) -> Iterator[object]:
    """Every dependency a route runs, depth first, in the order FastAPI solves them."""
    for sub in dependant.dependencies:
        yield from _calls(sub)
        yield sub.call


def test_every_state_changing_route_checks_the_csrf_token_before_its_own_dependencies() -> None:
    app = create_app(settings_for("sqlite://"))
    routes = [route for route in app.routes if isinstance(route, APIRoute)]
    writes = [route for route in routes if route.methods - SAFE_METHODS]
    assert len(writes) >= 10
    for route in writes:
        top = [sub.call for sub in route.dependant.dependencies]
        assert top[:2] == [inputs.plain_text, deps.csrf_protect], route.path


def test_a_route_that_only_reads_looks_up_no_viewer_unless_it_uses_one() -> None:
    # The CSRF check needs the viewer, and the viewer a read session: a plain read (the health check) runs neither.
    app = create_app(settings_for("sqlite://"))
    reads = {
        route.path: route for route in app.routes if isinstance(route, APIRoute) and not route.methods - SAFE_METHODS
    }
    health = list(_calls(reads["/healthz"].dependant))
    assert inputs.plain_text in health
    assert deps.csrf_protect not in health and deps.current_viewer not in health
    page = list(_calls(reads["/countries/{code}"].dependant))  # a page still knows who is reading it
    assert deps.current_viewer in page and deps.csrf_protect not in page
