"""Every query on countries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import MappingProxyType

from sqlalchemy import Row, String, bindparam, select, type_coerce
from sqlalchemy.orm import Session

from app.countries.models import Country
from app.perf.driver import DriverRead, copy_of
from app.perf.versioned import per_data_version


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
    """The countries among `codes` that exist, by code: transient copies, not in the session, for reading.

    One read by its key for each code: a save names one, a filter a few, an import at most every country.
    """
    found: dict[str, Country] = {}
    for code in sorted(set(codes)):
        for row in _BY_CODE.fetchall(session, {"code": code}):
            country = copy_of(Country, row)
            found[country.code] = country
    return found


# Every save and every filtered history page asks: about 20 µs a code, where the ORM's read took 140.
_BY_CODE = DriverRead(select(*Country.__table__.c).where(Country.code == bindparam("code")), typed=True)


def add(session: Session, country: Country) -> Country:
    session.add(country)
    session.flush()
    return country


def get_by_code(session: Session, code: str) -> Country | None:
    return session.execute(select(Country).where(Country.code == code.upper())).scalar_one_or_none()


_COLUMNS = select(Country.id, Country.code, Country.name, Country.kind, Country.joined_on, Country.borders_ukraine)


def shown_by_code(session: Session, code: str) -> Country | None:
    """The country with this code as a page shows it: a transient copy, not in the session.

    Its columns are read once per data version (adding or renaming a country bumps it): the ORM's
    read of one row was 3-5% of a cold country page's time.
    """
    rows = per_data_version(
        session,
        "country_columns",
        lambda: MappingProxyType({row.code: row for row in session.execute(_COLUMNS)}),
    )
    row = rows.get(code.upper())
    if row is None:
        return None
    return Country(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=row.kind,
        joined_on=row.joined_on,
        borders_ukraine=row.borders_ukraine,
    )
