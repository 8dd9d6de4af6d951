"""What a page shows, named as a scope: a save makes stale only the pages of the scopes it touches.

A page's ETag and page-cache key carry the version of its scope (app/system/repository.py,
`data_stamp`); every write that changes a statement moves the scopes of what it changed, old and new
(app/statements/writing.py). A page with no scope here moves with every write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from app.topics.models import DEFAULT_TOPIC

HISTORY = "history"  # every listing of statements: the history and its twins, search, the feed

_MATRIX = frozenset({"/", "/matrix", "/matrix.json", "/matrix/cell", "/matrix/cell.json"})
_HISTORY = frozenset({"/statements", "/statements.json", "/statements.csv", "/statements.atom"})
_COUNTRY = re.compile(r"/countries/([^/]+?)(?:\.json)?")
_ACTOR = re.compile(r"/actors/([^/]+?)(?:\.json)?")
_STATEMENT = re.compile(r"/statements/([0-9]+)(?:\.json)?")


def topic(slug: str) -> str:
    """A topic's matrix, its cells and its headline."""
    return f"topic:{slug}"


def country(code: str) -> str:
    """A country's page."""
    return f"country:{code.upper()}"


def actor(slug: str) -> str:
    """An official's page."""
    return f"actor:{slug}"


def statement(statement_id: int) -> str:
    """One statement's page."""
    return f"statement:{statement_id}"


def of_page(path: str, query: Mapping[str, str]) -> str | None:
    """The scope of the page at `path` with `query`; None for a page any write may change."""
    if path in _MATRIX:
        return topic((query.get("topic") or "").strip() or DEFAULT_TOPIC)
    if path in _HISTORY:
        return HISTORY
    if found := _STATEMENT.fullmatch(path):
        return statement(int(found.group(1)))
    if found := _COUNTRY.fullmatch(path):
        return country(found.group(1))
    if found := _ACTOR.fullmatch(path):
        return actor(found.group(1))
    return None


def of_statement(*, statement_id: int, country_code: str, topic_slug: str, actor_slug: str) -> Iterator[str]:
    """Every scope a statement shows in: its own page, its country's, its speaker's, its topic's matrix, the history."""
    yield statement(statement_id)
    yield country(country_code)
    yield actor(actor_slug)
    yield topic(topic_slug)
    yield HISTORY
