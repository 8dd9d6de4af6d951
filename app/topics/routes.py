"""The admins' topics page: add topics, and change a topic's title and question."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.models import User
from app.db import release
from app.deps import AdminUser, SessionDep
from app.topics import repository
from app.topics import service as topics_service
from app.topics.schemas import NewTopicForm, TopicForm
from app.web.errors import NotFound
from app.web.htmx import redirect
from app.web.pages import private_html

router = APIRouter(tags=["topics"], include_in_schema=False)
LABELS = {"slug": "Slug", "title": "Title", "question": "Question"}


def _messages(errors: list[tuple[str, str]]) -> dict[str, str]:
    return {field: f"{LABELS.get(field, field)}: {message}" for field, message in errors}


def _page(
    request: Request,
    session: Any,
    admin: User,
    *,
    status: int = 200,
    notice: str | None = None,
    new: dict[str, str] | None = None,
    new_errors: dict[str, str] | None = None,
    editing: str | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return private_html(
        request,
        "topics/index.html",
        status=status,
        nav="topics",
        admin=admin,
        topics=repository.all_topics(session),
        notice=notice,
        new=new or {"slug": "", "title": "", "question": "", "is_context": ""},
        new_errors=new_errors or {},
        editing=editing,
        values=values or {},
        errors=errors or {},
    )


@router.get("/admin/topics")
def topics_page(
    request: Request, admin: AdminUser, session: SessionDep, added: str | None = None, changed: str | None = None
) -> HTMLResponse:
    notice = None
    if added:
        notice = f"Added the topic “{added}”."
    elif changed:
        notice = f"Saved the topic “{changed}”."
    return _page(request, session, admin, notice=notice)


@router.post("/admin/topics")
def add_topic(
    request: Request, admin: AdminUser, session: SessionDep, form: Annotated[NewTopicForm, Form()]
) -> Response:
    release(session)
    try:
        with request.app.state.db.write() as write:
            topic = topics_service.add_topic(
                session=write,
                slug=form.slug,
                title=form.title,
                question=form.question,
                is_context=form.is_context == "true",
            )
            slug = topic.slug
    except topics_service.TopicRefused as refused:
        return _page(
            request,
            session,
            admin,
            status=422,
            new=form.model_dump(exclude={"csrf_token"}),
            new_errors=_messages(refused.errors),
        )
    return redirect(request, f"/admin/topics?added={slug}")


@router.post("/admin/topics/{slug}")
def reword_topic(
    request: Request, admin: AdminUser, session: SessionDep, slug: str, form: Annotated[TopicForm, Form()]
) -> Response:
    release(session)
    try:
        with request.app.state.db.write() as write:
            topics_service.reword_topic(session=write, slug=slug, title=form.title, question=form.question)
    except topics_service.TopicNotFound as missing:
        raise NotFound(str(missing)) from None
    except topics_service.TopicRefused as refused:
        return _page(
            request,
            session,
            admin,
            status=422,
            editing=slug,
            values=form.model_dump(exclude={"csrf_token"}),
            errors=_messages(refused.errors),
        )
    return redirect(request, f"/admin/topics?changed={slug}")
