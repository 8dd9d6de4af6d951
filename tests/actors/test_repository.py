"""Queries on actors: who spoke for a country (and in which of their offices there), read as plain rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select
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
