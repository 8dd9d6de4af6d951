"""Every query on sources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.db import insert_many_returning_ids
from app.perf.driver import DriverRead, copy_of
from app.sources.models import Source

# A save looks its one or two sources up by key on the driver's cursor (about 20 µs each, where the ORM's
# read took 240); an import's thousands go 500 to a read through Core.
_FEW = 20
_CHUNK = 500
_BY = {
    kind: DriverRead(select(*Source.__table__.c).where(column == bindparam("value")), typed=True)
    for kind, column in (("url", Source.url), ("key", Source.key))
}
_BY_MANY = {
    kind: select(*Source.__table__.c).where(column.in_(bindparam("values", expanding=True)))
    for kind, column in (("url", Source.url), ("key", Source.key))
}


def find_existing(session: Session, *, urls: Iterable[str], keys: Iterable[str]) -> dict[tuple[str, str], Source]:
    """Stored sources by ('url', normalised url) or ('key', key): transient copies, not in the session.

    For the checks of a save or an import, which read them and link a statement to them by id.
    """
    found: dict[tuple[str, str], Source] = {}
    for kind, values in (("url", list(dict.fromkeys(urls))), ("key", list(dict.fromkeys(keys)))):
        if len(values) <= _FEW:
            rows = [row for value in values for row in _BY[kind].fetchall(session, {"value": value})]
        else:
            connection = session.connection()
            rows = [
                tuple(row)
                for start in range(0, len(values), _CHUNK)
                for row in connection.execute(_BY_MANY[kind], {"values": values[start : start + _CHUNK]})
            ]
        for row in rows:
            source = copy_of(Source, row)
            found[(kind, getattr(source, kind))] = source
    return found


def get_by_url(session: Session, url: str) -> Source | None:
    return session.execute(select(Source).where(Source.url == url)).scalar_one_or_none()


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert sources; their ids, in the order given."""
    return insert_many_returning_ids(session.connection(), _INSERT, rows)


_INSERT = insert(Source).returning(Source.id, sort_by_parameter_order=True)  # Core, built once, as statements'
