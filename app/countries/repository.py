"""Every query on countries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Row, String, bindparam, select, type_coerce
from sqlalchemy.orm import Session

from app.countries.models import Country


def all_countries(session: Session) -> list[Country]:
    return list(session.execute(select(Country).order_by(Country.name)).scalars())


def heads(session: Session) -> Sequence[Row[int, str, str, str, bool]]:
    """Each country's id, code, name, kind and border flag, by name: the matrix's row heads.

    Plain columns on the session's connection (no ORM objects), with the kind as its stored text.
    """
    query = select(Country.id, Country.code, Country.name, type_coerce(Country.kind, String), Country.borders_ukraine)
    return session.connection().execute(query.order_by(Country.name)).all()


def by_code(session: Session) -> dict[str, Country]:
    return {country.code: country for country in all_countries(session)}


def with_codes(session: Session, codes: Iterable[str]) -> dict[str, Country]:
    """The countries among `codes` that exist, by code."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    return {country.code: country for country in session.execute(_WITH_CODES, {"codes": wanted}).scalars()}


_WITH_CODES = select(Country).where(Country.code.in_(bindparam("codes", expanding=True)))  # built once: every save asks


def add(session: Session, country: Country) -> Country:
    session.add(country)
    session.flush()
    return country


def get_by_code(session: Session, code: str) -> Country | None:
    return session.execute(select(Country).where(Country.code == code.upper())).scalar_one_or_none()
