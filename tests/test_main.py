"""The application factory: what starting the app does to the process."""

from __future__ import annotations

import gc

from anyio import to_thread
from fastapi.testclient import TestClient

from app.main import create_app
from app.perf.process import YOUNG_COLLECTION_THRESHOLD
from tests.conftest import settings_for


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
