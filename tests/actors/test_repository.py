"""Queries on actors: who spoke for a country, read as plain rows."""

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
    """The same speakers loaded as ORM objects, with their offices in the relationship's order."""
    with database.read_session() as session:
        spoke = exists().where(Statement.actor_id == Actor.id, PUBLISHED)
        actors = session.execute(
            select(Actor)
            .where(Actor.country_id == country_id, spoke)
            .options(selectinload(Actor.offices))
            .order_by(Actor.name, Actor.id)
        ).scalars()
        return [
            (a.name, a.slug, a.kind, [(o.title, o.rank, o.started_on, o.ended_on) for o in a.offices]) for a in actors
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


def test_offices_come_in_the_order_held_and_the_silent_are_left_out(seeded_db: Database) -> None:
    with seeded_db.write() as session:
        poland = session.execute(select(Country).where(Country.code == "PL")).scalar_one()
        tusk = session.execute(select(Actor).where(Actor.name == "Donald Tusk")).scalar_one()
        session.add(
            Office(
                actor_id=tusk.id,
                title="President of the European Council",
                rank=OfficeRank.OTHER,
                started_on=date(2014, 12, 1),
                ended_on=date(2019, 12, 1),
            )
        )
        silent = Actor(slug="a-silent-official", name="A Silent Official", kind=ActorKind.PERSON, country_id=poland.id)
        session.add(silent)
        session.flush()
        session.add(Office(actor_id=silent.id, title="Deputy minister", rank=OfficeRank.OTHER))
        poland_id = poland.id
    listed = _listed(seeded_db, poland_id)
    assert [name for name, *_ in listed] == ["Donald Tusk", "Radosław Sikorski", "Władysław Kosiniak-Kamysz"]
    tusk_offices = listed[0][3]
    assert {"President of the European Council", "Prime Minister of Poland"} <= {title for title, *_ in tusk_offices}
    assert [start for _, _, start, _ in tusk_offices if start] == sorted(
        start for _, _, start, _ in tusk_offices if start
    )
    assert listed == _expected(seeded_db, poland_id)
