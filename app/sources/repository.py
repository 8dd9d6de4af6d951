"""Every query on sources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from app.db import insert_many_returning_ids
from app.sources.models import Source

_CHUNK = 500
# Built once (every save looks its sources up): a statement built per call costs more than it runs.
_BY_URLS = select(Source).where(Source.url.in_(bindparam("values", expanding=True)))
_BY_KEYS = select(Source).where(Source.key.in_(bindparam("values", expanding=True)))


def find_existing(session: Session, *, urls: Iterable[str], keys: Iterable[str]) -> dict[tuple[str, str], Source]:
    """Stored sources by ('url', normalised url) or ('key', key)."""
    found: dict[tuple[str, str], Source] = {}
    for query, kind, values in ((_BY_URLS, "url", list(set(urls))), (_BY_KEYS, "key", list(set(keys)))):
        for start in range(0, len(values), _CHUNK):
            for source in session.execute(query, {"values": values[start : start + _CHUNK]}).scalars():
                found[(kind, getattr(source, kind))] = source
    return found


def get_by_url(session: Session, url: str) -> Source | None:
    return session.execute(select(Source).where(Source.url == url)).scalar_one_or_none()


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert sources; their ids, in the order given."""
    return insert_many_returning_ids(session.connection(), _INSERT, rows)


_INSERT = insert(Source).returning(Source.id, sort_by_parameter_order=True)  # Core, built once, as statements'
