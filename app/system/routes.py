"""System routes: /healthz."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.deps import SessionDep
from app.system import service
from app.system.schemas import Health

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health, summary="The store's health and contents")
def healthz(session: SessionDep) -> JSONResponse:
    report = service.health(session=session)
    status = 200 if report.status == "ok" else 503
    return JSONResponse(report.model_dump(mode="json"), status_code=status, headers={"Cache-Control": "no-store"})
