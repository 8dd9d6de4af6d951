"""What writing a statement does, in the caller's transaction (services never commit).

Every change: bumps the data version first (serialising writers on PostgreSQL), writes the
statement, appends a revision holding the full record before and after, and recomputes the stored
scores of every country-topic series it touches, from the earliest month it touches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.db import utcnow
from app.interchange.records import statement_record
from app.interchange.schemas import StatementRecord
from app.revisions import repository as revisions_repository
from app.revisions.models import RevisionAction
from app.sources import repository as sources_repository
from app.sources.models import Source
from app.stances import scoring
from app.stances import service as stances_service
from app.statements import paging, repository, rules
from app.statements.cards import StatementCard
from app.statements.filters import HistoryFilters
from app.statements.models import DatePrecision, Statement, StatementStatus
from app.statements.resolver import (
    NewActor,
    NewSource,
    RecordError,
    RecordResolver,
    Resolved,
    stored_id,
)
from app.system import repository as system_repository
from app.web.errors import BadQuery

_WRITE_BATCH = 1000
Progress = Callable[[int], Any]


class StatementNotFound(Exception):
    def __init__(self, statement_id: int) -> None:
        super().__init__(f"There is no statement {statement_id}.")


class VersionConflict(Exception):
    """The statement changed since the editor loaded it; nothing was written.

    Carries plain data (the transaction rolls back, so ORM objects would be expired).
    """

    def __init__(self, current: Statement, expected_version: int) -> None:
        self.statement_id = current.id
        self.current_version = current.version
        self.current_record = statement_record(current)
        self.expected_version = expected_version
        super().__init__(f"statement {current.id} is at version {current.version}, not {expected_version}")


class AlreadyRetracted(Exception):
    def __init__(self, statement: Statement) -> None:
        self.statement_id = statement.id
        super().__init__(f"statement {statement.id} is already retracted")


def snapshot(statement: Statement | StatementCard) -> str:
    """The revision form of a statement: its interchange record as canonical JSON."""
    return json.dumps(statement_record(statement), ensure_ascii=False, sort_keys=True)


def write_pending(session: Session, resolver: RecordResolver) -> None:
    """Create the actors, offices and sources the resolved records need."""
    for pending in resolver.new_actors.values():
        pending.stored = actors_service.create_actor(
            session=session, name=pending.name, country_id=pending.country.id, kind=pending.kind
        )
    for owner, offices in resolver.pending_offices:
        for office in offices:
            office.stored = actors_service.create_office(
                session=session, actor_id=stored_id(owner), title=office.title, rank=office.rank
            )
    pending_sources = resolver.pending_sources
    rows = [_source_row(source) for source in pending_sources]
    for source, source_id in zip(pending_sources, sources_repository.insert_many(session, rows), strict=True):
        source.stored_id = source_id


def _source_row(source: NewSource) -> dict[str, Any]:
    record = source.record
    return {
        "url": record.url,
        "key": None if record.url else record.key,
        "outlet": record.outlet,
        "title": record.title,
        "published_on": record.published_on,
        "language": record.language,
        "created_at": utcnow(),
    }


def _fields(item: Resolved) -> dict[str, Any]:
    """The statement columns a record determines."""
    record = item.record
    actor_id = stored_id(item.actor)
    return {
        "actor_id": actor_id,
        "country_id": item.actor.country.id if isinstance(item.actor, NewActor) else item.actor.country_id,
        "topic_id": item.topic.id,
        "office_id": stored_id(item.office),
        "said_on": record.said_on,
        "date_precision": DatePrecision(record.date_precision),
        "date_is_report_date": record.date_is_report_date,
        "date_note": record.date_note,
        "quote": record.quote,
        "quote_is_verbatim": record.quote_is_verbatim,
        "language": record.language,
        "translation": record.translation,
        "stance": record.stance,
        "condition": record.condition,
        "rationale": record.rationale,
        "status": StatementStatus(record.status),
        "retraction_reason": record.retraction_reason,
        "fingerprint": rules.fingerprint(
            actor_id=actor_id, topic_id=item.topic.id, said_on=record.said_on, quote=record.quote
        ),
    }


def _source_links(statement_id: int, sources: Sequence[Any]) -> list[dict[str, int]]:
    ids = list(dict.fromkeys(stored_id(source) for source in sources))  # each source once, in order
    return [
        {"statement_id": statement_id, "source_id": source_id, "position": position}
        for position, source_id in enumerate(ids)
    ]


def insert_resolved(
    session: Session,
    resolved: Sequence[Resolved],
    *,
    via: str,
    user_id: int | None,
    note: str | None = None,
    submission_key: str | None = None,
    progress: Progress | None = None,
) -> list[int]:
    """Insert resolved statements (pending entities already written), with revisions and scores."""
    changes: dict[tuple[int, int], date] = {}
    all_ids: list[int] = []
    for start in range(0, len(resolved), _WRITE_BATCH):
        batch = resolved[start : start + _WRITE_BATCH]
        now = utcnow()
        rows = []
        for item in batch:
            row = _fields(item) | {
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "created_by_id": user_id,
                "updated_by_id": user_id,
                "submission_key": submission_key,
            }
            rows.append(row)
            if row["status"] == StatementStatus.PUBLISHED:
                stances_service.note_change(
                    changes, country_id=row["country_id"], topic_id=row["topic_id"], said_on=row["said_on"]
                )
        ids = repository.insert_many(session, rows)
        if len(resolved) == 1 and rows[0]["status"] == StatementStatus.PUBLISHED:
            row, item = rows[0], resolved[0]
            evidence = scoring.Evidence(
                ids[0],
                row["actor_id"],
                row["said_on"],
                row["stance"],
                scoring.office_weight(item.office.rank.value),
                row["condition"] is not None,
            )
            stances_service.add_statement(
                session=session, country_id=row["country_id"], topic_id=row["topic_id"], evidence=evidence
            )
            changes.clear()  # folded in place; nothing left to refresh
        repository.link_sources(
            session,
            [
                link
                for statement_id, item in zip(ids, batch, strict=True)
                for link in _source_links(statement_id, item.sources)
            ],
        )
        revisions_repository.insert_many(
            session,
            [
                {
                    "statement_id": statement.id,
                    "version": 1,
                    "action": RevisionAction.CREATE,
                    "user_id": user_id,
                    "via": via,
                    "note": note,
                    "created_at": now,
                    "before": None,
                    "after": snapshot(statement),
                }
                for statement in repository.cards(session, ids)
            ],
        )
        all_ids.extend(ids)
        if progress:
            progress(len(batch))
    stances_service.refresh(session=session, changes=changes)
    return all_ids


@dataclass(frozen=True, slots=True)
class Prepared:
    """One record resolved against the store, with the resolver holding what it needs created first."""

    resolver: RecordResolver
    resolved: Resolved


def _resolve_one(session: Session, record: StatementRecord, via: str) -> Prepared:
    resolver = RecordResolver(session, [(1, record)], file=via)
    (resolved,) = resolver.resolve_all([(1, record)])
    return Prepared(resolver, resolved)


def earlier_submission(session: Session, submission_key: str | None) -> StatementCard | None:
    """The statement an earlier submission with this key created, if any."""
    if submission_key is None:
        return None
    existing = repository.id_by_submission_key(session, submission_key)
    return None if existing is None else repository.cards(session, [existing])[0]


def start_create(session: Session, submission_key: str | None) -> StatementCard | None:
    """Begin adding a statement in a write transaction: serialise this writer (bumping the data version),
    then return the statement an earlier submission with this key created, if any."""
    system_repository.begin_data_change(session)
    return earlier_submission(session, submission_key)


def create_prepared(
    *,
    session: Session,
    prepared: Prepared,
    via: str,
    user_id: int | None = None,
    submission_key: str | None = None,
    note: str | None = None,
) -> StatementCard:
    """Add one statement resolved in this write transaction, after `begin_data_change` (see `create`)."""
    write_pending(session, prepared.resolver)
    (statement_id,) = insert_resolved(
        session, [prepared.resolved], via=via, user_id=user_id, note=note, submission_key=submission_key
    )
    return repository.cards(session, [statement_id])[0]


def create(
    *,
    session: Session,
    record: StatementRecord,
    via: str,
    user_id: int | None = None,
    submission_key: str | None = None,
    note: str | None = None,
) -> tuple[StatementCard, bool]:
    """Add one statement; a repeated submission key returns the first statement, and False."""
    existing = earlier_submission(session, submission_key)
    if existing is not None:
        return existing, False
    existing = start_create(session, submission_key)  # checked again now that writers are serialised
    if existing is not None:
        return existing, False
    prepared = _resolve_one(session, record, via)
    return create_prepared(
        session=session, prepared=prepared, via=via, user_id=user_id, submission_key=submission_key, note=note
    ), True


def _load_for_change(session: Session, statement_id: int, expected_version: int) -> Statement:
    statement = repository.get_full(session, statement_id)
    if statement is None:
        raise StatementNotFound(statement_id)
    if statement.version != expected_version:
        raise VersionConflict(statement, expected_version)
    return statement


def _record_change(
    session: Session,
    statement: Statement,
    *,
    before: str,
    old_series: tuple[int, int, date],
    action: RevisionAction,
    via: str,
    user_id: int | None,
    note: str | None,
) -> Statement:
    """After the columns changed: the new version, its revision, and the scores it moves."""
    statement.version += 1
    statement.updated_at = utcnow()
    statement.updated_by_id = user_id
    session.flush()
    statement = repository.get_full(session, statement.id, refresh=True)
    revisions_repository.insert_many(
        session,
        [
            {
                "statement_id": statement.id,
                "version": statement.version,
                "action": action,
                "user_id": user_id,
                "via": via,
                "note": note,
                "created_at": statement.updated_at,
                "before": before,
                "after": snapshot(statement),
            }
        ],
    )
    changes: dict[tuple[int, int], date] = {}
    old_country, old_topic, old_said_on = old_series
    stances_service.note_change(changes, country_id=old_country, topic_id=old_topic, said_on=old_said_on)
    stances_service.note_change(
        changes, country_id=statement.country_id, topic_id=statement.topic_id, said_on=statement.said_on
    )
    stances_service.refresh(session=session, changes=changes)
    return statement


def edit(
    *,
    session: Session,
    statement_id: int,
    record: StatementRecord,
    expected_version: int,
    via: str,
    user_id: int | None = None,
    note: str | None = None,
    action: RevisionAction = RevisionAction.EDIT,
) -> Statement:
    """Replace a statement's content with `record`; VersionConflict if someone saved first."""
    system_repository.begin_data_change(session)
    statement = _load_for_change(session, statement_id, expected_version)
    before = snapshot(statement)
    old_series = (statement.country_id, statement.topic_id, statement.said_on)
    prepared = _resolve_one(session, record, via)
    resolved = prepared.resolved
    write_pending(session, prepared.resolver)
    for name, value in _fields(resolved).items():
        setattr(statement, name, value)
    repository.replace_source_links(session, statement.id, _source_links(statement.id, resolved.sources))
    session.flush()
    if snapshot(repository.get_full(session, statement.id, refresh=True)) == before:
        return statement  # nothing changed: no new version, no revision
    return _record_change(
        session, statement, before=before, old_series=old_series, action=action, via=via, user_id=user_id, note=note
    )


