"""Small values every page needs, read once per data version and shared by the worker's threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session

# session.info key: the data version this session's transaction read (set by system.repository.data_stamp).
STAMPED_VERSION = "iw_data_version"
# session.info key: the page's scope and its version, when the stamp read was a scope's (app/system/scopes.py).
SCOPED_VERSION = "iw_scoped_version"
T = TypeVar("T")
_per_version: WeakKeyDictionary[Any, dict[str, tuple[int, Any]]] = WeakKeyDictionary()  # by engine
_per_page: WeakKeyDictionary[Any, dict[str, tuple[tuple[str, int], Any]]] = WeakKeyDictionary()  # by engine
_per_version_lock = threading.Lock()


def per_data_version(session: Session, name: str, load: Callable[[], T]) -> T:
    """What `load` reads, kept until the data version moves: for the small values every page needs.

    Every write that changes what pages show bumps the data version first (the page cache and
    ETags rest on the same rule), so a value read in a transaction that saw version v stays true
    while the version is v. A session whose data stamp was not read (or was released since)
    always loads. Values are kept per engine and shared by threads, so they must be immutable.
    """
    version = session.info.get(STAMPED_VERSION)
    if version is None:
        return load()
    engine = session.get_bind()
    with _per_version_lock:
        kept = _per_version.setdefault(engine, {})
        found = kept.get(name)
    if found is not None and found[0] == version:
        return found[1]  # type: ignore[no-any-return]
    value = load()
    with _per_version_lock:
        newest = kept.get(name)
        if newest is None or newest[0] <= version:  # never put back an older version's value
            kept[name] = (version, value)
    return value


def per_page_version(session: Session, name: str, load: Callable[[], T]) -> T:
    """What `load` reads, kept while the page's own version (its scope's) stays the same.

    For values that only writes touching the page's scope change (a country's speakers on its own
    page): a save elsewhere leaves them kept. Keyed by the scope as well, so a value read under one
    scope is never taken for another's; a page with no scope keys it by the data version instead.
    """
    scoped = session.info.get(SCOPED_VERSION)
    if scoped is None:
        return per_data_version(session, name, load)
    engine = session.get_bind()
    with _per_version_lock:
        kept = _per_page.setdefault(engine, {})
        found = kept.get(name)
    if found is not None and found[0] == scoped:
        return found[1]  # type: ignore[no-any-return]
    value = load()
    with _per_version_lock:
        newest = kept.get(name)
        if newest is None or newest[0][0] != scoped[0] or newest[0][1] <= scoped[1]:
            kept[name] = (scoped, value)
    return value
