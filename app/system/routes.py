"""System routes: /healthz, /stats.json and the API reference."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app.deps import SessionDep, View
from app.system import service
from app.system.schemas import Health, Stats

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health, summary="Is the store reachable and migrated")
def healthz(session: SessionDep) -> JSONResponse:
    """Two one-row reads, whatever the store holds: cheap enough for a load balancer to poll."""
    report = service.health(session=session)
    status = 200 if report.status == "ok" else 503
    return JSONResponse(report.model_dump(mode="json"), status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/stats.json", response_model=Stats, summary="What the store holds, counted")
def stats(view: View) -> Response:
    return view.page_json(lambda: service.stats(session=view.session))


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """The interactive API reference, from vendored Swagger UI files (with the IW_NOTICE banner when it is set)."""
    return HTMLResponse(request.app.state.templates.get_template("system/docs.html").render())