def retract(
    *,
    session: Session,
    statement_id: int,
    reason: str,
    expected_version: int,
    via: str,
    user_id: int | None = None,
) -> Statement:
    """Take a statement out of scores and listings, keeping it and saying why."""
    system_repository.begin_data_change(session)
    statement = _load_for_change(session, statement_id, expected_version)
    if statement.status == StatementStatus.RETRACTED:
        raise AlreadyRetracted(statement)
    before = snapshot(statement)
    old_series = (statement.country_id, statement.topic_id, statement.said_on)
    statement.status = StatementStatus.RETRACTED
    statement.retraction_reason = rules.clean_text(reason, max_length=1000, multiline=False)
    return _record_change(
        session,
        statement,
        before=before,
        old_series=old_series,
        action=RevisionAction.RETRACT,
        via=via,
        user_id=user_id,
        note=None,
    )


class RevisionNotFound(Exception):
    def __init__(self, statement_id: int, version: int) -> None:
        self.statement_id = statement_id
        self.version = version
        super().__init__(f"Statement {statement_id} has no version {version}.")


def restore(
    *,
    session: Session,
    statement_id: int,
    version: int,
    via: str,
    user_id: int | None = None,
    expected_version: int | None = None,
) -> Statement:
    """Make an earlier version current again; the restore is itself a new revision.

    With `expected_version`, VersionConflict if the statement moved on since the caller looked.
    """
    revision = revisions_repository.get(session, statement_id=statement_id, version=version)
    current = repository.get_full(session, statement_id)
    if current is None:
        raise StatementNotFound(statement_id)
    if revision is None:
        raise RevisionNotFound(statement_id, version)
    record = StatementRecord.model_validate(json.loads(revision.after))
    return edit(
        session=session,
        statement_id=statement_id,
        record=record,
        expected_version=current.version if expected_version is None else expected_version,
        via=via,
        user_id=user_id,
        note=f"restored version {version}",
        action=RevisionAction.RESTORE,
    )


