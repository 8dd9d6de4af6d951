"""Values kept per page version: a save elsewhere keeps them, a save in the page's scope reads them again."""

from __future__ import annotations

from app.db import Database
from app.perf.versioned import per_page_version
from app.system import repository as system_repository
from app.system import scopes


def _read(database: Database, scope: str | None, loads: list[str]) -> str:
    with database.read_session() as session:
        system_repository.data_stamp(session, scope)
        return per_page_version(session, "speakers:PL", lambda: loads.append("read") or f"read {len(loads)}")


def _save(database: Database, *touched: str) -> None:
    with database.write() as session:
        system_repository.begin_data_change(session, scoped=True)
        system_repository.mark_changed(session, touched)


def test_a_value_is_kept_while_its_pages_scope_stays_the_same(seeded_db: Database) -> None:
    loads: list[str] = []
    poland = scopes.country("PL")
    assert _read(seeded_db, poland, loads) == "read 1"
    assert _read(seeded_db, poland, loads) == "read 1" and loads == ["read"]
    _save(seeded_db, scopes.country("DE"), scopes.HISTORY)  # another country's save
    assert _read(seeded_db, poland, loads) == "read 1" and len(loads) == 1
    _save(seeded_db, poland)
    assert _read(seeded_db, poland, loads) == "read 2"
    _change_every_page(seeded_db)
    assert _read(seeded_db, poland, loads) == "read 3"  # a change every page shows


def test_without_a_scope_any_save_reads_it_again(seeded_db: Database) -> None:
    loads: list[str] = []
    assert _read(seeded_db, None, loads) == "read 1"
    assert _read(seeded_db, None, loads) == "read 1"
    _save(seeded_db, scopes.country("DE"))
    assert _read(seeded_db, None, loads) == "read 2"


def _change_every_page(database: Database) -> None:
    with database.write() as session:
        system_repository.begin_data_change(session)
