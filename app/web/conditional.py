"""Conditional GETs: ETag and Last-Modified from the data version, 304 on a match, and a body cache.

Every write that changes statements bumps app_state.data_version (see system/repository.py), so a
page's ETag changes exactly when its data may have. The ETag also carries the rule version, a
token of the deployed code and templates, whether the response is an HTMX fragment, and who is
signed in (their pages differ), so no two different bodies ever share one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime

from fastapi import Request

from app.stances import scoring
from app.system.repository import DataStamp
from app.web.htmx import is_htmx

VARY = "HX-Request, Cookie"


class NotModified(Exception):
    """Raised once If-None-Match matches; answered as 304 with these headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


@dataclass(frozen=True, slots=True)
class CachedBody:
    media_type: str
    body: bytes
    status: int = 200


class CachedPage(Exception):
    """Raised when this URL's page is already rendered at this data version; answered with it as is."""

    def __init__(self, cached: CachedBody, headers: dict[str, str]) -> None:
        self.cached = cached
        self.headers = headers


def make_etag(request: Request, stamp: DataStamp, build: str) -> str:
    viewer = getattr(request.state, "viewer_key", None) or "anon"
    variant = "h" if is_htmx(request) else "p"
    return f'W/"{stamp.version}.{scoring.RULE_VERSION}.{build}.{variant}.{viewer}"'


def cache_headers(etag: str, stamp: DataStamp, *, private: bool) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(stamp.changed_at, usegmt=True),
        "Cache-Control": ("private, " if private else "") + "no-cache",
        "Vary": VARY,
    }


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110's weak comparison of If-None-Match against our ETag."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == ours for candidate in if_none_match.split(","))


class BodyCache:
    """Rendered bodies by key (which includes the data version), least recently used evicted.

    Safe with several workers: a stale entry is never served, because the key carries the data
    version that each request reads from the database first.
    """

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[tuple[object, ...], CachedBody] = OrderedDict()
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._max_bytes > 0

    def get(self, key: tuple[object, ...]) -> CachedBody | None:
        if not self.enabled:
            return None
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def get_or_render(self, key: tuple[object, ...], render: Callable[[], CachedBody]) -> CachedBody:
        found = self.get(key)
        if found is not None:
            return found
        found = render()
        if not self.enabled or len(found.body) > self._max_bytes // 8:
            return found  # no cache, or too big to be worth a place
        with self._lock:
            if key not in self._items:
                self._items[key] = found
                self._bytes += len(found.body)
            while self._bytes > self._max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)
        return found