# ---- Before writing: what a record would do, read-only.


@dataclass(frozen=True, slots=True)
class Preflight:
    """What saving a record would meet: the resolver's refusals, its stored actor and topic, the sources it reuses."""

    errors: list[RecordError]
    actor_id: int | None  # None for a new actor (or when refused)
    topic_id: int | None
    reused_sources: dict[int, Source]  # by the record's source index
    prepared: Prepared | None = None  # what `create_prepared` saves, when the preflight ran in the write transaction


def preflight(*, session: Session, record: StatementRecord) -> Preflight:
    """Resolve a record against the store without writing anything."""
    resolver = RecordResolver(session, [(1, record)], file="form")
    resolved = resolver.resolve(1, record)
    reused = {
        index: source for index, source in enumerate(resolved.sources if resolved else []) if isinstance(source, Source)
    }
    if resolved is None:
        return Preflight(resolver.errors, None, None, {})
    actor_id = None if isinstance(resolved.actor, NewActor) else resolved.actor.id
    return Preflight([], actor_id, resolved.topic.id, reused, Prepared(resolver, resolved))


def possible_duplicates(
    *,
    session: Session,
    record: StatementRecord,
    actor_id: int,
    topic_id: int,
    exclude_id: int | None = None,
    exclude_submission_key: str | None = None,
) -> list[StatementCard]:
    """Published statements by the same actor on the same topic and day whose quote is much the same.

    `exclude_submission_key` leaves out the statement a repeated submission already created.
    """
    ids = [
        statement_id
        for statement_id, quote, key in repository.same_day(
            session, actor_id=actor_id, topic_id=topic_id, said_on=record.said_on
        )
        if statement_id != exclude_id
        and (exclude_submission_key is None or key != exclude_submission_key)
        and rules.similar_quotes(quote, record.quote)
    ]
    return repository.cards(session, ids)


# ---- Reading: a page of the history.


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
    if token is None or not token.strip():
        return None
    try:
        return paging.decode(token.strip(), secret=secret)
    except paging.BadPageToken as error:
        raise BadQuery(field, str(error)) from None


def history(
    *,
    session: Session,
    filters: HistoryFilters,
    after: str | None,
    before: str | None,
    secret: str,
    page_size: int = paging.PAGE_SIZE,
) -> HistoryPage:
    """One page of published statements, newest first, with tokens for the pages around it."""
    after_cursor = _cursor(after, secret=secret, field="after")
    before_cursor = _cursor(before, secret=secret, field="before")
    if after_cursor and before_cursor:
        raise BadQuery("before", "give 'after' or 'before', not both")
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


def iter_matching(*, session: Session, filters: HistoryFilters, batch: int = 500) -> Iterator[StatementCard]:
    """Every matching statement, newest first, fetched a keyset page at a time (for exports)."""
    cursor: paging.Cursor | None = None
    while True:
        rows = repository.history_ids(session, filters, after=cursor, limit=batch)
        if not rows:
            return
        yield from repository.cards(session, [row[0] for row in rows])
        cursor = paging.Cursor(rows[-1][1], rows[-1][0])
