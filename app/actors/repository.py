"""Every query on actors, their aliases and offices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from app.actors.models import Actor, ActorAlias, ActorAliasWord, ActorKind, Office, OfficeRank
from app.countries.models import Country
from app.perf.driver import DriverRead
from app.statements.models import PUBLISHED, Statement

# Built once (every save resolves its actor): a statement built per call costs more than it runs.
_ALIASES = select(ActorAlias.key, ActorAlias.actor_id)
_FEW = 20  # keys read one by one on the driver's cursor; more go 500 to a read through Core
_ALIASES_IN = _ALIASES.where(ActorAlias.key.in_(bindparam("keys", expanding=True)))
_ALIASES_OF = DriverRead(_ALIASES.where(ActorAlias.key == bindparam("key")))  # about 15 µs, where Core took 80
_WITH_OFFICES = (
    select(Actor)
    .where(Actor.id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(Actor.offices).joinedload(Office.country))
)


def alias_index(session: Session, keys: Iterable[str] | None = None) -> dict[str, set[int]]:
    """Folded name -> the ids of the actors that go by it (for `keys` only, when given)."""
    index: dict[str, set[int]] = defaultdict(set)
    if keys is None:
        found = session.connection().execute(_ALIASES).all()
    else:
        wanted = list(dict.fromkeys(keys))
        if len(wanted) <= _FEW:  # a save names one: a read by its key on the driver's cursor
            found = [row for key in wanted for row in _ALIASES_OF.fetchall(session, {"key": key})]
        else:  # an import's many, 500 to a read through Core
            connection = session.connection()
            found = [
                row
                for start in range(0, len(wanted), 500)
                for row in connection.execute(_ALIASES_IN, {"keys": wanted[start : start + 500]})
            ]
    for key, actor_id in found:
        index[key].add(actor_id)
    return index


def with_offices(session: Session, actor_ids: Iterable[int]) -> dict[int, Actor]:
    """Actors by id, with their offices and the offices' countries loaded (one joined query)."""
    ids = list(set(actor_ids))
    if not ids:
        return {}
    return {actor.id: actor for actor in session.execute(_WITH_OFFICES, {"ids": ids}).unique().scalars()}


_ACTOR, _OFFICE, _COUNTRY = Actor.__table__, Office.__table__, Country.__table__
_OFFICE_COLUMNS = ("country_id", "title", "rank", "started_on", "ended_on")
# Every save resolves its actor: about 40 µs, where the ORM's joined load took 250.
_COPIES_WITH_OFFICES = DriverRead(
    select(
        *_ACTOR.c,
        _OFFICE.c.id.label("office_id"),
        *(_OFFICE.c[name] for name in _OFFICE_COLUMNS),
        *(column.label(f"country__{column.name}") for column in _COUNTRY.c),
    )
    .select_from(
        _ACTOR.outerjoin(_OFFICE, _OFFICE.c.actor_id == _ACTOR.c.id).outerjoin(
            _COUNTRY, _COUNTRY.c.id == _OFFICE.c.country_id
        )
    )
    .where(_ACTOR.c.id == bindparam("id"))
    .order_by(_OFFICE.c.started_on.asc().nulls_last(), _OFFICE.c.id),  # Actor.offices' order
    typed=True,
)
_ROW = _COPIES_WITH_OFFICES.statement.selected_columns.keys()


def copies_with_offices(session: Session, actor_ids: Iterable[int]) -> dict[int, Actor]:
    """`with_offices`, as transient copies, not in the session: for a save's or an import's checks, which read
    them (new offices are kept apart, and rows are written by id). One read by its key for each actor."""
    countries: dict[int, Country] = {}
    found: dict[int, Actor] = {}
    for actor_id in sorted(set(actor_ids)):
        rows = [dict(zip(_ROW, row, strict=True)) for row in _COPIES_WITH_OFFICES.fetchall(session, {"id": actor_id})]
        if not rows:
            continue
        offices = []
        for row in rows:
            if row["office_id"] is None:
                continue
            country = countries.get(row["country_id"])
            if country is None:
                country = countries[row["country_id"]] = Country(
                    **{column.name: row[f"country__{column.name}"] for column in _COUNTRY.c}
                )
            values = {name: row[name] for name in _OFFICE_COLUMNS}
            offices.append(Office(id=row["office_id"], actor_id=actor_id, country=country, **values))
        found[actor_id] = Actor(**{column.name: rows[0][column.name] for column in _ACTOR.c}, offices=offices)
    return found


