"""The admins' topics page: add topics, and change a topic's title and question."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.accounts.models import User
from app.deps import AdminUser, SessionDep, WriteSession
from app.topics import repository
from app.topics import service as topics_service
from app.topics.schemas import NewTopicForm, TopicForm
from app.web.htmx import redirect
from app.web.pages import private_html

router = APIRouter(tags=["topics"], include_in_schema=False)
LABELS = {"slug": "Slug", "title": "Title", "question": "Question"}


def _messages(refused: topics_service.TopicRefused) -> dict[str, str]:
    return {error.field: f"{LABELS.get(error.field, error.field)}: {error.message}" for error in refused.errors}


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
    request: Request, admin: AdminUser, form: Annotated[NewTopicForm, Form()], session: WriteSession
) -> Response:
    try:
        topic = topics_service.add_topic(
            session=session,
            slug=form.slug,
            title=form.title,
            question=form.question,
            is_context=form.is_context == "true",
        )
    except topics_service.TopicRefused as refused:
        new = form.model_dump(exclude={"csrf_token"})
        return _page(request, session, admin, status=422, new=new, new_errors=_messages(refused))
    return redirect(request, f"/admin/topics?added={topic.slug}")


@router.post("/admin/topics/{slug}")
def reword_topic(
    request: Request, admin: AdminUser, slug: str, form: Annotated[TopicForm, Form()], session: WriteSession
) -> Response:
    try:
        topics_service.reword_topic(session=session, slug=slug, title=form.title, question=form.question)
    except topics_service.TopicRefused as refused:
        values = form.model_dump(exclude={"csrf_token"})
        return _page(request, session, admin, status=422, editing=slug, values=values, errors=_messages(refused))
    return redirect(request, f"/admin/topics?changed={slug}")
