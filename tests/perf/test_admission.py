"""app/web/admission.py: a burst of requests larger than the connection pool is answered, in full, through real HTTP.

Each page request holds its read session's connection from its first thread hop to its last, so
without the limit a burst of distinct pages on one thread fills the pool, and the thread then waits
for a connection that only a request waiting for that thread can give back.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select
from starlette.types import Message, Receive, Scope, Send

from app.config import Settings
from app.countries.models import Country
from app.db import Database
from app.perf.admission import AdmissionMiddleware
from app.statements.models import Statement
from tests.conftest import TEST_SECRET, DatabaseFactory
from tests.support import LiveServer, soup

BURST_SECONDS = 20  # a deadlocked worker answers nothing in this time (its pool waits 30 s before failing)


def _pages(url: str) -> list[str]:
    """Distinct pages, so none is answered from the page cache before it takes its connection."""
    database = Database.from_url(url)
    try:
        with database.read_session() as session:
            codes = session.scalars(select(Country.code).order_by(Country.code)).all()
            ids = session.scalars(select(Statement.id).order_by(Statement.id)).all()
    finally:
        database.dispose()
    return [f"/countries/{code}" for code in codes] + [f"/statements/{number}" for number in ids]


def _burst(base_url: str, paths: list[str]) -> list[httpx.Response]:
    """Every path requested at once, one client each (threads: the browser tests keep an event loop on this one)."""

    def get(path: str) -> httpx.Response:
        with httpx.Client(base_url=base_url, timeout=BURST_SECONDS) as client:
            return client.get(path)

    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        return list(pool.map(get, paths))


def test_a_burst_larger_than_the_pool_is_answered_in_full(dialect: str, factories: dict[str, DatabaseFactory]) -> None:
    url = factories[dialect].create("seeded")
    paths = _pages(url)
    settings = Settings(database_url=url, secret_key=TEST_SECRET, threads=1)
    assert len(paths) > 4 * settings.in_flight_limit  # far more requests than the pool's connections
    with LiveServer(settings) as server:
        answers = _burst(server.url, paths)
    assert [answer.status_code for answer in answers] == [200] * len(paths)
    headings = [soup(answer.text).select_one("h1") for answer in answers]
    assert all(heading is not None and heading.get_text(strip=True) for heading in headings)


def test_the_limit_follows_the_threads_unless_set() -> None:
    assert Settings(threads=3).in_flight_limit == 6
    assert Settings(threads=3, requests_in_flight=5).in_flight_limit == 5


class _Probe:
    """An ASGI app that counts how many requests are inside it at once."""

    def __init__(self) -> None:
        self.inside = self.most = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        await asyncio.sleep(0.01)
        self.inside -= 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _most_inside_at_once(limit: int, paths: list[str]) -> int:
    probe = _Probe()
    middleware = AdmissionMiddleware(probe, limit=limit)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    async def main() -> None:
        await asyncio.gather(
            *(
                middleware({"type": "http", "path": path, "method": "GET", "headers": []}, receive, send)
                for path in paths
            )
        )

    with ThreadPoolExecutor(max_workers=1) as pool:  # a loop of its own, off the thread the browser tests' loop is on
        pool.submit(asyncio.run, main()).result()
    return probe.most


def test_no_more_than_the_limit_are_inside_at_once_and_static_files_pass() -> None:
    assert _most_inside_at_once(3, [f"/statements/{number}" for number in range(12)]) == 3
    assert _most_inside_at_once(3, [f"/static/file{number}.css" for number in range(12)]) == 12
    with pytest.raises(ValueError):
        AdmissionMiddleware(_Probe(), limit=0)
