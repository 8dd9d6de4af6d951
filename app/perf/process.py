"""What a worker process sets once it has started: the size of its thread pool and the collector's thresholds."""

from __future__ import annotations

import gc
import threading

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


def limit_threads(count: int) -> None:
    """Run sync routes and dependencies on `count` threads, not anyio's 40 (docs/performance.md, "Threads")."""
    to_thread.current_default_thread_limiter().total_tokens = count
