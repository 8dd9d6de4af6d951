"""What writing a statement does, in the caller's unit of work (services never commit).

A record is checked first (app/statements/checking.py), and nothing is written until it passes.
Every change then bumps the data version, writes the statement, appends a revision holding the full
record before and after, and recomputes the stored scores of every country-topic series it
touches, from the earliest month it touches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.actors import service as actors_service
from app.db import utcnow
from app.errors import Conflict, FieldError, NotFound, Refused, VersionConflict
from app.revisions import repository as revisions_repository
from app.revisions.models import RevisionAction
from app.sources import repository as sources_repository
from app.sources.models import Source
from app.stances import refresh as stances_refresh
from app.stances import scoring
from app.statements import repository, rules
from app.statements.cards import ActorCard, CountryCard, OfficeCard, SourceCard, StatementCard, TopicCard
from app.statements.checking import Checked, Prepared, checked_or_refused
from app.statements.models import DatePrecision, Statement, StatementStatus
from app.statements.records import statement_record
from app.statements.resolver import NewActor, NewSource, RecordResolver, Resolved, stored_id
from app.system import repository as system_repository
from app.system import scopes
from app.text import clean_text

_WRITE_BATCH = 1000
REASON_MAX_LENGTH = 1000
Progress = Callable[[int], Any]


class StatementNotFound(NotFound):
    def __init__(self, statement_id: int) -> None:
        super().__init__(f"There is no statement {statement_id}.")


class RevisionNotFound(NotFound):
    def __init__(self, statement_id: int, version: int) -> None:
        super().__init__(f"Statement {statement_id} has no version {version}.")


class AlreadyRetracted(Conflict):
    def __init__(self) -> None:
        super().__init__("This statement is already retracted; nothing was changed.")


def version_conflict(*, current: Statement, expected_version: int) -> VersionConflict:
    """The conflict of an editor who started from `expected_version`, with the statement as it is now."""
    return VersionConflict(
        statement_id=current.id,
        current_version=current.version,
        current_record=statement_record(current),
        expected_version=expected_version,
    )


def _snapshot(statement: Statement | StatementCard) -> str:
    """The revision form of a statement: its interchange record as canonical JSON."""
    return json.dumps(statement_record(statement), ensure_ascii=False, sort_keys=True)


def write_pending(*, session: Session, resolver: RecordResolver) -> None:
    """Create the actors, offices and sources the resolved records need."""
    for pending in resolver.new_actors.values():
        pending.stored = actors_service.create_actor(session=session, name=pending.name, kind=pending.kind)
    for owner, offices in resolver.pending_offices:
        for office in offices:
            office.stored = actors_service.create_office(
                session=session,
                actor_id=stored_id(owner),
                country_id=office.country.id,
                title=office.title,
                rank=office.rank,
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
        "country_id": item.country_id,
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
        "fingerprint": item.fingerprint
        or rules.fingerprint(actor_id=actor_id, topic_id=item.topic.id, said_on=record.said_on, quote=record.quote),
    }


def _source_links(statement_id: int, sources: Sequence[Any]) -> list[dict[str, int]]:
    ids = list(dict.fromkeys(stored_id(source) for source in sources))  # each source once, in order
    return [
        {"statement_id": statement_id, "source_id": source_id, "position": position}
        for position, source_id in enumerate(ids)
    ]


def _written_card(statement_id: int, item: Resolved, row: Mapping[str, Any], parts: dict[int, Any]) -> StatementCard:
    """A statement just inserted as a card, from the values written: what reading it back gives, unread.

    `parts` keeps the cards of the actors, offices, topics and sources already made, by their entity's
    identity: an import's statements share them.
    """
    actor, office, topic = item.actor, item.office, item.topic
    actor_card = parts.get(id(actor))
    if actor_card is None:
        stored = actor.stored if isinstance(actor, NewActor) else actor
        assert stored is not None  # pending actors are written first (write_pending)
        actor_card = parts[id(actor)] = ActorCard(stored.name, stored.slug, stored.kind)
    office_cards = parts.get(id(office))
    if office_cards is None:
        country = office.country
        office_cards = parts[id(office)] = (
            OfficeCard(office.title, office.rank),
            CountryCard(country.code, country.name),
        )
    topic_card = parts.get(id(topic))
    if topic_card is None:
        topic_card = parts[id(topic)] = TopicCard(topic.slug, topic.title, topic.is_context)
    sources: dict[int, SourceCard] = {}
    for source in item.sources:
        source_card = parts.get(id(source))
        if source_card is None:
            source_card = parts[id(source)] = _source_card(source)
        sources.setdefault(stored_id(source), source_card)  # each once, in order, as _source_links links them
    return StatementCard(
        id=statement_id,
        actor=actor_card,
        country=office_cards[1],
        office=office_cards[0],
        topic=topic_card,
        said_on=row["said_on"],
        date_precision=row["date_precision"],
        date_is_report_date=row["date_is_report_date"],
        date_note=row["date_note"],
        quote=row["quote"],
        quote_is_verbatim=row["quote_is_verbatim"],
        language=row["language"],
        translation=row["translation"],
        stance=row["stance"],
        condition=row["condition"],
        rationale=row["rationale"],
        status=row["status"],
        retraction_reason=row["retraction_reason"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        sources=tuple(sources.values()),
    )


def _source_card(source: Source | NewSource) -> SourceCard:
    if isinstance(source, NewSource):
        row = _source_row(source)
        return SourceCard(row["url"], row["key"], row["outlet"], row["title"], row["published_on"], row["language"])
    return SourceCard(source.url, source.key, source.outlet, source.title, source.published_on, source.language)


def insert_resolved(
    *,
    session: Session,
    resolved: Sequence[Resolved],
    via: str,
    user_id: int | None,
    note: str | None = None,
    submission_key: str | None = None,
    progress: Progress | None = None,
    written: list[StatementCard] | None = None,
) -> list[int]:
    """Insert resolved statements (pending entities already written), with revisions and scores.

    Each series' stored scores are brought up to date once, with all its new published statements
    (`stances_refresh.add_statements`), after every batch is written; the stored changes of position
    then from each new statement's neighbours in its chain (`stances_refresh.add_to_chains`).
    `written`, when given, receives the statements as cards (made from the values written, as their
    revisions are), in the order they were written.
    """
    # Written in date order. SQLite's full-text index keys a published statement by its date, then its
    # id (app/statements/search.py), and FTS5 writes its pending terms out as a new segment whenever a
    # key comes lower than the one before: rows in a file's order did so on nearly every insert.
    order = sorted(range(len(resolved)), key=lambda index: resolved[index].record.said_on)
    in_date_order = [resolved[index] for index in order]
    added: dict[tuple[int, int], list[scoring.Evidence]] = {}
    chained: list[tuple[tuple[int, int, int], tuple[int, date, int]]] = []
    all_ids: list[int] = []
    parts: dict[int, Any] = {}  # _written_card's
    for start in range(0, len(in_date_order), _WRITE_BATCH):
        batch = in_date_order[start : start + _WRITE_BATCH]
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
        ids = repository.insert_many(session, rows)
        for statement_id, row, item in zip(ids, rows, batch, strict=True):
            if row["status"] == StatementStatus.PUBLISHED:
                evidence = scoring.Evidence(
                    statement_id,
                    row["actor_id"],
                    row["said_on"],
                    row["stance"],
                    scoring.office_weight(item.office.rank.value),
                    row["condition"] is not None,
                )
                added.setdefault((row["country_id"], row["topic_id"]), []).append(evidence)
                chain = (row["actor_id"], row["topic_id"], row["country_id"])
                chained.append((chain, (statement_id, row["said_on"], row["stance"])))
        repository.link_sources(
            session,
            [
                link
                for statement_id, item in zip(ids, batch, strict=True)
                for link in _source_links(statement_id, item.sources)
            ],
        )
        cards = [
            _written_card(statement_id, item, row, parts)
            for statement_id, row, item in zip(ids, rows, batch, strict=True)
        ]
        revisions_repository.insert_many(
            session,
            [
                {
                    "statement_id": card.id,
                    "version": 1,
                    "action": RevisionAction.CREATE,
                    "user_id": user_id,
                    "via": via,
                    "note": note,
                    "created_at": now,
                    "before": None,
                    "after": _snapshot(card),
                }
                for card in cards
            ],
        )
        if written is not None:
            written.extend(cards)
        all_ids.extend(ids)
        if progress:
            progress(len(batch))
    for (country_id, topic_id), series in sorted(added.items()):
        if len(series) == 1:  # a save: its statement is usually this month's, which touches one row
            stances_refresh.add_statement(session=session, country_id=country_id, topic_id=topic_id, evidence=series[0])
        else:
            stances_refresh.add_statements(session=session, country_id=country_id, topic_id=topic_id, evidence=series)
    stances_refresh.add_to_chains(session=session, added=chained)
    given_order = dict(zip(order, all_ids, strict=True))
    return [given_order[index] for index in range(len(resolved))]


def earlier_submission(*, session: Session, submission_key: str | None) -> StatementCard | None:
    """The statement an earlier submission with this key created, if any."""
    if submission_key is None:
        return None
    existing = repository.id_by_submission_key(session, submission_key)
    return None if existing is None else repository.cards(session, [existing])[0]


def create(
    *,
    session: Session,
    prepared: Prepared,
    via: str,
    user_id: int | None = None,
    submission_key: str | None = None,
    note: str | None = None,
) -> StatementCard:
    """Add one statement checked in this unit of work (`check`)."""
    system_repository.begin_data_change(session, scoped=True)
    write_pending(session=session, resolver=prepared.resolver)
    written: list[StatementCard] = []
    insert_resolved(
        session=session,
        resolved=[prepared.resolved],
        via=via,
        user_id=user_id,
        note=note,
        submission_key=submission_key,
        written=written,
    )
    (card,) = written
    system_repository.mark_changed(session, _scopes(card))
    return card


def _scopes(statement: Statement | StatementCard) -> list[str]:
    """The pages a statement shows on (app/system/scopes.py)."""
    return list(
        scopes.of_statement(
            statement_id=statement.id,
            country_code=statement.country.code,
            topic_slug=statement.topic.slug,
            actor_slug=statement.actor.slug,
        )
    )


@dataclass(frozen=True, slots=True)
class Added:
    """What `add` did: the statement, whether it is new, and the check it passed (None: an earlier submission)."""

    statement: StatementCard
    created: bool
    checked: Checked | None = None


def add(
    *,
    session: Session,
    values: Mapping[str, Any],
    via: str,
    user_id: int | None = None,
    submission_key: str | None = None,
    note: str | None = None,
    look_for_duplicates: bool = False,
) -> Added:
    """Check and add one statement; Refused with every problem. A repeated submission key adds nothing."""
    earlier = earlier_submission(session=session, submission_key=submission_key)
    if earlier is not None:
        return Added(earlier, created=False)
    checked = checked_or_refused(
        session=session,
        values=values,
        exclude_submission_key=submission_key,
        look_for_duplicates=look_for_duplicates,
    )
    assert checked.prepared is not None
    statement = create(
        session=session,
        prepared=checked.prepared,
        via=via,
        user_id=user_id,
        submission_key=submission_key,
        note=note,
    )
    return Added(statement, created=True, checked=checked)


def _reloaded(session: Session, statement_id: int) -> Statement:
    """The statement as this unit of work has changed it, read afresh."""
    statement = repository.get_full(session, statement_id, refresh=True)
    assert statement is not None  # it is being changed in this unit of work
    return statement


def load_for_change(*, session: Session, statement_id: int, expected_version: int) -> Statement:
    """The statement whole, at the version the editor started from; VersionConflict if it moved on."""
    statement = repository.get_full(session, statement_id)
    if statement is None:
        raise StatementNotFound(statement_id)
    if statement.version != expected_version:
        raise version_conflict(current=statement, expected_version=expected_version)
    return statement


def _record_change(
    session: Session,
    statement: Statement,
    *,
    before: str,
    old_series: tuple[int, int, date, int],  # (country, topic, said_on, actor) before the change
    old_scopes: list[str],
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
    statement = _reloaded(session, statement.id)
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
                "after": _snapshot(statement),
            }
        ],
    )
    changes: dict[tuple[int, int], date] = {}
    chains: dict[tuple[int, int, int], date] = {}
    old_country, old_topic, old_said_on, old_actor = old_series
    stances_refresh.note_change(changes=changes, country_id=old_country, topic_id=old_topic, said_on=old_said_on)
    stances_refresh.note_change(
        changes=changes, country_id=statement.country_id, topic_id=statement.topic_id, said_on=statement.said_on
    )
    stances_refresh.note_chain(
        chains=chains, actor_id=old_actor, topic_id=old_topic, country_id=old_country, said_on=old_said_on
    )
    stances_refresh.note_chain(
        chains=chains,
        actor_id=statement.actor_id,
        topic_id=statement.topic_id,
        country_id=statement.country_id,
        said_on=statement.said_on,
    )
    stances_refresh.refresh(session=session, changes=changes)
    stances_refresh.refresh_chains(session=session, chains=chains)
    system_repository.mark_changed(session, [*old_scopes, *_scopes(statement)])
    return statement


def edit(
    *,
    session: Session,
    statement_id: int,
    prepared: Prepared,
    expected_version: int,
    via: str,
    user_id: int | None = None,
    note: str | None = None,
    action: RevisionAction = RevisionAction.EDIT,
) -> Statement:
    """Replace a statement's content with a checked record; VersionConflict if someone saved first."""
    statement = load_for_change(session=session, statement_id=statement_id, expected_version=expected_version)
    before = _snapshot(statement)
    old_series = (statement.country_id, statement.topic_id, statement.said_on, statement.actor_id)
    old_scopes = _scopes(statement)
    system_repository.begin_data_change(session, scoped=True)
    write_pending(session=session, resolver=prepared.resolver)
    for name, value in _fields(prepared.resolved).items():
        setattr(statement, name, value)
    repository.replace_source_links(session, statement.id, _source_links(statement.id, prepared.resolved.sources))
    session.flush()
    if _snapshot(_reloaded(session, statement.id)) == before:
        return statement  # nothing changed: no new version, no revision
    return _record_change(
        session,
        statement,
        before=before,
        old_series=old_series,
        old_scopes=old_scopes,
        action=action,
        via=via,
        user_id=user_id,
        note=note,
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
    statement = load_for_change(session=session, statement_id=statement_id, expected_version=expected_version)
    if statement.status == StatementStatus.RETRACTED:
        raise AlreadyRetracted()
    try:
        reason = clean_text(reason, max_length=REASON_MAX_LENGTH, multiline=False)
    except ValueError as error:
        raise Refused(FieldError("reason", str(error))) from None
    before = _snapshot(statement)
    old_series = (statement.country_id, statement.topic_id, statement.said_on, statement.actor_id)
    old_scopes = _scopes(statement)
    system_repository.begin_data_change(session, scoped=True)
    statement.status = StatementStatus.RETRACTED
    statement.retraction_reason = reason
    return _record_change(
        session,
        statement,
        before=before,
        old_series=old_series,
        old_scopes=old_scopes,
        action=RevisionAction.RETRACT,
        via=via,
        user_id=user_id,
        note=None,
    )


def restore(
    *,
    session: Session,
    statement_id: int,
    version: int,
    expected_version: int,
    via: str,
    user_id: int | None = None,
) -> Statement:
    """Make an earlier version current again, as a new revision; VersionConflict if the statement moved on."""
    current = load_for_change(session=session, statement_id=statement_id, expected_version=expected_version)
    revision = revisions_repository.get(session, statement_id=statement_id, version=version)
    if revision is None:
        raise RevisionNotFound(statement_id, version)
    # An old version that today's rules refuse is refused like any record, field by field.
    checked = checked_or_refused(session=session, values=json.loads(revision.after), look_for_duplicates=False)
    assert checked.prepared is not None
    return edit(
        session=session,
        statement_id=statement_id,
        prepared=checked.prepared,
        expected_version=current.version,
        via=via,
        user_id=user_id,
        note=f"restored version {version}",
        action=RevisionAction.RESTORE,
    )
