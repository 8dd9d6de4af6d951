"""Every query on sources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.sources.models import Source

_CHUNK = 500


def find_existing(session: Session, *, urls: Iterable[str], keys: Iterable[str]) -> dict[tuple[str, str], Source]:
    """Stored sources by ('url', normalised url) or ('key', key)."""
    found: dict[tuple[str, str], Source] = {}
    for column, kind, values in ((Source.url, "url", list(set(urls))), (Source.key, "key", list(set(keys)))):
        for start in range(0, len(values), _CHUNK):
            query = select(Source).where(column.in_(values[start : start + _CHUNK]))
            for source in session.execute(query).scalars():
                found[(kind, getattr(source, kind))] = source
    return found


def get_by_url(session: Session, url: str) -> Source | None:
    return session.execute(select(Source).where(Source.url == url)).scalar_one_or_none()


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    # Core, as statements are inserted: the ORM's bulk insert adds only its cost.
    result = session.connection().execute(insert(Source).returning(Source.id, sort_by_parameter_order=True), list(rows))
    return list(result.scalars())
