"""Routes added to the app itself, not behind included routers: one flat list to match a request against.

FastAPI keeps an included router as a branch it walks on every request, saving and restoring the
route context in the request's scope for each route it tries: with ten routers that was a third of
what a plain request cost (docs/performance.md, "The app's floor"). The domains still declare their
routes on their own `APIRouter`; `include_flat` re-adds each to the app, as older FastAPI releases
did on include, with the app's own dependencies in front, and a state-changing route with the
app's write checks (the CSRF token) before its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI
from fastapi.params import Depends
from fastapi.routing import APIRoute, _apply_router_form_limits, _update_scope
from fastapi.telemetry._api import _route_selected
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Receive, Scope, Send

from app.web.csrf import SAFE_METHODS


def include_flat(app: FastAPI, router: APIRouter, *, write_checks: Sequence[Depends]) -> None:
    """Add every route of `router` (path, prefix, tags and dependencies already its own) to the app.

    A route that answers a state-changing method gets `write_checks` before its own dependencies; a
    route that only reads doesn't run them (they cost a read session and the viewer, docs/performance.md).
    """
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"only API routes can be added flat, not {route!r}")
        changes_state = bool((route.methods or set()) - SAFE_METHODS)
        app.router.add_api_route(
            route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=route.tags,
            dependencies=[*(write_checks if changes_state else ()), *route.dependencies],
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=route.responses,
            deprecated=route.deprecated,
            methods=route.methods,
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            generate_unique_id_function=route.generate_unique_id_function,
        )


_ANY = "{"  # a first path segment with a parameter in it: such a route could match any first segment


def _first_segment(path: str) -> str:
    segment = path[1:].split("/", 1)[0]
    return _ANY if "{" in segment else segment


class RouteIndex:
    """The app's routes by their path's first segment, so a request is matched only against those that could match.

    FastAPI tries every route in order, a regular expression each; `/healthz`, near the end of the
    list, was tried against fifty (docs/performance.md, "The app's floor"). A route whose path starts
    with a literal segment can match only paths that start with it, so the routes a request is tried
    against are those of its first segment, plus any whose first segment has a parameter, in the app's
    order: the route found is the one FastAPI's walk finds. Anything else (no route matches fully, a
    method not allowed, a trailing slash to redirect, lifespan) goes to FastAPI's walk, which answers it
    as it always has. Installed as the router's entry (`install`), so routes added later are indexed too.
    """

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self.walk = router.app  # FastAPI's own matching, over every route
        self._indexed = -1
        self._by_segment: dict[str, tuple[BaseRoute, ...]] = {}
        self._anywhere: tuple[BaseRoute, ...] = ()

    @classmethod
    def install(cls, app: FastAPI) -> RouteIndex:
        router = app.router
        if router.middleware_stack != router.app:  # router-level middleware would sit between
            raise RuntimeError("the route index expects the router's own matching as its entry")
        index = cls(router)
        router.middleware_stack = index
        return index

    def _index(self) -> None:
        routes = self.router.routes
        segments = [_first_segment(getattr(route, "path", "/{any}")) for route in routes]
        by_segment: dict[str, list[BaseRoute]] = {segment: [] for segment in segments if segment != _ANY}
        for route, segment in zip(routes, segments, strict=True):
            for name, matched in by_segment.items():
                if segment in (name, _ANY):
                    matched.append(route)
        self._by_segment = {name: tuple(matched) for name, matched in by_segment.items()}
        self._anywhere = tuple(route for route, segment in zip(routes, segments, strict=True) if segment == _ANY)
        self._indexed = len(routes)

    def candidates(self, scope: Scope) -> tuple[BaseRoute, ...]:
        """The routes that could match the request, in the app's order."""
        if len(self.router.routes) != self._indexed:
            self._index()
        path: str = get_route_path(scope)
        return self._by_segment.get(path[1:].split("/", 1)[0], self._anywhere)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self.candidates(scope):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    # What FastAPI's walk does with the route it finds (fastapi.routing.APIRouter.app).
                    _apply_router_form_limits(scope, self.router.form_limits)
                    scope.setdefault("router", self.router)
                    _update_scope(scope, child_scope)
                    _route_selected(
                        scope=scope, path=getattr(route, "path_format", None), mount=isinstance(route, Mount)
                    )
                    await route.handle(scope, receive, send)
                    return
        await self.walk(scope, receive, send)
