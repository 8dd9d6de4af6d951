"""System routes: /healthz, /stats.json, the OpenAPI document and the API reference."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import RootModel
from starlette.concurrency import run_in_threadpool

from app import deps
from app.actors import repository as actors_repository
from app.countries import repository as countries_repository
from app.deps import SessionDep, View
from app.system import service
from app.system.schemas import Health, Stats
from app.topics import repository as topics_repository
from app.web import openapi

router = APIRouter(tags=["system"])


@router.get(
    "/healthz",
    response_model=Health,
    summary="Is the store reachable and migrated",
    responses={503: {"model": Health, "description": "The store is not ready: see `status` and its checks."}},
)
async def healthz(request: Request, session: SessionDep) -> JSONResponse:
    """One read of two one-row tables, whatever the store holds: cheap enough for a load balancer to poll.

    On SQLite that read is answered from a local file sooner than a thread hop takes, so it is made in
    place (as deps.page_view's data stamp is); a server's round trip is kept off the event loop.
    """
    if request.app.state.db.dialect == "sqlite":
        report = service.health(session=session)
    else:
        report = await run_in_threadpool(service.health, session=session)
    status = 200 if report.status == "ok" else 503
    return JSONResponse(report.model_dump(mode="json"), status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/stats.json", response_model=Stats, summary="What the store holds, counted")
def stats(view: View) -> Response:
    return view.page_json(lambda: service.stats(session=view.session))


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """The interactive API reference, from vendored Swagger UI files (with the IW_NOTICE banner when it is set)."""
    return HTMLResponse(request.app.state.templates.get_template("system/docs.html").render())


@router.get("/openapi.json", include_in_schema=False)
def openapi_document(view: View) -> Response:
    """The OpenAPI document, with the topics and country codes on record (made once per data version)."""

    def build() -> RootModel[dict[str, Any]]:
        values = {
            "topics": [topic.slug for topic in topics_repository.choices(view.session)],
            "countries": sorted(countries_repository.by_code(view.session)),
            "actors": actors_repository.all_slugs(view.session),
        }
        made = openapi.document(view.request.app, values=values, token=deps.api_user, editor=deps.require_editor)
        return RootModel[dict[str, Any]](made)

    return view.page_json(build)
