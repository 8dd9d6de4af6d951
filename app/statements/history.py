"""Reading the statement history: one keyset page at a time, with its count, the newest without it, every
match for an export, or the latest statements for the Atom feed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.errors import BadQuery, NotFound
from app.revisions import repository as revisions_repository
from app.revisions.models import RevisionAction
from app.statements import paging, repository
from app.statements.cards import StatementCard
from app.statements.filters import HistoryFilters


@dataclass(frozen=True, slots=True)
class HistoryPage:
    statements: list[StatementCard]
    count: int  # at most paging.COUNT_CAP + 1
    count_stopped_early: bool  # the count examined its budget of rows: at least `count` match
    older: str | None  # page token for the next (older) page
    newer: str | None  # page token for the previous (newer) page

    @property
    def count_capped(self) -> bool:
        return self.count > paging.COUNT_CAP

    @property
    def count_is_lower_bound(self) -> bool:
        return self.count_capped or self.count_stopped_early


def _cursor(token: str | None, *, secret: str, field: str) -> paging.Cursor | None:
    if not token:
        return None
    try:
        return paging.decode(token, secret=secret)
    except paging.ForeignPageToken as error:  # well formed, so no schema can tell it apart: no such page
        raise NotFound(f"There is no such page of the history: the '{field}' token {error}.") from None
    except paging.BadPageToken as error:
        raise BadQuery(field, str(error)) from None


def cursors(*, after: str | None, before: str | None, secret: str) -> tuple[paging.Cursor | None, paging.Cursor | None]:
    """Where the pages around the one asked for begin: BadQuery (or NotFound) for a token that names none."""
    after_cursor = _cursor(after, secret=secret, field="after")
    before_cursor = _cursor(before, secret=secret, field="before")
    if after_cursor and before_cursor:
        raise BadQuery("before", "give 'after' or 'before', not both")
    return after_cursor, before_cursor


def page(
    *,
    session: Session,
    filters: HistoryFilters,
    after: str | None,
    before: str | None,
    secret: str,
    page_size: int = paging.PAGE_SIZE,
) -> HistoryPage:
    """One page of published statements, newest first, with tokens for the pages around it."""
    after_cursor, before_cursor = cursors(after=after, before=before, secret=secret)
    rows = repository.history_ids(session, filters, after=after_cursor, before=before_cursor, limit=page_size + 1)
    more = len(rows) > page_size
    if before_cursor is None:
        rows = rows[:page_size]
        has_older, has_newer = more, after_cursor is not None
    else:
        rows = rows[-page_size:] if more else rows
        has_older, has_newer = True, more
    counted = repository.count_matches(
        session,
        filters,
        cap=paging.COUNT_CAP,
        indexed_budget=paging.COUNT_BUDGET_INDEXED,
        row_budget=paging.COUNT_BUDGET_ROWS,
    )

    def token(row: tuple[int, date]) -> str:
        return paging.encode(paging.Cursor(row[1], row[0]), secret=secret)

    return HistoryPage(
        statements=repository.cards(session, [row[0] for row in rows]),
        count=counted.count,
        count_stopped_early=counted.stopped_early,
        older=token(rows[-1]) if rows and has_older else None,
        newer=token(rows[0]) if rows and has_newer else None,
    )


@dataclass(frozen=True, slots=True)
class Newest:
    """A listing's newest statements, without its count, and the token of the page after them."""

    statements: list[StatementCard]
    older: str | None  # page token for the next (older) page; None when there is none


def newest(*, session: Session, filters: HistoryFilters, secret: str, page_size: int = paging.PAGE_SIZE) -> Newest:
    """The first page of a listing without its count: for a page that shows the latest statements and links the rest."""
    rows = repository.history_ids(session, filters, after=None, before=None, limit=page_size + 1)
    shown = rows[:page_size]
    older = paging.encode(paging.Cursor(shown[-1][1], shown[-1][0]), secret=secret) if len(rows) > page_size else None
    return Newest(repository.cards(session, [row[0] for row in shown]), older)


def iter_matching(*, session: Session, filters: HistoryFilters, batch: int = 500) -> Iterator[StatementCard]:
    """Every matching statement, newest first, fetched a keyset page at a time (for exports)."""
    cursor: paging.Cursor | None = None
    while True:
        rows = repository.history_ids(session, filters, after=cursor, limit=batch)
        if not rows:
            return
        yield from repository.cards(session, [row[0] for row in rows])
        cursor = paging.Cursor(rows[-1][1], rows[-1][0])


FEED_SIZE = 50


@dataclass(frozen=True, slots=True)
class FeedEntry:
    statement: StatementCard
    change: RevisionAction | None  # how its current version came about, when it is not the first
    note: str | None  # what the editor said of that change


def feed(*, session: Session, filters: HistoryFilters, size: int = FEED_SIZE) -> list[FeedEntry]:
    """The latest statements, newest first: the history's first page, with the retracted ones among them.

    A retracted statement leaves the history but stays in the feed, so its readers learn of the
    retraction. Both reads are keyset reads of an index, from the newest down.
    """
    published = repository.history_ids(session, filters, limit=size)
    oldest = paging.Cursor(published[-1][1], published[-1][0]) if len(published) == size else None
    retracted = repository.retracted_ids(session, filters, since=oldest, limit=size)
    rows = sorted(published + retracted, key=lambda row: (row[1], row[0]), reverse=True)[:size]
    statements = repository.cards(session, [row[0] for row in rows])
    changed = {s.id: s.version for s in statements if s.version > 1}
    changes = revisions_repository.current_changes(session, changed)
    return [FeedEntry(s, *changes.get(s.id, (None, None))) for s in statements]
