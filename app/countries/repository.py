"""Every query on countries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.countries.models import Country


def all_countries(session: Session) -> list[Country]:
    return list(session.execute(select(Country).order_by(Country.name)).scalars())


def by_code(session: Session) -> dict[str, Country]:
    return {country.code: country for country in all_countries(session)}


def get_by_code(session: Session, code: str) -> Country | None:
    return session.execute(select(Country).where(Country.code == code.upper())).scalar_one_or_none()
