"""Loading seeds/: countries, topics and actors (reference data), then the articles' statements.

Every record is validated, with its file, record and field named when refused; the load is one
transaction; and a second load changes nothing, because reference rows are only added when
missing and statements already present are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from sqlalchemy.orm import Session

from app import paths
from app.actors import repository as actors_repository
from app.actors import service as actors_service
from app.actors.models import Actor, ActorKind, OfficeRank
from app.countries import repository as countries_repository
from app.countries.models import Country, CountryKind
from app.interchange import codec
from app.interchange.service import (
    ImportRefused,
    ImportReport,
    RecordError,
    import_records,
    validate,
)
from app.statements.records import CountryCode, Line200, describe
from app.statements.rules import parse_iso_date
from app.system import repository as system_repository
from app.text import fold
from app.topics import repository as topics_repository
from app.topics.models import Topic
from app.topics.schemas import TopicSlug

OptionalDate = Annotated[date | None, BeforeValidator(lambda v: None if v is None else parse_iso_date(v))]


class CountrySeed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: CountryCode
    name: Line200
    kind: CountryKind
    joined_on: OptionalDate = None
    borders_ukraine: bool = False


class TopicSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: TopicSlug
    title: Line200
    question: str
    is_context: bool = False
    position: int = 100


class OfficeSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: CountryCode  # the member state or institution the office belongs to
    title: Line200
    rank: OfficeRank
    started_on: OptionalDate = None
    ended_on: OptionalDate = None


class ActorSeed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Line200
    kind: ActorKind
    aliases: list[Line200] = []
    offices: list[OfficeSeed]
    named_in: list[str] = []  # the source articles that name the actor (provenance)


@dataclass
class SeedReport:
    countries: int = 0
    topics: int = 0
    actors: int = 0
    aliases: int = 0
    offices: int = 0
    statements: ImportReport = field(default_factory=ImportReport)

    @property
    def changed(self) -> bool:
        return bool(
            self.countries or self.topics or self.actors or self.aliases or self.offices or self.statements.added
        )


M = TypeVar("M", bound=BaseModel)


def _read_list(path: Path, key: str, model: type[M], errors: list[RecordError]) -> list[M]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        errors.append(RecordError(path.name, 0, None, "file", f"can't be read as JSON ({error})"))
        return []
    items = document.get(key) if isinstance(document, dict) else None
    if not isinstance(items, list):
        errors.append(RecordError(path.name, 0, None, key, f'the file must hold a list under "{key}"'))
        return []
    parsed = []
    for number, item in enumerate(items, start=1):
        label = item.get("name") or item.get("slug") or item.get("code") if isinstance(item, dict) else None
        try:
            parsed.append(model.model_validate(item))
        except ValidationError as error:
            errors.extend(RecordError(path.name, number, label, name, message) for name, message in describe(error))
    return parsed


def ensure_countries_and_topics(*, session: Session, directory: Path = paths.SEEDS) -> SeedReport:
    """Add any missing country or topic: the fixed reference tables every statement points into."""
    report = SeedReport()
    _load_countries_and_topics(session, directory, report)
    return report


def _load_countries_and_topics(session: Session, directory: Path, report: SeedReport) -> dict[str, Country]:
    errors: list[RecordError] = []
    countries = _read_list(directory / "countries.json", "countries", CountrySeed, errors)
    topics = _read_list(directory / "topics.json", "topics", TopicSeed, errors)
    if errors:
        raise ImportRefused(errors)
    stored_countries = countries_repository.by_code(session)
    for item in countries:
        if item.code not in stored_countries:
            country = Country(**item.model_dump())
            session.add(country)
            stored_countries[item.code] = country
            report.countries += 1
    stored_topics = topics_repository.by_slug(session)
    for topic in topics:
        if topic.slug not in stored_topics:
            session.add(Topic(**topic.model_dump()))
            report.topics += 1
    session.flush()
    return stored_countries


def load_reference(*, session: Session, directory: Path) -> SeedReport:
    """Add the countries, topics and actors that are missing; raise ImportRefused if a file is bad."""
    errors: list[RecordError] = []
    actors = _read_list(directory / "actors.json", "actors", ActorSeed, errors)
    if errors:
        raise ImportRefused(errors)
    report = SeedReport()
    countries = _load_countries_and_topics(session, directory, report)
    _load_actors(session, actors, countries, report, errors)
    if errors:
        raise ImportRefused(errors)
    return report


def _load_actors(
    session: Session,
    actors: list[ActorSeed],
    countries: dict[str, Country],
    report: SeedReport,
    errors: list[RecordError],
) -> None:
    aliases = actors_repository.alias_index(session)
    stored = actors_repository.with_offices(session, {i for ids in aliases.values() for i in ids})
    for number, item in enumerate(actors, start=1):
        unknown = sorted({office.country for office in item.offices} - countries.keys())
        if unknown:
            message = f"unknown country code '{unknown[0]}'"
            errors.append(RecordError("actors.json", number, item.name, "offices.country", message))
            continue
        # The same person: an actor of this name who held an office in one of these countries.
        wanted = {countries[office.country].id for office in item.offices}
        matches = [
            stored[i]
            for i in sorted(aliases.get(fold(item.name), ()))
            if any(office.country_id in wanted for office in stored[i].offices)
        ]
        actor: Actor
        if matches:
            actor = matches[0]
            known = {alias_key for alias_key, ids in aliases.items() if actor.id in ids}
            for row in actors_service.alias_rows(names=[item.name, *item.aliases]):
                if row.key not in known:
                    row.actor_id = actor.id
                    session.add(row)
                    report.aliases += 1
        else:
            actor = actors_service.create_actor(session=session, name=item.name, kind=item.kind, aliases=item.aliases)
            report.actors += 1
        existing = actor.offices if matches else []
        held = {(fold(office.title), office.country_id, office.started_on) for office in existing}
        for office in item.offices:
            country_id = countries[office.country].id
            if (fold(office.title), country_id, office.started_on) not in held:
                values = office.model_dump(exclude={"country"})
                actors_service.create_office(session=session, actor_id=actor.id, country_id=country_id, **values)
                report.offices += 1
    session.flush()


def load_statements(*, session: Session, path: Path, via: str = "seed") -> ImportReport:
    """Import a statements file in the interchange format (JSON or CSV)."""
    try:
        raw = codec.read(path.read_bytes(), path.name)
    except (OSError, codec.DocumentError) as error:
        raise ImportRefused([RecordError(path.name, 0, None, "file", str(error))]) from None
    records, errors = validate(raw=raw, file=path.name)
    return import_records(session=session, records=records, file=path.name, via=via, refused=errors)


def seed(*, session: Session, directory: Path) -> SeedReport:
    """Load every seed file in `directory`: reference data, then statements."""
    report = load_reference(session=session, directory=directory)
    session.flush()
    report.statements = load_statements(session=session, path=directory / "statements.json")
    if report.changed and not report.statements.added:
        system_repository.begin_data_change(session)  # new reference rows change what pages show
    return report


def needs_seed(*, session: Session) -> bool:
    """Whether the store is empty: no countries yet."""
    return not countries_repository.all_countries(session)
