"""Every query on revisions. Only inserts and selects: revisions are append-only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import insert_rows
from app.revisions.models import Revision, RevisionAction

_INSERT = insert(Revision)  # Core, built once: the ORM's bulk insert adds only its cost


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(session.connection(), _INSERT, rows)


def for_statement(session: Session, statement_id: int) -> list[Revision]:
    query = select(Revision).where(Revision.statement_id == statement_id).order_by(Revision.version)
    return list(session.execute(query).scalars())


def get(session: Session, *, statement_id: int, version: int) -> Revision | None:
    query = select(Revision).where(Revision.statement_id == statement_id, Revision.version == version)
    return session.execute(query).scalar_one_or_none()


# Built once: every statement page reads its revisions, and building the select and its cache key
# each time cost more than running it (a third of a cold statement page's own work, py-spy).
_WITH_AUTHORS = (
    select(Revision, User)
    .outerjoin(User, User.id == Revision.user_id)
    .where(Revision.statement_id == bindparam("statement_id"))
    .order_by(Revision.version)
)


def for_statement_with_authors(session: Session, statement_id: int) -> list[tuple[Revision, User | None]]:
    """A statement's revisions, oldest first, each with its author (None for seed, import or CLI)."""
    return [(row[0], row[1]) for row in session.execute(_WITH_AUTHORS, {"statement_id": statement_id})]


def current_changes(session: Session, versions: Mapping[int, int]) -> dict[int, tuple[RevisionAction, str | None]]:
    """How each statement's current version came about, its action and note: statement id -> (action, note).

    `versions` maps statement ids to their current versions; only those revisions are read.
    """
    if not versions:
        return {}
    query = select(Revision.statement_id, Revision.action, Revision.note).where(
        tuple_(Revision.statement_id, Revision.version).in_(list(versions.items()))
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(query)}
