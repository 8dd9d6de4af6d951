"""Every query on statements and their sources."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.actors.models import Actor
from app.statements.models import Statement, StatementSource, StatementStatus
from app.topics.models import Topic

_CHUNK = 500


def _full() -> tuple[Any, ...]:
    """Loader options for showing or exporting a statement whole."""
    return (
        joinedload(Statement.actor),
        joinedload(Statement.country),
        joinedload(Statement.office),
        joinedload(Statement.topic),
        selectinload(Statement.source_links).joinedload(StatementSource.source),
    )


def existing_fingerprints(session: Session, fingerprints: Iterable[str]) -> set[str]:
    """Which of these fingerprints a stored statement already has."""
    wanted = list(set(fingerprints))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(session.execute(select(Statement.fingerprint).where(Statement.fingerprint.in_(chunk))).scalars())
    return found


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert statements in one round trip per batch; their ids, in the order given."""
    if not rows:
        return []
    result = session.execute(
        insert(Statement).returning(Statement.id, sort_by_parameter_order=True), list(rows)
    )
    return list(result.scalars())


def link_sources(session: Session, links: Sequence[dict[str, Any]]) -> None:
    if links:
        session.execute(insert(StatementSource), list(links))


def load_full(session: Session, ids: Sequence[int]) -> list[Statement]:
    """Statements by id, whole, in the order given."""
    found: dict[int, Statement] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = select(Statement).where(Statement.id.in_(chunk)).options(*_full())
        found.update((statement.id, statement) for statement in session.execute(query).unique().scalars())
    return [found[statement_id] for statement_id in ids]


def iter_for_export(session: Session) -> Iterator[Statement]:
    """Every statement, published or retracted, in the export's stable order."""
    query = (
        select(Statement)
        .join(Actor, Actor.id == Statement.actor_id)
        .join(Topic, Topic.id == Statement.topic_id)
        .options(*_full())
        .order_by(Statement.said_on, Actor.name, Topic.slug, Statement.quote, Statement.id)
        .execution_options(yield_per=1000)
    )
    # Only many-to-one joins are joined-loaded, so rows need no de-duplication (and yield_per forbids it).
    yield from session.execute(query).scalars()


def count_by_status(session: Session) -> dict[StatementStatus, int]:
    query = select(Statement.status, func.count()).group_by(Statement.status)
    return {status: count for status, count in session.execute(query)}


def get_full(session: Session, statement_id: int, *, refresh: bool = False) -> Statement | None:
    """One statement, whole (`refresh` re-reads it after changes in this session)."""
    query = select(Statement).where(Statement.id == statement_id).options(*_full())
    if refresh:
        query = query.execution_options(populate_existing=True)
    return session.execute(query).unique().scalar_one_or_none()


def by_submission_key(session: Session, key: str) -> Statement | None:
    query = select(Statement).where(Statement.submission_key == key).options(*_full())
    return session.execute(query).unique().scalar_one_or_none()


def replace_source_links(session: Session, statement_id: int, links: Sequence[dict[str, Any]]) -> None:
    """Point a statement at a new list of sources (its revisions keep the old list)."""
    session.execute(delete(StatementSource).where(StatementSource.statement_id == statement_id))
    link_sources(session, links)
