"""The application factory: what starting the app does to the process, and the settings it wires into every page."""

from __future__ import annotations

import gc

from anyio import to_thread
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db import Database
from app.main import create_app
from app.perf.process import YOUNG_COLLECTION_THRESHOLD
from tests.conftest import settings_for
from tests.support import soup


async def _thread_limit() -> float:
    return to_thread.current_default_thread_limiter().total_tokens


def test_starting_the_app_moves_long_lived_objects_out_of_collections(seeded_url: str) -> None:
    with TestClient(create_app(settings_for(seeded_url))) as client:
        assert client.get("/healthz").status_code == 200
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # modules, routes, templates: the start-up heap
    with TestClient(create_app(settings_for(seeded_url))):
        assert gc.get_freeze_count() <= frozen  # once per process: a second app freezes nothing more


def test_starting_the_app_lets_requests_short_lived_objects_go_without_young_collections(seeded_url: str) -> None:
    with TestClient(create_app(settings_for(seeded_url))) as client:
        assert client.get("/healthz").status_code == 200
        young, middle, old = gc.get_threshold()
    assert young == YOUNG_COLLECTION_THRESHOLD > 700  # CPython's default collects every 700 allocations
    assert (middle, old) == (10, 10)  # the older generations keep CPython's defaults
    assert gc.isenabled()


def test_starting_the_app_sizes_the_thread_pool_that_runs_page_work(seeded_url: str) -> None:
    settings = settings_for(seeded_url).model_copy(update={"threads": 3})
    with TestClient(create_app(settings)) as client:
        assert client.portal is not None
        assert client.portal.call(_thread_limit) == 3  # the event loop the app serves from
        assert client.get("/statements").status_code == 200  # a sync route runs within it


# Every page shows the IW_NOTICE banner: add each new page here, one line each.
# {statement}, {actor}, {country}, {topic} and {month} are filled in from one published statement.
NOTICE_PAGES = (
    "/this-page-does-not-exist",
    "/",
    "/matrix?topic=intercept-over-ukraine",
    "/matrix/cell?topic={topic}&country={country}&month={month}",
    "/methodology",
    "/statements",
    "/statements?country=PL&country=HU&q=drones",
    "/statements/{statement}",
    "/countries/PL",
    "/actors/{actor}",
    "/login",
    "/docs",
)
NOTICE = "Synthetic <data>: 24 generated statements, not real statements."


def _notice_pages(database: Database) -> list[str]:
    with database.read_session() as session:
        row = session.execute(
            text(
                "SELECT s.id, a.slug, c.code, t.slug, s.said_on FROM statement s JOIN actor a ON a.id = s.actor_id "
                "JOIN country c ON c.id = s.country_id JOIN topic t ON t.id = s.topic_id "
                "WHERE s.status = 'published' AND t.is_context = false ORDER BY s.id DESC LIMIT 1"
            )
        ).one()
    values = {"statement": row[0], "actor": row[1], "country": row[2], "topic": row[3], "month": str(row[4])[:7]}
    return [template.format(**values) for template in NOTICE_PAGES]


def test_the_notice_setting_shows_as_a_banner_on_every_page(seeded_url: str, seeded_db: Database) -> None:
    settings = settings_for(seeded_url).model_copy(update={"notice": NOTICE})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for path in _notice_pages(seeded_db):
            response = client.get(path)
            expected = 404 if "does-not-exist" in path else 200
            assert response.status_code == expected and response.headers["content-type"].startswith("text/html"), path
            banner = soup(response.text).select_one(".banner--notice")
            assert banner is not None and banner.get_text(strip=True) == NOTICE, path  # escaped: "<data>" is text


def test_without_a_notice_no_page_has_a_banner(shared_client: TestClient) -> None:
    for path in ("/this-page-does-not-exist", "/matrix", "/statements", "/docs"):
        assert soup(shared_client.get(path).text).select_one(".banner") is None, path


def test_a_changed_notice_changes_every_etag(seeded_url: str) -> None:
    """A browser's copy from before the notice changed is not answered 304: it lacks the banner, or has the old one."""
    etags = []
    for notice in (None, NOTICE, "Another notice."):
        settings = settings_for(seeded_url).model_copy(update={"notice": notice})
        with TestClient(create_app(settings)) as client:
            etags.append(client.get("/statements").headers["etag"])
    assert len(set(etags)) == 3
