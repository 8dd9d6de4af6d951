"""Import and export of the interchange format.

An import is all-or-nothing: every record is checked first (its fields, then its country, topic,
actor, office and sources against the store), every refusal is reported with its file, record and
field, and only a file with no refusal is written, in one transaction with the stored scores.
A statement already present (same actor, topic, date and quote) is skipped, so re-imports add nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.actors import repository as actors_repository
from app.actors import service as actors_service
from app.actors.models import Actor, ActorKind, Office, OfficeRank
from app.actors.rules import describe_term, find_office, infer_rank, offices_held_on
from app.countries import repository as countries_repository
from app.countries.models import Country
from app.db import utcnow
from app.interchange import codec
from app.interchange.records import statement_record
from app.interchange.schemas import SourceRecord, StatementRecord, describe
from app.revisions import repository as revisions_repository
from app.revisions.models import RevisionAction
from app.sources import repository as sources_repository
from app.sources.models import Source
from app.stances import service as stances_service
from app.statements import repository as statements_repository
from app.statements.models import DatePrecision, StatementStatus
from app.statements.rules import fingerprint
from app.system import repository as system_repository
from app.text import fold
from app.topics import repository as topics_repository
from app.topics.models import Topic

_WRITE_BATCH = 1000
Progress = Callable[[int], Any]


@dataclass(frozen=True, slots=True)
class RecordError:
    """Why one record was refused: where it is, which field, and what is wrong."""

    file: str
    record: int
    label: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"record {self.record}" + (f" ({self.label})" if self.label else "")
        return f"{self.file}: {where}: {self.field}: {self.message}"


class ImportRefused(Exception):
    """The file was refused; nothing was written. `errors` lists every refusal."""

    def __init__(self, errors: Sequence[RecordError]) -> None:
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} problem(s); nothing was written")


@dataclass
class ImportReport:
    read: int = 0
    added: int = 0
    skipped: int = 0
    actors_created: list[str] = field(default_factory=list)
    offices_created: int = 0
    sources_created: int = 0
    sources_reused: int = 0


@dataclass(eq=False)
class _NewActor:
    name: str
    country: Country
    kind: ActorKind
    offices: list[_NewOffice] = field(default_factory=list)
    stored: Actor | None = None


@dataclass(eq=False)
class _NewOffice:
    title: str
    rank: OfficeRank
    started_on: date | None = None
    ended_on: date | None = None
    stored: Office | None = None

    def held_on(self, day: date) -> bool:
        return True


@dataclass(eq=False)
class _NewSource:
    record: SourceRecord
    stored_id: int | None = None


@dataclass
class _Resolved:
    number: int
    record: StatementRecord
    topic: Topic
    actor: Actor | _NewActor
    office: Office | _NewOffice
    sources: list[Source | _NewSource]


def validate(raw: Sequence[codec.RawRecord], *, file: str) -> tuple[list[tuple[int, StatementRecord]], list[RecordError]]:
    """Check every record's fields; the valid records and the errors of the rest."""
    valid: list[tuple[int, StatementRecord]] = []
    errors: list[RecordError] = []
    for item in raw:
        label = _label(item.values)
        unreadable = codec.unreadable_message(item.values)
        if unreadable is not None:
            name, _, message = unreadable.rpartition("\x1f")
            errors.append(RecordError(file, item.number, label, name or "record", message))
            continue
        try:
            valid.append((item.number, StatementRecord.model_validate(item.values)))
        except ValidationError as error:
            errors.extend(RecordError(file, item.number, label, name, message) for name, message in describe(error))
    return valid, errors


def _label(values: Any) -> str | None:
    if isinstance(values, dict) and isinstance(values.get("actor"), str):
        said_on = values.get("said_on")
        return f"{values['actor']}, {said_on}" if isinstance(said_on, str) else values["actor"]
    return None


