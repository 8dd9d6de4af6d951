"""Queries on actors: who spoke for a country (and in which of their offices there), read as plain rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import exists, inspect, select
from sqlalchemy.orm import selectinload

from app.actors import repository
from app.actors.models import Actor, ActorKind, Office, OfficeRank
from app.countries.models import Country
from app.db import Database
from app.statements.models import PUBLISHED, Statement


def _expected(
    database: Database, country_id: int
) -> list[tuple[str, str, ActorKind, list[tuple[str, OfficeRank, date | None, date | None]]]]:
    """The same speakers loaded as ORM objects, with their offices there in the relationship's order."""
    with database.read_session() as session:
        spoke = exists().where(Statement.actor_id == Actor.id, Statement.country_id == country_id, PUBLISHED)
        actors = session.execute(
            select(Actor).where(spoke).options(selectinload(Actor.offices)).order_by(Actor.name, Actor.id)
        ).scalars()
        return [
            (
                a.name,
                a.slug,
                a.kind,
                [(o.title, o.rank, o.started_on, o.ended_on) for o in a.offices if o.country_id == country_id],
            )
            for a in actors
        ]


def _listed(
    database: Database, country_id: int
) -> list[tuple[str, str, ActorKind, list[tuple[str, OfficeRank, date | None, date | None]]]]:
    with database.read_session() as session:
        return [
            (s.name, s.slug, s.kind, [(o.title, o.rank, o.started_on, o.ended_on) for o in s.offices])
            for s in repository.who_spoke(session, country_id=country_id)
        ]


def test_who_spoke_lists_every_country_as_the_orm_objects_would(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        countries = session.execute(select(Country.id, Country.code)).all()
    listed_somewhere = 0
    for country_id, code in countries:
        assert _listed(seeded_db, country_id) == _expected(seeded_db, country_id), code
        listed_somewhere += bool(_expected(seeded_db, country_id))
    assert listed_somewhere >= 3  # the seeds' speakers (Poland, NATO, ...), not an empty comparison


def test_offices_come_in_the_order_held_and_only_those_of_the_country(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        poland = session.execute(select(Country).where(Country.code == "PL")).scalar_one()
        eu = session.execute(select(Country).where(Country.code == "EU")).scalar_one()
        tusk = session.execute(select(Actor).where(Actor.name == "Donald Tusk")).scalar_one()
        for title, country, started_on, ended_on in (
            ("President of the European Council", eu, date(2014, 12, 1), date(2019, 12, 1)),
            ("Prime Minister of Poland", poland, date(2007, 11, 16), date(2014, 9, 22)),
        ):
            session.add(
                Office(
                    actor_id=tusk.id,
                    country_id=country.id,
                    title=title,
                    rank=OfficeRank.HEAD,
                    started_on=started_on,
                    ended_on=ended_on,
                )
            )
        silent = Actor(slug="a-silent-official", name="A Silent Official", kind=ActorKind.PERSON)
        session.add(silent)
        session.flush()
        session.add(Office(actor_id=silent.id, country_id=poland.id, title="Deputy minister", rank=OfficeRank.OTHER))
        poland_id = poland.id
    listed = _listed(seeded_db, poland_id)
    assert [name for name, *_ in listed] == ["Donald Tusk", "Radosław Sikorski", "Władysław Kosiniak-Kamysz"]
    tusk_offices = listed[0][3]
    assert [title for title, *_ in tusk_offices] == ["Prime Minister of Poland", "Prime Minister of Poland"]
    assert tusk_offices[0][2] == date(2007, 11, 16)  # the dated term first; the open one (the seed's) after
    assert listed == _expected(seeded_db, poland_id)


def _columns(entity: object, names: tuple[str, ...]) -> list[object]:
    return [getattr(entity, name) for name in names]


def test_copies_with_offices_are_the_stored_actors_not_in_the_session(seeded_db: Database) -> None:
    """A save's checks read its actor from copies: every column, every office in the order held, each
    office's country, as the ORM loads them; none of them in the session, so none can be flushed."""
    with seeded_db.read_session() as session:
        ids = list(session.execute(select(Actor.id).order_by(Actor.id)).scalars())
        copies = repository.copies_with_offices(session, [*ids, 10**6])  # an id nobody has is left out
        stored = repository.with_offices(session, ids)
        assert copies.keys() == stored.keys() == set(ids)
        several = 0
        for actor_id in ids:
            copy, actor = copies[actor_id], stored[actor_id]
            assert inspect(copy).transient
            assert _columns(copy, ("id", "slug", "name", "kind", "created_at")) == _columns(
                actor, ("id", "slug", "name", "kind", "created_at")
            )
            office_columns = ("id", "actor_id", "country_id", "title", "rank", "started_on", "ended_on")
            assert [_columns(o, office_columns) for o in copy.offices] == [
                _columns(o, office_columns) for o in actor.offices
            ]
            assert [_columns(o.country, ("id", "code", "name", "kind")) for o in copy.offices] == [
                _columns(o.country, ("id", "code", "name", "kind")) for o in actor.offices
            ]
            assert all(inspect(o).transient and inspect(o.country).transient for o in copy.offices)
            several += len(copy.offices) > 1
        assert several >= 1  # Mark Rutte's two offices, in the order held: not an empty comparison
        assert not any(isinstance(entity, (Actor, Office, Country)) for entity in session.new)


@pytest.mark.parametrize("few", [20, 0])  # a save's one key, read by key; an import's many, by Core
def test_the_alias_index_for_some_names_is_the_whole_index_cut_down(
    seeded_db: Database, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "_FEW", few)
    with seeded_db.read_session() as session:
        whole = repository.alias_index(session)
        keys = sorted(whole)[:5]
        some = repository.alias_index(session, [*keys, keys[0], "nobody by this name"])
    assert len(keys) == 5 and dict(some) == {key: whole[key] for key in keys}
