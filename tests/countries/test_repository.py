"""Reads of countries: the columns a country's page shows, kept per data version."""

from __future__ import annotations

from sqlalchemy import inspect, update

from app.countries import repository
from app.countries.models import Country, CountryKind
from app.db import Database
from app.system import repository as system_repository
from app.system import scopes


def _shown(database: Database, code: str) -> Country | None:
    with database.read_session() as session:
        system_repository.data_stamp(session, scopes.country(code.upper()))
        found = repository.shown_by_code(session, code)
        stored = repository.get_by_code(session, code)
        assert (found is None) == (stored is None)
        if found is not None and stored is not None:
            assert inspect(found).transient  # a copy: never flushed, never lazy-loaded
            columns = ("id", "code", "name", "kind", "joined_on", "borders_ukraine")
            assert [getattr(found, name) for name in columns] == [getattr(stored, name) for name in columns]
        return found


def test_a_page_shows_the_countrys_columns_as_stored(seeded_db: Database) -> None:
    poland = _shown(seeded_db, "pl")
    assert poland is not None and poland.code == "PL" and poland.kind == CountryKind.MEMBER
    assert _shown(seeded_db, "XX") is None


def test_a_renamed_or_added_country_is_shown_after_the_change(seeded_db: Database) -> None:
    assert _shown(seeded_db, "PL") is not None  # kept for this data version
    assert _shown(seeded_db, "OSCE") is None
    with seeded_db.write() as session:
        system_repository.begin_data_change(session)  # as every write that changes what pages show does
        session.execute(update(Country).where(Country.code == "PL").values(name="Rzeczpospolita"))
        repository.add(session, Country(code="OSCE", name="OSCE", kind=CountryKind.INSTITUTION))
    renamed = _shown(seeded_db, "PL")
    assert renamed is not None and renamed.name == "Rzeczpospolita"
    added = _shown(seeded_db, "OSCE")
    assert added is not None and added.kind == CountryKind.INSTITUTION


def test_countries_by_code_are_copies_of_the_stored_rows(seeded_db: Database) -> None:
    """A save's and a filter's countries: each code's row, whatever case or repeats were asked, and no
    unknown code; copies not in the session."""
    with seeded_db.read_session() as session:
        found = repository.with_codes(session, ["PL", "EU", "PL", "XX"])
        assert sorted(found) == ["EU", "PL"]
        for code, copy in found.items():
            stored = repository.get_by_code(session, code)
            assert stored is not None and inspect(copy).transient
            columns = ("id", "code", "name", "kind", "joined_on", "borders_ukraine")
            assert [getattr(copy, name) for name in columns] == [getattr(stored, name) for name in columns]
        assert repository.with_codes(session, []) == {}
