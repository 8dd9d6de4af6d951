"""Queries on sources: the stored sources a save or an import names, found by URL or key."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from app.db import Database
from app.sources import repository
from app.sources.models import Source

_COLUMNS = ("id", "url", "key", "outlet", "title", "published_on", "language", "created_at")


@pytest.mark.parametrize("few", [20, 0])  # a save's few, one read each; an import's many, by Core
def test_sources_are_found_by_url_and_by_key_as_copies_of_the_stored_rows(
    seeded_db: Database, few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "_FEW", few)
    with seeded_db.read_session() as session:
        stored = session.execute(select(Source).order_by(Source.id)).scalars().all()
        by_url = [source for source in stored if source.url][:2]
        by_key = [source for source in stored if source.key][:2]
        assert len(by_url) == 2 and len(by_key) == 2  # the seed articles have keys; pages have URLs
        urls = [source.url or "" for source in by_url] + ["https://example.org/never-recorded"]
        keys = [source.key or "" for source in by_key] + ["no-such-key"]
        found = repository.find_existing(session, urls=[*urls, urls[0]], keys=keys)
        expected = {("url", s.url or ""): s for s in by_url} | {("key", s.key or ""): s for s in by_key}
        assert found.keys() == expected.keys()  # each once; nothing for what isn't stored
        for identity, copy in found.items():
            assert inspect(copy).transient  # read, and linked by id: never flushed
            assert [getattr(copy, name) for name in _COLUMNS] == [
                getattr(expected[identity], name) for name in _COLUMNS
            ]
        assert repository.find_existing(session, urls=[], keys=[]) == {}
