"""The statement history (with its JSON and CSV twins) and the statement page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import params
from app.deps import RowId, View
from app.errors import BadQuery, NotFound
from app.interchange.codec import spreadsheet_safe
from app.revisions import diff
from app.revisions import repository as revisions_repository
from app.stances import matrix, scoring
from app.statements import filters, history, paging, repository
from app.statements.cards import StatementCard
from app.statements.filters import HistoryFilters
from app.statements.models import STANCE_MEANINGS
from app.statements.schemas import (
    HistoryOut,
    HistoryQuery,
    RevisionSummaryOut,
    StatementOut,
    StatementPageOut,
    UnpagedQuery,
)
from app.topics import repository as topics_repository
from app.web.htmx import push_url

router = APIRouter(tags=["statements"])
# A page token in the right form that this site did not sign names no page (app/statements/history.py).
NO_SUCH_PAGE: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such page: the page token was changed, or belongs to another database."}
}

Query_ = Annotated[HistoryQuery, Query()]
Unpaged = Annotated[UnpagedQuery, Query()]


def _page_links(path: str, found: HistoryFilters, page: history.HistoryPage) -> dict[str, str | None]:
    base = found.params
    return {
        "older_url": params.with_query(path, base | {"after": page.older}) if page.older else None,
        "newer_url": params.with_query(path, base | {"before": page.newer}) if page.newer else None,
        "first_url": params.with_query(path, base),
    }


def _page(view: View, found: HistoryFilters, query: HistoryQuery) -> history.HistoryPage:
    secret = view.request.app.state.secret
    return history.page(session=view.session, filters=found, after=query.after, before=query.before, secret=secret)


@router.get(
    "/statements.json",
    response_model=HistoryOut,
    summary="Published statements, newest first, filtered",
    responses=NO_SUCH_PAGE,
)
def history_json(view: View, query: Query_) -> Response:
    found = filters.parse(view.session, query)
    return view.page_json(lambda: _history_out(view, found, query))


def _history_out(view: View, found: HistoryFilters, query: HistoryQuery) -> HistoryOut:
    page = _page(view, found, query)
    links = _page_links("/statements.json", found, page)
    return HistoryOut(
        filters=found.params,
        count=min(page.count, paging.COUNT_CAP),
        count_is_capped=page.count_capped,
        count_is_lower_bound=page.count_is_lower_bound,
        page_size=paging.PAGE_SIZE,
        statements=[StatementOut.of(s) for s in page.statements],
        older=links["older_url"],
        newer=links["newer_url"],
        data_version=view.stamp.version,
    )


CSV_COLUMNS = (
    "id",
    "said_on",
    "date_precision",
    "date_is_report_date",
    "country",
    "actor",
    "office",
    "topic",
    "stance",
    "stance_meaning",
    "condition",
    "quote",
    "quote_is_verbatim",
    "language",
    "translation",
    "sources",
    "url",
)


def _csv_rows(request: Request, found: HistoryFilters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    base = str(request.base_url).rstrip("/")
    with request.app.state.db.read_session() as session:
        for s in history.iter_matching(session=session, filters=found):
            sources = " | ".join(source.url or f"{source.outlet}: {source.title}" for source in s.sources)
            text_cells = [
                s.country.code,
                s.actor.name,
                s.office.title,
                s.topic.slug,
                STANCE_MEANINGS[s.stance],
                s.condition or "",
                s.quote,
                s.language,
                s.translation or "",
                sources,
            ]
            safe = [spreadsheet_safe(cell) for cell in text_cells]
            writer.writerow(
                [
                    s.id,
                    s.said_on.isoformat(),
                    s.date_precision.value,
                    str(s.date_is_report_date).lower(),
                    *safe[:4],
                    s.stance,
                    *safe[4:7],
                    str(s.quote_is_verbatim).lower(),
                    *safe[7:],
                    f"{base}/statements/{s.id}",
                ]
            )
            yield flush()


@router.get(
    "/statements.csv",
    summary="The filtered history as CSV (cells safe for spreadsheets)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def history_csv(view: View, query: Unpaged) -> Response:
    found = filters.parse(view.session, query)
    _no_pages(query, "the CSV holds every matching statement")
    return view.csv(_csv_rows(view.request, found), filename=f"intercept-watch-statements-v{view.stamp.version}.csv")


ATOM = "application/atom+xml; charset=utf-8"


@router.get(
    "/statements.atom",
    summary="The latest statements as an Atom feed, filtered",
    description=(
        f"The latest {history.FEED_SIZE} statements that match the history's filters, newest first, as an Atom "
        "feed (RFC 4287) to follow in a feed reader. An entry's id is its statement's URL and never changes; "
        "`published` is when the statement was recorded and `updated` when it last changed. A corrected entry "
        "says so; a retracted one stays in the feed, marked, with the reason. The feed has no pages: "
        "`after` and `before` are refused."
    ),
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "An Atom feed."}},
)
def history_feed(view: View, query: Unpaged) -> Response:
    found = filters.parse(view.session, query)
    _no_pages(query, f"the feed holds the latest {history.FEED_SIZE} statements")
    return view.page("statements/index.atom", lambda: _feed(view, found), media_type=ATOM)


def _no_pages(query: HistoryQuery, holds: str) -> None:
    if query.after or query.before:
        raise BadQuery("after" if query.after else "before", f"there are no pages here: {holds}")


def _feed(view: View, found: HistoryFilters) -> dict[str, Any]:
    entries = history.feed(session=view.session, filters=found)
    site = str(view.request.base_url).rstrip("/")
    return {
        "entries": entries,
        "filters": found,
        "site": site,
        "feed_url": site + params.with_query("/statements.atom", found.params),
        "page_url": site + params.with_query("/statements", found.params),
        "updated": max((entry.statement.updated_at for entry in entries), default=view.stamp.changed_at),
    }


@router.get(
    "/statements",
    response_class=HTMLResponse,
    summary="Published statements, newest first, filtered (HTML)",
    responses={
        303: {"description": "The same filters written canonically (empty ones left out): go there."},
        **NO_SUCH_PAGE,
    },
)
def history_page(view: View, query: Query_) -> Response:
    found = filters.parse(view.session, query)
    history.cursors(after=query.after, before=query.before, secret=view.request.app.state.secret)  # before any redirect
    tokens: dict[str, str | list[str] | None] = {"after": query.after, "before": query.before}
    canonical = params.with_query("/statements", {**found.params, **tokens})
    if not view.htmx and not _same_query(canonical, view.request):
        # A form sent with empty fields: answer with the clean, shareable URL.
        return RedirectResponse(canonical, status_code=303)

    def build() -> dict[str, Any]:
        page = _page(view, found, query)
        values: dict[str, Any] = {
            "nav": "statements",
            "filters": found,
            "page": page,
            "count_cap": paging.COUNT_CAP,
            "csv_url": params.with_query("/statements.csv", found.params),
            "feed_url": params.with_query("/statements.atom", found.params),
            "json_url": params.with_query("/statements.json", {**found.params, **tokens}),
            **_page_links("/statements", found, page),
        }
        if not view.htmx:
            values |= {
                "topics": topics_repository.choices(view.session),
                "countries": matrix.country_refs(session=view.session),
            }
        return values

    if view.htmx:
        return push_url(view.request, view.page("statements/_results.html", build), canonical)
    return view.page("statements/index.html", build)


def _same_query(canonical: str, request: Request) -> bool:
    """Whether the request asked for exactly the canonical parameters, in any order."""
    wanted = sorted(parse_qsl(canonical.partition("?")[2], keep_blank_values=True))
    return wanted == sorted(parse_qsl(request.url.query, keep_blank_values=True))


def _statement(view: View, statement_id: int) -> StatementCard:
    found = repository.cards(view.session, [statement_id])
    if not found:
        raise NotFound(f"There is no statement {statement_id}.")
    return found[0]


@router.get("/statements/{statement_id:int}.json", response_model=StatementPageOut, summary="One statement, whole")
def statement_json(view: View, statement_id: RowId) -> Response:
    def build() -> StatementPageOut:
        statement = _statement(view, statement_id)
        revisions = revisions_repository.for_statement_with_authors(view.session, statement_id)
        viewer = getattr(view.request.state, "viewer", None)
        admin = viewer is not None and viewer.is_admin
        return StatementPageOut(
            statement=StatementOut.of(statement),
            matrix_cell=_cell_url(statement),
            revisions=[
                RevisionSummaryOut(
                    version=r.version,
                    action=r.action.value,
                    at=r.created_at,
                    via=r.via,
                    note=r.note,
                    by=author.public_name if author else None,
                    by_email=author.email if author and admin else None,
                )
                for r, author in revisions
            ],
        )

    return view.page_json(build)


def _cell_url(statement: StatementCard) -> str:
    month = f"{statement.said_on:%Y-%m}"
    return (
        params.with_query(
            "/matrix", {"topic": statement.topic.slug, "to": month, "cell": f"{statement.country.code}:{month}"}
        )
        + f"#detail-{statement.country.code}"
    )


# After a save, the statement page says what happened (`?saved=...`).
SAVED_NOTICES = {
    "new": "Saved. The matrix, the country and actor pages and the history include it now.",
    "again": "This form had already been saved: here is the statement it created. Nothing was added twice.",
    "edited": "Your changes are saved as a new version; the earlier one stays in the history below.",
    "unchanged": "Nothing changed, so no new version was written.",
    "retracted": "Retracted. It no longer counts in any score or listing; this page keeps it, with your reason.",
    "restored": "Restored: the version you chose is current again, as a new version in the history below.",
}
Saved = Annotated[str | None, Query(include_in_schema=False)]


@router.get("/statements/{statement_id:int}", response_class=HTMLResponse, summary="One statement, whole (HTML)")
def statement_page(view: View, statement_id: RowId, saved: Saved = None) -> Response:
    def build() -> dict[str, Any]:
        statement = _statement(view, statement_id)
        reused = repository.sources_cited_earlier(view.session, statement_id) if saved in ("new", "again") else set()
        history = [
            {
                "revision": revision,
                "author": author,
                "changes": diff.changes(
                    json.loads(revision.before) if revision.before else None, json.loads(revision.after)
                ),
            }
            for revision, author in revisions_repository.for_statement_with_authors(view.session, statement_id)
        ]
        history.reverse()  # newest first
        return {
            "nav": "statements",
            "s": statement,
            "history": history,
            "cell_url": _cell_url(statement),
            "rule_month": scoring.month_start(statement.said_on),
            "notice": SAVED_NOTICES.get(saved or ""),
            "reused": reused,
        }

    return view.page("statements/detail.html", build)
