"""The process settings: a bulk job's pause of the cyclic collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.perf import process


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if was_enabled:  # as it was, whatever the test did: a collector left off would change every later test's heap
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_off_inside_and_back_on_after() -> None:
    with process.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_back_on_after_a_failure() -> None:
    with pytest.raises(RuntimeError), process.collector_paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    with process.collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
