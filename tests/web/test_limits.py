"""Request bodies over the limit are refused with a page (or JSON) saying so, before they are read."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from app.web.limits import DEFAULT_BODY_LIMIT, too_large
from tests.support import soup


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent without a Content-Length, in chunks."""
    while total > 0:
        yield b"a" * min(size, total)
        total -= size


def test_a_declared_body_over_the_limit_gets_a_page(client: TestClient) -> None:
    response = client.post("/login", content=b"a" * (DEFAULT_BODY_LIMIT + 1))
    assert response.status_code == 413
    page = soup(response.text)
    assert page.select_one("h1").get_text(strip=True) == "Too large"
    assert too_large(DEFAULT_BODY_LIMIT) in page.select_one("main").get_text(" ", strip=True)
    assert response.headers["x-content-type-options"] == "nosniff"  # the app's headers, as on every answer


def test_the_api_gets_json(client: TestClient) -> None:
    response = client.post("/api/statements", content=b"{" * (DEFAULT_BODY_LIMIT + 1))
    assert response.status_code == 413
    assert response.json()["message"] == too_large(DEFAULT_BODY_LIMIT)


def test_a_body_without_a_length_is_counted_as_it_arrives(client: TestClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/login", content=_chunks(DEFAULT_BODY_LIMIT + 10), headers=form)
    assert response.status_code == 413
    assert soup(response.text).select_one("h1").get_text(strip=True) == "Too large"


def test_reading_an_article_takes_more(client: TestClient) -> None:
    # Over the default but under the article page's limit: the form is read, and its missing token refused.
    response = client.post("/statements/extract", data={"text": "a" * (DEFAULT_BODY_LIMIT + 1)}, follow_redirects=False)
    assert response.status_code == 403


def test_a_length_that_is_no_number_is_refused(client: TestClient) -> None:
    response = client.post("/login", content=b"x", headers={"content-length": "ten"})
    assert response.status_code == 400
