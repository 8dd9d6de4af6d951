"""The page cache: bounded, keyed by the data version, never serving a stale or someone else's page."""

from __future__ import annotations

import gzip
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from app.db import Database
from app.perf import pagecache
from app.perf.pagecache import BodyCache, CachedBody
from app.statements import history, writing
from app.web.conditional import matches
from tests.support import add_statement, make_user, record, sign_in


def test_the_cache_is_bounded_by_bytes_and_can_be_off() -> None:
    cache = BodyCache(max_bytes=800)
    renders: list[str] = []

    def render(name: str) -> CachedBody:
        renders.append(name)
        return CachedBody("text/html", name.encode() * 100)

    for name in "abcdefghij":
        for _ in range(2):  # kept from the second request
            cache.get_or_render((name,), lambda name=name: render(name))
    cache.get_or_render(("j",), lambda: render("j"))
    cache.get_or_render(("a",), lambda: render("a"))
    assert renders == [name for name in "abcdefghij" for _ in range(2)] + ["a"]  # j was kept, a evicted long ago
    off = BodyCache(max_bytes=0)
    off.get_or_render(("x",), lambda: render("x"))
    off.get_or_render(("x",), lambda: render("x"))
    assert renders[-2:] == ["x", "x"] and not off.enabled


def test_a_page_is_kept_from_its_second_request_and_pages_asked_for_once_evict_nothing() -> None:
    cache = BodyCache(max_bytes=8_000)
    renders: list[str] = []

    def render(name: str) -> CachedBody:
        renders.append(name)
        return CachedBody("text/html", name.encode() * 100)

    for _ in range(3):
        cache.get_or_render(("read",), lambda: render("read"))
    assert renders == ["read", "read"] and cache.get(("read",)) is not None
    for number in range(500):  # a long tail of URLs, each asked for once, as readers combine filters
        cache.get_or_render((f"tail {number}",), lambda number=number: render(f"tail {number}"))
        assert cache.get((f"tail {number}",)) is None
    cache.get_or_render(("read",), lambda: render("read"))
    assert renders.count("read") == 2  # the page many read is still kept
    cache.get_or_render(("tail 499",), lambda: render("tail 499"))
    assert cache.get(("tail 499",)) is not None  # asked for again: kept


def test_pages_seen_once_are_forgotten_together_when_too_many() -> None:
    cache = BodyCache(max_bytes=10_000)
    cache.SEEN_LIMIT = 3
    for name in "abc":
        cache.get_or_render((name,), lambda name=name: CachedBody("text/html", name.encode()))
    cache.get_or_render(("d",), lambda: CachedBody("text/html", b"d"))  # the fourth: a, b and c are forgotten
    cache.get_or_render(("a",), lambda: CachedBody("text/html", b"a"))
    cache.get_or_render(("d",), lambda: CachedBody("text/html", b"d"))
    assert cache.get(("a",)) is None and cache.get(("d",)) is not None


def test_a_kept_pages_gzipped_copy_is_kept_from_its_first_request() -> None:
    cache = BodyCache(max_bytes=1_000_000)
    page = CachedBody("text/html", b"<p>page</p>" * 400)
    request = Request({"type": "http", "headers": [(b"accept-encoding", b"gzip")]})
    for _ in range(2):
        cache.get_or_render(("p",), lambda: page)
    once = pagecache.encoded(request, cache, ("p",), page)
    assert once.encoding == "gzip" and cache.get(("p", "gzip")) is once
    assert gzip.decompress(once.body) == page.body


def test_readers_of_a_page_being_rendered_wait_for_that_render_instead_of_rendering_it_again() -> None:
    cache = BodyCache(max_bytes=10_000)
    started, release = threading.Event(), threading.Event()
    renders: list[str] = []

    def slow(name: str) -> CachedBody:
        renders.append(name)
        started.set()
        assert release.wait(10)
        return CachedBody("text/html", name.encode())

    with ThreadPoolExecutor(5) as pool:
        first = pool.submit(cache.get_or_render, ("p",), lambda: slow("p"))
        assert started.wait(10)
        waiting = [pool.submit(cache.get_or_render, ("p",), lambda: slow("p")) for _ in range(3)]
        # Another page is not held up by this one's render.
        assert cache.get_or_render(("q",), lambda: CachedBody("text/html", b"q")).body == b"q"
        assert not first.done() and not any(future.done() for future in waiting)
        release.set()
        bodies = [future.result(10) for future in [first, *waiting]]
    assert renders == ["p"] and all(body is bodies[0] for body in bodies)
    assert cache.get(("p",)) is bodies[0]  # asked for by several at once: kept


