"""Every query on revisions. Only inserts and selects: revisions are append-only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.db import insert_rows
from app.perf.driver import DriverRead, copy_of
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


_REVISIONS, _USERS = Revision.__table__, User.__table__
# Every statement page reads them. On the driver's cursor, made into copies: SQLAlchemy's ORM execute
# path cost more than the rows (in-process, 390 -> 20 µs for a statement's revisions; docs/performance.md).
_WITH_AUTHORS = DriverRead(
    select(*_REVISIONS.c, *(column.label(f"user__{column.name}") for column in _USERS.c))
    .select_from(_REVISIONS.outerjoin(_USERS, _USERS.c.id == _REVISIONS.c.user_id))
    .where(_REVISIONS.c.statement_id == bindparam("statement_id"))
    .order_by(_REVISIONS.c.version),
    typed=True,
)
# Where a row's author columns start, and where its author's id is (None without an author).
_CUT = len(_REVISIONS.c)
_AUTHOR_ID = _CUT + list(_USERS.c.keys()).index("id")


def for_statement_with_authors(session: Session, statement_id: int) -> list[tuple[Revision, User | None]]:
    """A statement's revisions, oldest first, each with its author (None for seed, import or CLI).

    Transient copies, not in the session: for reading (the statement page, an edit's conflict).
    """
    found = []
    for row in _WITH_AUTHORS.fetchall(session, {"statement_id": statement_id}):
        author = None if row[_AUTHOR_ID] is None else copy_of(User, row, _CUT)
        found.append((copy_of(Revision, row), author))
    return found


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
