"""Statements as plain read-only records for listings: what a card, a drill-down or a JSON twin shows.

Listings read these with two Core queries instead of loading ORM entities (docs/performance.md).
They expose the same attribute names as the models, so templates and `StatementOut.of` take either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from app.actors.models import ActorKind, OfficeRank
from app.statements.models import DatePrecision, StatementStatus


@dataclass(frozen=True, slots=True)
class ActorCard:
    name: str
    slug: str
    kind: ActorKind


@dataclass(frozen=True, slots=True)
class CountryCard:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class OfficeCard:
    title: str
    rank: OfficeRank


@dataclass(frozen=True, slots=True)
class TopicCard:
    slug: str
    title: str
    is_context: bool


@dataclass(frozen=True, slots=True)
class SourceCard:
    url: str | None
    key: str | None
    outlet: str
    title: str
    published_on: date | None
    language: str


@dataclass(frozen=True, slots=True)
class StatementCard:
    id: int
    actor: ActorCard
    country: CountryCard
    office: OfficeCard
    topic: TopicCard
    said_on: date
    date_precision: DatePrecision
    date_is_report_date: bool
    date_note: str | None
    quote: str
    quote_is_verbatim: bool
    language: str
    translation: str | None
    stance: int
    condition: str | None
    rationale: str | None
    status: StatementStatus
    retraction_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    sources: tuple[SourceCard, ...]


class StatementMark(NamedTuple):
    """A statement as a point on a country's chart: its date, its stance and what its tooltip says.

    A named tuple: a country page reads up to 200 (docs/performance.md, "Country pages").
    """

    statement_id: int
    said_on: date
    stance: int
    label: str
