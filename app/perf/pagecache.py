"""The page cache: rendered bodies per URL and data version, kept from their second request, gzipped once."""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Response
from starlette.requests import HTTPConnection

VARY = "HX-Request, Cookie"
# Bodies this long or longer go out gzipped to clients that accept it (main.py's GZipMiddleware uses the same).
GZIP_MINIMUM_SIZE = 2048
GZIP_LEVEL = 5


@dataclass(frozen=True, slots=True)
class CachedBody:
    media_type: str
    body: bytes
    status: int = 200
    encoding: str | None = None  # "gzip" for the compressed copy kept beside a page

    def response(self, headers: dict[str, str]) -> Response:
        if self.encoding is not None:
            # GZipMiddleware passes a body that already has an encoding through untouched.
            headers = {**headers, "Content-Encoding": self.encoding, "Vary": f"{VARY}, Accept-Encoding"}
        return Response(self.body, status_code=self.status, media_type=self.media_type, headers=headers)


def accepts_gzip(request: HTTPConnection) -> bool:
    """GZipMiddleware's own test, so a page from the cache is encoded as a rendered one would be."""
    return "gzip" in request.headers.get("accept-encoding", "")


def encoded(request: HTTPConnection, cache: BodyCache, key: tuple[object, ...], found: CachedBody) -> CachedBody:
    """`found` as this request should get it: gzipped, once per key and kept beside it, when it accepts gzip.

    Every browser does. Compressing a 150 kB matrix page costs more than serving it from the cache, so
    a cached page without its compressed copy would be compressed again on every request.
    """
    if not _takes_gzip(request, found):
        return found
    return cache.get_or_render(
        (*key, "gzip"),
        lambda: CachedBody(found.media_type, gzip.compress(found.body, GZIP_LEVEL, mtime=0), found.status, "gzip"),
        keep_now=key in cache,  # the page is kept: so is its compressed copy, from its first request
    )


def encoded_if_kept(
    request: HTTPConnection, cache: BodyCache, key: tuple[object, ...], found: CachedBody
) -> CachedBody | None:
    """`found` as `encoded` would give it, if that copy is kept already; None when it would have to be made."""
    if not _takes_gzip(request, found):
        return found
    return cache.get((*key, "gzip"))


def _takes_gzip(request: HTTPConnection, found: CachedBody) -> bool:
    return len(found.body) >= GZIP_MINIMUM_SIZE and accepts_gzip(request)


@dataclass(slots=True)
class _Render:
    """A render under way: who waits for it, and what it made (None until done, and if it failed)."""

    done: threading.Event
    waiters: int = 0
    body: CachedBody | None = None


class BodyCache:
    """Rendered bodies by key (which includes the data version), least recently used evicted.

    Safe with several workers: a stale entry is never served, because the key carries the data
    version that each request reads from the database first.

    Kept from the second request (a doorkeeper, as TinyLFU caches have): a page asked for once is
    rendered and sent, and only its key's hash is remembered among the last `SEEN_LIMIT` such pages.
    Readers who combine filters, dates and words ask for most URLs once; keeping each of those would
    evict the pages many people read, and hold the cache's memory full of pages nobody asks for again.
    A page asked for again (at the same version), or by several readers at once, is kept.

    One render per key at a time: after a save every cached page is stale, and the readers who ask
    for the same page meanwhile wait for its first render and are handed its body instead of each
    rendering it again. If that render fails, each waiter renders its own.
    """

    # A waiter gives up on another thread's render after this long and renders the page itself.
    RENDER_WAIT_SECONDS = 30.0
    # Pages seen once, remembered by their key's hash (about 60 bytes each); forgotten all together
    # when full, so a page must come back within about this many other first-time pages to be kept.
    SEEN_LIMIT = 16_384

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[tuple[object, ...], CachedBody] = OrderedDict()
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self._rendering: dict[tuple[object, ...], _Render] = {}
        self._seen: set[int] = set()

    @property
    def enabled(self) -> bool:
        return self._max_bytes > 0

    def __contains__(self, key: tuple[object, ...]) -> bool:
        with self._lock:
            return key in self._items

    def get(self, key: tuple[object, ...]) -> CachedBody | None:
        if not self.enabled:
            return None
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def get_or_render(
        self, key: tuple[object, ...], render: Callable[[], CachedBody], *, keep_now: bool = False
    ) -> CachedBody:
        """The body kept for `key`, or `render()`'s, kept when the key was seen before (or `keep_now`)."""
        if not self.enabled:
            return render()
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
            underway = self._rendering.get(key)
            if underway is None:
                mine = self._rendering[key] = _Render(threading.Event())
            else:
                underway.waiters += 1
        if underway is not None:
            underway.done.wait(self.RENDER_WAIT_SECONDS)
            found = underway.body or self.get(key)
            if found is None:
                found = render()
                with self._lock:
                    self._keep(key, found, asked_again=True)
            return found
        try:
            body = mine.body = render()
        finally:
            with self._lock:
                self._rendering.pop(key)
                if mine.body is not None:
                    self._keep(key, mine.body, asked_again=keep_now or mine.waiters > 0)
            mine.done.set()
        return body

    def _keep(self, key: tuple[object, ...], found: CachedBody, *, asked_again: bool) -> None:
        """Keep `found` if it was asked for again and fits, evicting the least recently used. Under the lock."""
        if len(found.body) > self._max_bytes // 8:
            return  # too big to be worth a place
        if not asked_again and not self._seen_before(key):
            return
        if key not in self._items:
            self._items[key] = found
            self._bytes += len(found.body)
        while self._bytes > self._max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped.body)

    def _seen_before(self, key: tuple[object, ...]) -> bool:
        """Whether `key` was rendered once lately; if not, remember that it now was. Under the lock."""
        seen = hash(key)
        if seen in self._seen:
            self._seen.discard(seen)
            return True
        if len(self._seen) >= self.SEEN_LIMIT:
            self._seen.clear()
        self._seen.add(seen)
        return False
