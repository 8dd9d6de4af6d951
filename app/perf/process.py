"""What a process sets about itself: a worker's thread pool and collector thresholds, a bulk job's collector."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from anyio import to_thread

_settled = threading.Event()
# Container objects a request may leave alive before a young collection runs (CPython's default: 700).
YOUNG_COLLECTION_THRESHOLD = 20_000


def settle_long_lived_objects() -> None:
    """Once per process, after start-up: leave what lives as long as the process out of collections,
    and let requests' short-lived objects go by reference counting alone.

    Why, with the measurements: docs/performance.md ("Garbage collection").
    """
    if _settled.is_set():
        return
    _settled.set()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for a bulk job that keeps what it makes until it ends (an import), then
    back as it was: its full collections walked every object made so far, again and again.

    Why, with the measurements: docs/performance.md ("Garbage collection").
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def limit_threads(count: int) -> None:
    """Run sync routes and dependencies on `count` threads, not anyio's 40 (docs/performance.md, "Threads")."""
    to_thread.current_default_thread_limiter().total_tokens = count