def all_with_offices(session: Session) -> list[Actor]:
    """Every actor, with aliases and offices (and the offices' countries) loaded."""
    query = select(Actor).options(selectinload(Actor.aliases), selectinload(Actor.offices).joinedload(Office.country))
    return list(session.execute(query.order_by(Actor.id)).scalars())


def all_slugs(session: Session) -> list[str]:
    """Every actor's slug, in order."""
    return list(session.scalars(select(Actor.slug).order_by(Actor.slug)))


def get_by_slug(session: Session, slug: str) -> Actor | None:
    query = (
        select(Actor)
        .where(Actor.slug == slug)
        .options(selectinload(Actor.offices).joinedload(Office.country), selectinload(Actor.aliases))
    )
    return session.execute(query).scalar_one_or_none()


def slugs_starting_with(session: Session, stem: str) -> set[str]:
    """Existing slugs equal to `stem` or `stem-N`, to pick a free one."""
    query = select(Actor.slug).where((Actor.slug == stem) | Actor.slug.startswith(f"{stem}-"))
    return set(session.execute(query).scalars())


def add_actor(session: Session, actor: Actor) -> Actor:
    session.add(actor)
    session.flush()
    return actor


def add_office(session: Session, office: Office) -> Office:
    session.add(office)
    session.flush()
    return office


@dataclass(frozen=True, slots=True)
class SpeakerOffice:
    title: str
    rank: OfficeRank
    started_on: date | None
    ended_on: date | None


@dataclass(frozen=True, slots=True)
class Speaker:
    """An actor as a country page lists them: plain values, read without ORM objects."""

    id: int
    name: str
    slug: str
    kind: ActorKind
    offices: tuple[SpeakerOffice, ...]


def who_spoke(session: Session, *, country_id: int) -> list[Speaker]:
    """Actors with a published statement counted for a country, by name, with their offices there in order held.

    One joined query of plain rows: a large country has a hundred speakers, and loading them as ORM
    objects with their offices was a fifth of its page's render. A statement counts for its office's
    country, so the speakers are found from the country's offices (a few dozen, each asked whether it
    has a published statement by the office index), not by asking every actor (1.4 s at 1M statements).
    """
    held = aliased(Office)
    with_statement = exists().where(Statement.office_id == held.id, Statement.country_id == country_id, PUBLISHED)
    spoke = Actor.id.in_(select(held.actor_id).where(held.country_id == country_id, with_statement))
    query = (
        select(
            Actor.id, Actor.name, Actor.slug, Actor.kind, Office.title, Office.rank, Office.started_on, Office.ended_on
        )
        .outerjoin(Office, (Office.actor_id == Actor.id) & (Office.country_id == country_id))
        .where(spoke)
        .order_by(Actor.name, Actor.id, Office.started_on.asc().nulls_last(), Office.id)
    )
    speakers: list[Speaker] = []
    offices: list[SpeakerOffice] = []
    current: tuple[int, str, str, ActorKind] | None = None
    for actor_id, name, slug, kind, title, rank, started_on, ended_on in session.execute(query):
        if current is None or current[0] != actor_id:
            if current is not None:
                speakers.append(Speaker(*current, tuple(offices)))
            current, offices = (actor_id, name, slug, kind), []
        if title is not None:
            offices.append(SpeakerOffice(title, rank, started_on, ended_on))
    if current is not None:
        speakers.append(Speaker(*current, tuple(offices)))
    return speakers


def _after_prefix(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix` (in code point order)."""
    last = ord(prefix[-1]) + 1
    if 0xD800 <= last <= 0xDFFF:  # surrogates are not characters; skip past them
        last = 0xE000
    return prefix[:-1] + chr(last) if last <= 0x10FFFF else prefix + "\U0010ffff"


def aliases_with_word_prefix(session: Session, prefix: str, *, limit: int) -> list[tuple[int, str, str]]:
    """(actor id, alias, folded key) of aliases with a word starting with `prefix` (folded): one index range."""
    words = (
        select(ActorAliasWord.alias_id)
        .where(ActorAliasWord.word >= prefix, ActorAliasWord.word < _after_prefix(prefix))
        .order_by(ActorAliasWord.word, ActorAliasWord.alias_id)
        .limit(limit)
        .subquery()
    )
    query = select(ActorAlias.actor_id, ActorAlias.alias, ActorAlias.key).join(words, words.c.alias_id == ActorAlias.id)
    return [(row[0], row[1], row[2]) for row in session.execute(query)]
