"""Assisted entry: an editor pastes or uploads an article and confirms the statements the app reads from it.

Nothing is saved here: **Use** opens the normal add form filled in, with the article as its source,
and the editor saves that form. The server never fetches a URL; the address is only the source's.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.countries import repository as countries_repository
from app.countries.models import Country, CountryKind
from app.deps import ApiUser, EditorUser, SessionDep
from app.errors import FieldError, Refused
from app.extraction import service
from app.extraction.candidates import Candidate
from app.statements.records import IsoDate
from app.statements.rules import latest_allowed_date
from app.text import language_name
from app.topics import repository as topics_repository
from app.web.pages import private_html

router = APIRouter(tags=["assisted entry"])

# These take an uploaded article (at most service.MAX_ARTICLE_BYTES, refused beside its field when over):
# app.web.limits refuses a body over the upload limit (IW_UPLOAD_BODY_KB) before it is read.
UPLOAD_PATHS = ("/statements/extract", "/api/extract")
PART_LIMIT = 4 * service.MAX_ARTICLE_BYTES  # room for escaping; the body's own limit comes first


def quote_parts(candidate: Candidate) -> list[tuple[str, bool]]:
    """The quote cut into (text, is a condition) pieces, for highlighting the condition."""
    parts, position = [], 0
    for start, end in sorted(candidate.condition_spans):
        if start > position:
            parts.append((candidate.quote[position:start], False))
        parts.append((candidate.quote[start:end], True))
        position = max(position, end)
    if position < len(candidate.quote):
        parts.append((candidate.quote[position:], False))
    return parts


def _page(request: Request, *, status: int = 200, **values: Any) -> HTMLResponse:
    defaults: dict[str, Any] = {
        "nav": "extract",
        "reading": None,
        "errors": {},
        "form": {"text": "", "url": "", "outlet": "", "title": "", "published_on": ""},
        "quote_parts": quote_parts,
        "language_name": language_name,
        "new_key": lambda: secrets.token_urlsafe(24),
    }
    return private_html(request, "extraction/index.html", status=status, **(defaults | values))


@router.get("/statements/extract", include_in_schema=False)
def extract_page(request: Request, user: EditorUser) -> HTMLResponse:
    return _page(request)


def _whose(country: Country) -> str:
    """How a candidate names whom its office belongs to: a state by its name, NATO or an institution by its code."""
    return country.code if country.kind in (CountryKind.ALLIANCE, CountryKind.INSTITUTION) else country.name


def _day(value: str, field: str) -> date | None:
    """The article's date as typed; Refused (beside the field) when it is not a day or is in the future."""
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise Refused(FieldError(field, "The date is not a day: use YYYY-MM-DD.")) from None
    if day > latest_allowed_date():
        raise Refused(FieldError(field, "The date is in the future."))
    return day


def _read(session: Session, raw: bytes | str, filename: str | None, published_on: date | None) -> service.Reading:
    return service.read(
        session=session, raw=raw, filename=filename, published_on=published_on, today=latest_allowed_date()
    )


@router.post(
    "/statements/extract",
    include_in_schema=False,
    form_limits={"max_part_size": PART_LIMIT, "max_files": 1, "max_fields": 20},
)
async def extract_article(
    request: Request,
    user: EditorUser,
    session: SessionDep,
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    url: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    published_on: Annotated[str, Form()] = "",
) -> HTMLResponse:
    form = {"text": text, "url": url, "outlet": outlet, "title": title, "published_on": published_on}
    try:
        day = _day(published_on, "published_on")
        uploaded = file is not None and bool(file.filename)
        if uploaded and text.strip():
            raise Refused(FieldError("text", "paste the text or upload a file, not both"))
        if uploaded:
            assert file is not None
            raw: bytes | str = await file.read(service.MAX_ARTICLE_BYTES + 1)
            filename: str | None = file.filename
        else:
            raw, filename = text, None
        reading = await run_in_threadpool(_read, session, raw, filename, day)
    except Refused as refused:  # shown beside its field, with everything typed kept
        errors = {error.field: error.message for error in refused.errors}
        return _page(request, status=refused.status, errors=errors, form=form)
    dated = day or reading.article.published_on
    source = {
        "url": url.strip(),
        "outlet": outlet.strip(),
        "title": title.strip() or reading.article.title or "",
        "published_on": dated.isoformat() if dated else "",
    }
    return _page(
        request,
        reading=reading,
        form=form,
        source=source,
        countries={country.code: _whose(country) for country in countries_repository.all_countries(session)},
        topics={topic.slug: topic.title for topic in topics_repository.all_topics(session)},
        duplicate_days=service.DUPLICATE_WINDOW_DAYS,
    )


class ExtractRequest(BaseModel):
    """An article for the extractor: its text (or HTML), and optionally its date and address."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The article: plain text, or a web page's HTML.")
    # JSON's own types, never coerced: `"true"` is not true, and a number is not a date (found by make fuzz).
    html: StrictBool = Field(
        False, description="True when `text` is a web page's HTML (found by its markup otherwise)."
    )
    published_on: IsoDate | None = Field(
        None, description="The article's date, YYYY-MM-DD: days it names are read from it."
    )
    url: str | None = Field(None, description="The article's address, for reference only: it is never fetched.")


class CandidateOut(BaseModel):
    actor: str
    actor_slug: str | None = Field(description="The actor on record the speaker is, or null for a new name.")
    office: str | None
    country: str | None
    quote: str
    quote_is_verbatim: bool
    said_on: date | None
    date_precision: str | None
    date_is_report_date: bool = Field(description="True when the text names no day: `said_on` is the article's.")
    language: str
    topic: str | None
    condition: str | None
    context: str


class CandidatesOut(BaseModel):
    candidates: list[CandidateOut]


@router.post(
    "/api/extract",
    response_model=CandidatesOut,
    summary="Read the candidate statements in an article",
    description="The statements an article seems to hold, for an editor to confirm; nothing is saved, "
    "and a stance is never guessed.",
)
def extract_api(user: ApiUser, body: ExtractRequest, session: SessionDep) -> JSONResponse:
    filename = "article.html" if body.html else None
    raw: bytes | str = body.text.encode() if body.html else body.text
    reading = _read(session, raw, filename, body.published_on)
    return JSONResponse({"candidates": [service.candidate_json(found.candidate) for found in reading.found]})