class _Resolver:
    """Matches records to the store's countries, topics, actors, offices and sources, without writing."""

    def __init__(self, session: Session, records: Sequence[tuple[int, StatementRecord]], file: str) -> None:
        self.session = session
        self.file = file
        self.errors: list[RecordError] = []
        self.countries = countries_repository.by_code(session)
        self.topics = topics_repository.by_slug(session)
        self.aliases = actors_repository.alias_index(session)
        self.actors = actors_repository.with_offices(session, {i for ids in self.aliases.values() for i in ids})
        self.new_actors: dict[str, _NewActor] = {}
        # Offices this import adds to actors already stored, kept apart from the ORM collections.
        self.new_offices: dict[int, tuple[Actor, list[_NewOffice]]] = {}
        urls = [s.url for _, r in records for s in r.sources if s.url]
        keys = [s.key for _, r in records for s in r.sources if s.key and not s.url]
        self.sources: dict[tuple[str, str], Source | _NewSource] = dict(
            sources_repository.find_existing(session, urls=urls, keys=keys)
        )
        self.reused_source_ids: set[int] = set()

    def error(self, number: int, record: StatementRecord, name: str, message: str) -> None:
        self.errors.append(RecordError(self.file, number, record.label, name, message))

    def resolve(self, number: int, record: StatementRecord) -> _Resolved | None:
        before = len(self.errors)
        topic = self.topics.get(record.topic)
        if topic is None:
            known = ", ".join(sorted(self.topics))
            self.error(number, record, "topic", f"unknown topic '{record.topic}' (known: {known})")
        country = None
        if record.country is not None:
            country = self.countries.get(record.country)
            if country is None:
                self.error(number, record, "country", f"unknown country code '{record.country}'")
        actor = self._actor(number, record, country)
        office = self._office(number, record, actor) if actor is not None else None
        sources = [self._source(item) for item in record.sources]
        if len(self.errors) > before or topic is None or actor is None or office is None:
            return None
        return _Resolved(number, record, topic, actor, office, sources)

    def _actor(self, number: int, record: StatementRecord, country: Country | None) -> Actor | _NewActor | None:
        key = fold(record.actor)
        candidates = [self.actors[i] for i in sorted(self.aliases.get(key, ()))]
        if country is not None and len(candidates) > 1:
            candidates = [actor for actor in candidates if actor.country_id == country.id]
        if len(candidates) > 1:
            names = "; ".join(f"{actor.name} ({actor.country.code})" for actor in candidates)
            self.error(number, record, "actor", f"'{record.actor}' matches several actors: {names}; give the country")
            return None
        if candidates:
            actor = candidates[0]
            if record.country is not None and country is not None and actor.country_id != country.id:
                self.error(number, record, "country", f"{actor.name} speaks for {actor.country.code}, not {record.country}")
                return None
            return actor
        if key in self.new_actors:
            pending = self.new_actors[key]
            if country is not None and pending.country is not country:
                self.error(number, record, "country", f"{pending.name} speaks for {pending.country.code}, not {record.country}")
                return None
            return pending
        if record.country is None or record.office is None:
            self.error(
                number, record, "actor",
                f"unknown actor '{record.actor}'; to add a new actor, give its country and office",
            )
            return None
        if country is None:
            return None
        pending = _NewActor(record.actor, country, record.actor_kind or ActorKind.PERSON)
        self.new_actors[key] = pending
        return pending

    def _offices(self, actor: Actor | _NewActor) -> list[Any]:
        if isinstance(actor, _NewActor):
            return list(actor.offices)
        return [*actor.offices, *self.new_offices.get(actor.id, (actor, []))[1]]

    def _office(self, number: int, record: StatementRecord, actor: Actor | _NewActor) -> Office | _NewOffice | None:
        offices = self._offices(actor)
        if record.office is not None:
            found = find_office(offices, record.office)
            if found is None:
                pending = _NewOffice(record.office, record.office_rank or infer_rank(record.office))
                if isinstance(actor, _NewActor):
                    actor.offices.append(pending)
                else:
                    self.new_offices.setdefault(actor.id, (actor, []))[1].append(pending)
                return pending
            if not found.held_on(record.said_on):
                self.error(
                    number, record, "office",
                    f"{actor.name} held '{found.title}' {describe_term(found)}, not on {record.said_on.isoformat()}",
                )
                return None
            if record.office_rank is not None and found.rank != record.office_rank:
                self.error(number, record, "office_rank", f"'{found.title}' is recorded as '{found.rank.value}', not '{record.office_rank.value}'")
                return None
            return found
        held = offices_held_on(offices, record.said_on)
        if len(held) == 1:
            return held[0]
        if not held:
            self.error(number, record, "office", f"no office of {actor.name} is on record for {record.said_on.isoformat()}; give one")
        else:
            titles = "; ".join(office.title for office in held)
            self.error(number, record, "office", f"{actor.name} held several offices on {record.said_on.isoformat()} ({titles}); give one")
        return None

    def _source(self, item: SourceRecord) -> Source | _NewSource:
        identity = ("url", item.url) if item.url else ("key", item.key or "")
        found = self.sources.get(identity)
        if found is None:
            found = self.sources[identity] = _NewSource(item)
        elif isinstance(found, Source):
            self.reused_source_ids.add(found.id)
        return found