def test_when_the_first_render_fails_the_waiters_render_the_page_themselves() -> None:
    cache = BodyCache(max_bytes=10_000)
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def failing() -> CachedBody:
        calls.append("failed")
        started.set()
        assert release.wait(10)
        raise RuntimeError("the database went away")

    def working() -> CachedBody:
        calls.append("rendered")
        return CachedBody("text/html", b"page")

    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(cache.get_or_render, ("p",), failing)
        assert started.wait(10)
        waiting = [pool.submit(cache.get_or_render, ("p",), working) for _ in range(2)]
        release.set()
        with pytest.raises(RuntimeError, match="went away"):
            first.result(10)
        assert [future.result(10).body for future in waiting] == [b"page", b"page"]
    # Each waiter rendered its own, or the second found the first one's: never a failure passed on.
    assert calls[0] == "failed" and calls.count("rendered") in (1, 2)
    assert cache.get(("p",)) is not None


def test_weak_etag_comparison() -> None:
    assert matches('W/"1.1.abc.p.anon"', 'W/"1.1.abc.p.anon"')
    assert matches('"x", W/"1.1.abc.p.anon"', 'W/"1.1.abc.p.anon"') and matches("*", 'W/"x"')
    assert not matches('W/"2.1.abc.p.anon"', 'W/"1.1.abc.p.anon"') and not matches(None, 'W/"x"')


