"""Routes added to the app itself, not behind included routers: one flat list to match a request against.

FastAPI keeps an included router as a branch it walks on every request, saving and restoring the
route context in the request's scope for each route it tries: with ten routers that was a third of
what a plain request cost (docs/performance.md, "The app's floor"). The domains still declare their
routes on their own `APIRouter`; `include_flat` re-adds each to the app, as older FastAPI releases
did on include, with the app's own dependencies in front.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute


def include_flat(app: FastAPI, router: APIRouter) -> None:
    """Add every route of `router` (path, prefix, tags and dependencies already its own) to the app."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"only API routes can be added flat, not {route!r}")
        app.router.add_api_route(
            route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=route.tags,
            dependencies=route.dependencies,
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
