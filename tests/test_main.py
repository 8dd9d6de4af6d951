"""The application factory: what starting the app does to the process."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from app.main import create_app
from tests.conftest import settings_for


def test_starting_the_app_moves_long_lived_objects_out_of_collections(seeded_url: str) -> None:
    with TestClient(create_app(settings_for(seeded_url))) as client:
        assert client.get("/healthz").status_code == 200
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # modules, routes, templates: the start-up heap
    with TestClient(create_app(settings_for(seeded_url))):
        assert gc.get_freeze_count() <= frozen  # once per process: a second app freezes nothing more
