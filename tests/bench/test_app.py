"""bench/app.py: F and plaintext answer, the body cache is counted and bypassed on request; production has neither."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.deps import View
from bench.app import FORTUNE_ROWS, FRESH_HEADER, BareBeside, create_bare_app, create_bench_app
from tests.conftest import settings_for
from tests.support import soup


@pytest.fixture
def bench_client(seeded_url: str) -> Iterator[TestClient]:
    app = create_bench_app(settings_for(seeded_url))

    @app.get("/cached-probe")
    def cached_probe(view: View):  # type: ignore[no-untyped-def]
        # A sync route, like the pages: the fresh mark must reach it in the threadpool.
        return view.page(
            "errors/error.html", lambda: {"status": 200, "title": "Probe", "message": "cached", "errors": []}
        )

    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


def test_fortunes_runs_one_query_and_renders_escaped_sorted_rows(bench_client: TestClient) -> None:
    response = bench_client.get("/_bench/fortunes")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = soup(response.text)
    rows = page.select("tr")[1:]
    assert len(rows) == FORTUNE_ROWS + 1  # twelve statements and the one added at request time
    quotes = [row.select("td")[2].get_text() for row in rows]
    assert quotes == sorted(quotes)
    assert page.select("script") == [] and "<script>escaped</script>" in page.get_text()
    assert "content-security-policy" in response.headers  # the same middleware stack as every page


def test_plaintext(bench_client: TestClient) -> None:
    response = bench_client.get("/_bench/plaintext")
    assert response.status_code == 200 and response.text == "Hello, World!"


def test_fresh_requests_bypass_the_body_cache_and_others_are_counted(bench_client: TestClient) -> None:
    assert bench_client.get("/_bench/body-cache").json() == {"hits": 0, "misses": 0, "bypassed": 0}
    for _ in range(3):  # rendered, rendered and kept, found
        assert bench_client.get("/cached-probe").status_code == 200
    assert bench_client.get("/cached-probe", headers={FRESH_HEADER: "1"}).status_code == 200
    assert bench_client.get("/_bench/body-cache").json() == {"hits": 1, "misses": 2, "bypassed": 1}


def test_the_production_app_has_no_benchmark_routes(shared_client: TestClient) -> None:
    for path in ("/_bench/fortunes", "/_bench/plaintext", "/_bench/body-cache"):
        assert shared_client.get(path).status_code == 404


def test_bare_fastapi_answers_beside_the_app_without_its_middleware(seeded_url: str) -> None:
    server = BareBeside(create_bench_app(settings_for(seeded_url)), create_bare_app())
    with TestClient(server) as client:
        bare = client.get("/_bare/plaintext")
        assert bare.status_code == 200 and bare.text == "Hello, World!"
        assert "content-security-policy" not in bare.headers  # none of the app's middleware ran
        assert client.get("/_bare/nothing").status_code == 404
        page = client.get("/healthz")  # everything else, lifespan included, is the app's
        assert page.status_code == 200 and "content-security-policy" in page.headers
