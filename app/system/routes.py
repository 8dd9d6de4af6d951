"""System routes: /healthz."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from app.deps import SessionDep
from app.system import service
from app.system.schemas import Health

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health, summary="The store's health and contents")
def healthz(session: SessionDep) -> JSONResponse:
    report = service.health(session=session)
    status = 200 if report.status == "ok" else 503
    return JSONResponse(report.model_dump(mode="json"), status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """The interactive API reference, from vendored Swagger UI files (with the IW_NOTICE banner when it is set)."""
    return HTMLResponse(request.app.state.templates.get_template("system/docs.html").render())
