"""Dependencies routes declare: the database, a read session, a page view, HTMX detection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.web.htmx import is_htmx
from app.web.pages import PageView


def get_database(request: Request) -> Database:
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def read_session(request: Request) -> Iterator[Session]:
    session = request.app.state.db.read_session()
    try:
        yield session
    finally:
        session.close()


def page_view(request: Request, session: Annotated[Session, Depends(read_session)]) -> PageView:
    return PageView(request, session)


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(read_session)]
View = Annotated[PageView, Depends(page_view)]
IsHtmx = Annotated[bool, Depends(is_htmx)]