def import_records(
    session: Session,
    records: Sequence[tuple[int, StatementRecord]],
    *,
    file: str,
    via: str,
    user_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Write valid records to the store, or raise ImportRefused naming every problem and write nothing."""
    resolver = _Resolver(session, records, file)
    resolved = [found for number, record in records if (found := resolver.resolve(number, record)) is not None]
    if resolver.errors:
        raise ImportRefused(resolver.errors)

    report = ImportReport(read=len(records))
    fresh = _drop_duplicates(session, resolved, report)
    if not fresh and not resolver.new_actors:
        return report

    system_repository.begin_data_change(session)
    _write_actors(session, resolver, report)
    _write_sources(session, resolver, report)
    _write_statements(session, fresh, via=via, user_id=user_id, note=f"imported from {file}", progress=progress)
    report.added = len(fresh)
    report.sources_reused = len(resolver.reused_source_ids)
    return report


def _identity(item: _Resolved) -> tuple[Any, ...]:
    return (id(item.actor) if isinstance(item.actor, _NewActor) else item.actor.id, item.topic.id, item.record.said_on, fold(item.record.quote))


def _drop_duplicates(session: Session, resolved: list[_Resolved], report: ImportReport) -> list[_Resolved]:
    """The records not already stored and not repeated earlier in the file."""
    stored = statements_repository.existing_fingerprints(
        session,
        (
            fingerprint(actor_id=item.actor.id, topic_id=item.topic.id, said_on=item.record.said_on, quote=item.record.quote)
            for item in resolved
            if isinstance(item.actor, Actor)
        ),
    )
    seen: set[tuple[Any, ...]] = set()
    fresh = []
    for item in resolved:
        identity = _identity(item)
        duplicate = identity in seen or (
            isinstance(item.actor, Actor)
            and fingerprint(actor_id=item.actor.id, topic_id=item.topic.id, said_on=item.record.said_on, quote=item.record.quote) in stored
        )
        seen.add(identity)
        if duplicate:
            report.skipped += 1
        else:
            fresh.append(item)
    return fresh


def _write_actors(session: Session, resolver: _Resolver, report: ImportReport) -> None:
    for pending in resolver.new_actors.values():
        pending.stored = actors_service.create_actor(
            session=session, name=pending.name, country_id=pending.country.id, kind=pending.kind
        )
        report.actors_created.append(pending.name)
    owners: list[tuple[int, list[_NewOffice]]] = [
        (_stored_id(pending), pending.offices) for pending in resolver.new_actors.values()
    ]
    owners += [(actor.id, offices) for actor, offices in resolver.new_offices.values()]
    for actor_id, offices in owners:
        for office in offices:
            office.stored = actors_service.create_office(
                session=session, actor_id=actor_id, title=office.title, rank=office.rank
            )
            report.offices_created += 1


def _write_sources(session: Session, resolver: _Resolver, report: ImportReport) -> None:
    pending = [source for source in resolver.sources.values() if isinstance(source, _NewSource)]
    rows = [
        {
            "url": source.record.url,
            "key": None if source.record.url else source.record.key,
            "outlet": source.record.outlet,
            "title": source.record.title,
            "published_on": source.record.published_on,
            "language": source.record.language,
            "created_at": utcnow(),
        }
        for source in pending
    ]
    for source, source_id in zip(pending, sources_repository.insert_many(session, rows), strict=True):
        source.stored_id = source_id
    report.sources_created = len(pending)


def _stored_id(entity: Any) -> int:
    if isinstance(entity, _NewSource):
        assert entity.stored_id is not None
        return entity.stored_id
    if isinstance(entity, (_NewActor, _NewOffice)):
        assert entity.stored is not None
        return entity.stored.id
    return entity.id


def _write_statements(
    session: Session,
    fresh: Sequence[_Resolved],
    *,
    via: str,
    user_id: int | None,
    note: str,
    progress: Progress | None,
) -> None:
    changes: dict[tuple[int, int], date] = {}
    for start in range(0, len(fresh), _WRITE_BATCH):
        batch = fresh[start : start + _WRITE_BATCH]
        now = utcnow()
        rows = []
        for item in batch:
            record = item.record
            actor_id = _stored_id(item.actor)
            country_id = item.actor.country.id if isinstance(item.actor, _NewActor) else item.actor.country_id
            rows.append({
                "actor_id": actor_id,
                "country_id": country_id,
                "topic_id": item.topic.id,
                "office_id": _stored_id(item.office),
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
                "version": 1,
                "fingerprint": fingerprint(actor_id=actor_id, topic_id=item.topic.id, said_on=record.said_on, quote=record.quote),
                "created_at": now,
                "updated_at": now,
                "created_by_id": user_id,
                "updated_by_id": user_id,
            })
            if record.status == "published":
                stances_service.note_change(changes, country_id=country_id, topic_id=item.topic.id, said_on=record.said_on)
        ids = statements_repository.insert_many(session, rows)
        statements_repository.link_sources(session, [
            {"statement_id": statement_id, "source_id": _stored_id(source), "position": position}
            for statement_id, item in zip(ids, batch, strict=True)
            for position, source in enumerate(_unique(item.sources))
        ])
        revisions_repository.insert_many(session, [
            {
                "statement_id": statement.id,
                "version": 1,
                "action": RevisionAction.CREATE,
                "user_id": user_id,
                "via": via,
                "note": note,
                "created_at": now,
                "before": None,
                "after": json.dumps(statement_record(statement), ensure_ascii=False, sort_keys=True),
            }
            for statement in statements_repository.load_full(session, ids)
        ])
        if progress:
            progress(len(batch))
    stances_service.refresh(session=session, changes=changes)


def _unique(sources: Sequence[Any]) -> Iterator[Any]:
    """Sources in order, each once (a record may cite one article twice)."""
    seen: set[int] = set()
    for source in sources:
        if id(source) not in seen:
            seen.add(id(source))
            yield source


def export(session: Session, out: TextIO, *, fmt: str = "json") -> int:
    """Write every statement, published and retracted, in a stable order; returns the count."""
    records = (statement_record(statement) for statement in statements_repository.iter_for_export(session))
    return codec.write_json(records, out) if fmt == "json" else codec.write_csv(records, out)