def test_a_repeated_page_is_not_rebuilt_until_the_data_changes(
    client: TestClient, seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = history.page
    monkeypatch.setattr(history, "page", lambda **kwargs: calls.append(1) or real(**kwargs))
    first, second, third = (client.get("/statements?country=PL") for _ in range(3))
    assert first.text == second.text == third.text and len(calls) == 2  # kept from the second request
    with seeded_db.write() as session:
        add_statement(session, record(quote="A new statement changes the page."))
    changed = client.get("/statements?country=PL")
    assert len(calls) == 3 and "A new statement changes the page." in changed.text


def test_a_signed_in_editors_pages_are_their_own(
    client: TestClient, seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    calls: list[int] = []
    real = history.page
    monkeypatch.setattr(history, "page", lambda **kwargs: calls.append(1) or real(**kwargs))
    client.get("/statements")
    client.get("/statements")
    assert len(calls) == 2
    assert "private" in client.get("/statements").headers["cache-control"]


def test_a_cached_page_is_answered_before_the_route_runs(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.stances import matrix as stances_matrix

    first = client.get("/matrix?topic=no-fly-zone")
    assert client.get("/matrix?topic=no-fly-zone").text == first.text  # asked for again: kept
    calls: list[int] = []
    real = stances_matrix.parse_matrix_query
    monkeypatch.setattr(stances_matrix, "parse_matrix_query", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = client.get("/matrix?topic=no-fly-zone")
    assert again.status_code == 200 and again.text == first.text and calls == []
    assert again.headers["etag"] == first.headers["etag"] and again.headers["content-type"].startswith("text/html")
    twin = client.get("/matrix.json?topic=no-fly-zone")
    assert (
        client.get("/matrix.json?topic=no-fly-zone").headers["content-type"] == "application/json"
        and twin.json()["topic"] == "no-fly-zone"
    )
    fragment = client.get("/matrix?topic=no-fly-zone", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and fragment.headers["HX-Push-Url"]  # fragments still go through the route


def test_a_cached_page_goes_out_gzipped_and_is_compressed_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    compressed: list[int] = []
    real = pagecache.gzip.compress
    monkeypatch.setattr(
        pagecache.gzip, "compress", lambda data, *a, **k: compressed.append(len(data)) or real(data, *a, **k)
    )
    gz = {"Accept-Encoding": "gzip, deflate"}
    for _ in range(2):  # kept from the second request
        plain = client.get("/matrix?topic=no-fly-zone", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and compressed == []
    for _ in range(2):  # the cached page's first gzipped answer, then its kept copy
        zipped = client.get("/matrix?topic=no-fly-zone", headers=gz)
        assert zipped.headers["content-encoding"] == "gzip" and zipped.text == plain.text
        assert zipped.headers["etag"] == plain.headers["etag"] and "Accept-Encoding" in zipped.headers["vary"]
        assert int(zipped.headers["content-length"]) < len(plain.content) // 3
    assert compressed == [len(plain.content)]
    # Rendered by its route and compressed, twice (kept the second time), then answered before the route.
    first, second, again = (client.get("/statements?country=PL", headers=gz) for _ in range(3))
    assert first.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
    assert (
        first.text
        == second.text
        == again.text
        == client.get("/statements?country=PL", headers={"Accept-Encoding": "identity"}).text
    )
    assert len(compressed) == 3
    fragment = client.get("/statements", headers={"Accept-Encoding": "gzip", "HX-Request": "true"})
    assert (
        fragment.headers["content-encoding"] == "gzip"
        and "<html" not in fragment.text
        and fragment.headers["HX-Push-Url"]
    )


def test_an_anonymous_revalidation_is_answered_before_routing(
    client: TestClient, seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import deps

    page = client.get("/matrix?topic=no-fly-zone")
    fragment = client.get("/matrix?topic=no-fly-zone", headers={"HX-Request": "true"})
    assert page.headers["etag"] != fragment.headers["etag"]

    routed: list[str] = []
    real = deps.PageView
    monkeypatch.setattr(
        deps,
        "PageView",
        lambda request, session, **options: routed.append(request.url.path) or real(request, session, **options),
    )
    again = client.get("/matrix?topic=no-fly-zone", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == page.headers["etag"] and again.headers["cache-control"] == "no-cache"
    assert again.headers["last-modified"] == page.headers["last-modified"]
    assert again.headers["x-content-type-options"] == "nosniff"  # the security headers still wrap it
    twin = client.get(
        "/matrix?topic=no-fly-zone", headers={"If-None-Match": fragment.headers["etag"], "HX-Request": "true"}
    )
    assert twin.status_code == 304 and routed == []
    # The fragment's ETag does not stand for the page: that goes to the route, which renders it.
    assert (
        client.get("/matrix?topic=no-fly-zone", headers={"If-None-Match": fragment.headers["etag"]}).status_code == 200
    )
    assert routed == ["/matrix"]
    with seeded_db.write() as session:
        add_statement(session, record(topic="no-fly-zone", quote="A new statement on the topic changes its ETag."))
    changed = client.get("/matrix?topic=no-fly-zone", headers={"If-None-Match": page.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != page.headers["etag"]


def test_a_signed_in_revalidation_and_a_wildcard_go_to_the_route(client: TestClient, seeded_db: Database) -> None:
    anonymous = client.get("/statements").headers["etag"]
    assert client.get("/nowhere", headers={"If-None-Match": "*"}).status_code == 404
    # Only a client that made an ETag up sends it for a URL that never gave it; it hears "unchanged".
    assert client.get("/nowhere", headers={"If-None-Match": anonymous}).status_code == 304
    make_user(seeded_db, "editor@example.org")
    sign_in(client, "editor@example.org")
    own = client.get("/statements")
    assert own.headers["etag"] != anonymous and "private" in own.headers["cache-control"]
    assert client.get("/statements", headers={"If-None-Match": anonymous}).status_code == 200
    assert client.get("/statements", headers={"If-None-Match": own.headers["etag"]}).status_code == 304


def _etags(client: TestClient, paths: list[str]) -> dict[str, str]:
    return {path: client.get(path).headers["etag"] for path in paths}


def _revalidated(client: TestClient, etags: dict[str, str]) -> dict[str, int]:
    return {path: client.get(path, headers={"If-None-Match": etag}).status_code for path, etag in etags.items()}


def _statement_of(client: TestClient, country: str, topic: str) -> tuple[int, int]:
    found = client.get("/statements.json", params={"country": country, "topic": topic}).json()["statements"][0]
    return found["id"], found["version"]


def test_a_save_makes_stale_only_the_pages_that_show_it(client: TestClient, seeded_db: Database) -> None:
    ukrainian, _ = _statement_of(client, "UA", "intercept-over-ukraine")
    polish, _ = _statement_of(client, "PL", "intercept-over-ukraine")
    untouched = [
        "/countries/DE",
        "/countries/DE.json",
        "/matrix?topic=no-fly-zone",
        "/matrix.json?topic=no-fly-zone",
        "/countries/UA",
        f"/statements/{ukrainian}",
        f"/statements/{polish}.json",  # another statement of the same country and topic
    ]
    touched = [
        "/countries/PL",
        "/countries/PL.json",
        "/",
        "/matrix?topic=intercept-over-ukraine",
        "/matrix/cell.json?country=PL&month=2024-10",
        "/statements",
        "/statements.json?country=DE",  # every listing: a new statement may belong to any of them
        "/actors/radoslaw-sikorski",
        "/methodology",  # a page with no scope moves with every save
    ]
    before = _etags(client, untouched + touched)
    assert _revalidated(client, before) == dict.fromkeys(before, 304)
    with seeded_db.write() as session:
        add_statement(session, record(country="PL", topic="intercept-over-ukraine"))
    assert _revalidated(client, {path: before[path] for path in untouched}) == dict.fromkeys(untouched, 304)
    assert _revalidated(client, {path: before[path] for path in touched}) == dict.fromkeys(touched, 200)
    after = _etags(client, touched)
    assert all(after[path] != before[path] for path in touched)
    # The Polish page shows the new statement: what the new ETag stands for.
    assert "A test quote that the seed data does not contain." in client.get("/countries/PL.json").text


def test_a_retraction_makes_stale_its_country_and_its_own_page_not_others(
    client: TestClient, seeded_db: Database
) -> None:
    ukrainian, version = _statement_of(client, "UA", "air-defence-supply")
    paths = ["/countries/UA", f"/statements/{ukrainian}", "/matrix?topic=air-defence-supply"]
    others = ["/countries/PL", "/countries/DE", "/matrix?topic=no-fly-zone", "/matrix"]
    etags = _etags(client, paths + others)
    with seeded_db.write() as session:
        writing.retract(
            session=session, statement_id=ukrainian, reason="Misattributed", expected_version=version, via="test"
        )
    assert _revalidated(client, etags) == dict.fromkeys(paths, 200) | dict.fromkeys(others, 304)
