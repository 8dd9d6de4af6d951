"""Matching interchange records to the store: country, topic, actor, office and sources.

Nothing here writes. A record naming an unknown actor with a country and an office gets a pending
new actor; an office the actor has no record of gets a pending new office; a source not stored yet
gets a pending new source. `statements.service` writes the pending entities, then the statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.actors import repository as actors_repository
from app.actors.models import Actor, ActorKind, Office, OfficeRank
from app.actors.rules import describe_term, infer_rank, offices_held_on
from app.countries import repository as countries_repository
from app.countries.models import Country
from app.errors import FieldError, Refused
from app.sources import repository as sources_repository
from app.sources.models import Source
from app.statements.records import SourceRecord, StatementRecord
from app.text import fold
from app.topics import repository as topics_repository
from app.topics.models import Topic


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


class RecordsRefused(Refused):
    """Records were refused; nothing was written. `records` lists every refusal, with its file and record."""

    def __init__(self, errors: Sequence[RecordError]) -> None:
        self.records = list(errors)
        super().__init__(*(FieldError(error.field, error.message) for error in self.records))


@dataclass(eq=False)
class NewActor:
    name: str
    kind: ActorKind
    offices: list[NewOffice] = field(default_factory=list)
    stored: Actor | None = None


@dataclass(eq=False)
class NewOffice:
    title: str
    rank: OfficeRank
    country: Country
    started_on: date | None = None
    ended_on: date | None = None
    stored: Office | None = None

    @property
    def country_id(self) -> int:
        return self.country.id

    def held_on(self, day: date) -> bool:
        return True


@dataclass(eq=False)
class NewSource:
    record: SourceRecord
    stored_id: int | None = None


@dataclass
class Resolved:
    """A record with everything it names found in the store, or pending creation."""

    number: int
    record: StatementRecord
    topic: Topic
    actor: Actor | NewActor
    office: Office | NewOffice
    sources: list[Source | NewSource]
    fingerprint: str | None = None  # once an import's duplicate check has taken it (a stored actor's)

    @property
    def country_id(self) -> int:
        """The statement counts for the country or institution of the office held that day."""
        return self.office.country_id


def stored_id(entity: Any) -> int:
    """The id of a stored entity, or of a pending one once it has been written."""
    if isinstance(entity, NewSource):
        assert entity.stored_id is not None, "pending source not written yet"
        return entity.stored_id
    if isinstance(entity, (NewActor, NewOffice)):
        assert entity.stored is not None, "pending entity not written yet"
        return entity.stored.id
    return int(entity.id)


class RecordResolver:
    """Resolves records against the store, collecting every refusal in `errors`.

    `looked_up`: sources already looked up in this unit of work, by ('url', url) or ('key', key), each the
    stored source or None when none is stored; only the others are asked for.
    """

    def __init__(
        self,
        session: Session,
        records: Sequence[tuple[int, StatementRecord]],
        file: str,
        looked_up: Mapping[tuple[str, str], Source | None] | None = None,
    ) -> None:
        self.session = session
        self.file = file
        self.errors: list[RecordError] = []
        self.countries = countries_repository.with_codes(
            session, {record.country for _, record in records if record.country}
        )
        self.topics = topics_repository.copies_by_slug(session)
        self.aliases = actors_repository.alias_index(session, {fold(record.actor) for _, record in records})
        self.actors = actors_repository.copies_with_offices(session, {i for ids in self.aliases.values() for i in ids})
        self.new_actors: dict[str, NewActor] = {}
        # Offices added to actors already stored, kept apart from the ORM collections.
        self.new_offices: dict[int, list[NewOffice]] = {}
        known = looked_up or {}
        urls = [s.url for _, r in records for s in r.sources if s.url and ("url", s.url) not in known]
        keys = [s.key for _, r in records for s in r.sources if s.key and not s.url and ("key", s.key) not in known]
        self.sources: dict[tuple[str, str], Source | NewSource] = {
            identity: source for identity, source in known.items() if source is not None
        }
        if urls or keys:
            self.sources |= sources_repository.find_existing(session, urls=urls, keys=keys)
        self.reused_source_ids: set[int] = set()

    def _error(self, number: int, record: StatementRecord, name: str, message: str) -> None:
        self.errors.append(RecordError(self.file, number, record.label, name, message))

    def resolve_all(self, records: Sequence[tuple[int, StatementRecord]]) -> list[Resolved]:
        """Every record resolved; raises RecordsRefused naming every problem if any."""
        resolved = [found for number, record in records if (found := self.resolve(number, record)) is not None]
        if self.errors:
            raise RecordsRefused(self.errors)
        return resolved

    def resolve(self, number: int, record: StatementRecord) -> Resolved | None:
        before = len(self.errors)
        topic = self.topics.get(record.topic)
        if topic is None:
            known = ", ".join(sorted(self.topics))
            self._error(number, record, "topic", f"unknown topic '{record.topic}' (known: {known})")
        country = None
        if record.country is not None:
            country = self.countries.get(record.country)
            if country is None:
                self._error(number, record, "country", f"unknown country code '{record.country}'")
        actor = self._actor(number, record, country)
        office = self._office(number, record, actor, country) if actor is not None else None
        sources = [self._source(item) for item in record.sources]
        if len(self.errors) > before or topic is None or actor is None or office is None:
            return None
        return Resolved(number, record, topic, actor, office, sources)

    def _actor(self, number: int, record: StatementRecord, country: Country | None) -> Actor | NewActor | None:
        key = fold(record.actor)
        candidates = [self.actors[i] for i in sorted(self.aliases.get(key, ()))]
        if country is not None and len(candidates) > 1:  # namesakes: the one with an office there
            candidates = [actor for actor in candidates if any(o.country_id == country.id for o in actor.offices)]
        if len(candidates) > 1:
            names = "; ".join(f"{actor.name} ({', '.join(_countries(actor))})" for actor in candidates)
            self._error(number, record, "actor", f"'{record.actor}' matches several actors: {names}; give the country")
            return None
        if candidates:
            return candidates[0]
        if key in self.new_actors:
            return self.new_actors[key]
        if record.country is None or record.office is None:
            self._error(
                number,
                record,
                "actor",
                f"unknown actor '{record.actor}'; to add a new actor, give the office held and its country",
            )
            return None
        if country is None:
            return None
        pending = NewActor(record.actor, record.actor_kind or ActorKind.PERSON)
        self.new_actors[key] = pending
        return pending

    def _offices(self, actor: Actor | NewActor) -> list[Any]:
        if isinstance(actor, NewActor):
            return list(actor.offices)
        return [*actor.offices, *self.new_offices.get(actor.id, [])]

    def _office(
        self, number: int, record: StatementRecord, actor: Actor | NewActor, country: Country | None
    ) -> Office | NewOffice | None:
        offices = self._offices(actor)
        if record.office is not None:
            named = [office for office in offices if fold(office.title) == fold(record.office)]
            if country is not None:
                named = [office for office in named if office.country_id == country.id]
                if not named:  # "Prime Minister", NL: the Netherlands' "Prime Minister of the Netherlands"
                    named = _shortened(offices, record.office, country, record.said_on)
            if not named:
                return self._new_office(number, record, actor, offices, country)
            found = next((office for office in named if office.held_on(record.said_on)), named[0])
            if not found.held_on(record.said_on):
                self._error(
                    number,
                    record,
                    "office",
                    f"{actor.name} held '{found.title}' {describe_term(found)}, not on {record.said_on.isoformat()}",
                )
                return None
            if record.office_rank is not None and found.rank != record.office_rank:
                self._error(
                    number,
                    record,
                    "office_rank",
                    f"'{found.title}' is recorded as '{found.rank.value}', not '{record.office_rank.value}'",
                )
                return None
            return found  # type: ignore[no-any-return]  # offices are stored or pending, both typed Any here
        held = offices_held_on(offices, record.said_on)
        if country is not None:
            held = [office for office in held if office.country_id == country.id]
        dated = [office for office in held if office.started_on or office.ended_on]
        if len(held) > 1 and len(dated) == 1:
            held = dated  # a recorded term that covers the day says more than an office with no dates
        if len(held) == 1:
            return held[0]  # type: ignore[no-any-return]
        where = f" for {country.code}" if country is not None else ""
        if not held:
            self._error(
                number,
                record,
                "office",
                f"no office of {actor.name}{where} is on record for {record.said_on.isoformat()}; "
                "give the office held that day, and its country or institution",
            )
        else:
            titles = "; ".join(f"{office.title} ({office.country.code})" for office in held)
            self._error(
                number,
                record,
                "office",
                f"{actor.name} held several offices on {record.said_on.isoformat()} ({titles}); give one",
            )
        return None

    def _new_office(
        self,
        number: int,
        record: StatementRecord,
        actor: Actor | NewActor,
        offices: list[Any],
        country: Country | None,
    ) -> NewOffice | None:
        """An office the actor has no record of, in the country the record names (or the one all theirs are in)."""
        assert record.office is not None
        if country is None:
            places = {office.country_id: office.country for office in offices}
            if len(places) != 1:
                self._error(
                    number, record, "country", f"give the country or institution that '{record.office}' belongs to"
                )
                return None
            country = next(iter(places.values()))
        pending = NewOffice(record.office, record.office_rank or infer_rank(record.office), country)
        if isinstance(actor, NewActor):
            actor.offices.append(pending)
        else:
            self.new_offices.setdefault(actor.id, []).append(pending)
        return pending

    def _source(self, item: SourceRecord) -> Source | NewSource:
        identity = ("url", item.url) if item.url else ("key", item.key or "")
        found = self.sources.get(identity)
        if found is None:
            found = self.sources[identity] = NewSource(item)
        elif isinstance(found, Source):
            self.reused_source_ids.add(found.id)
        return found

    @property
    def pending_offices(self) -> list[tuple[Actor | NewActor, list[NewOffice]]]:
        owners: list[tuple[Actor | NewActor, list[NewOffice]]] = [
            (pending, pending.offices) for pending in self.new_actors.values()
        ]
        owners += [(self.actors[actor_id], offices) for actor_id, offices in self.new_offices.items()]
        return owners

    @property
    def pending_sources(self) -> list[NewSource]:
        return [source for source in self.sources.values() if isinstance(source, NewSource)]


def _countries(actor: Actor) -> list[str]:
    """The codes of the countries and institutions an actor held offices in, in order held."""
    return list(dict.fromkeys(office.country.code for office in actor.offices))


def _shortened(offices: Sequence[Any], title: str, country: Country, day: date) -> list[Any]:
    """The one office of `country` held on `day` whose title begins with `title` ("Prime Minister" for
    "Prime Minister of the Netherlands"), as a list; empty when there is none, or more than one."""
    start = fold(title) + " "
    found = [
        office
        for office in offices
        if office.country_id == country.id and fold(office.title).startswith(start) and office.held_on(day)
    ]
    return found if len(found) == 1 else []
