"""Connections that send nothing, send their headers too slowly, or sit idle after an answer are closed."""

from __future__ import annotations

import errno
import pickle
import socket
import statistics
import time
from collections.abc import Iterator

import httpx
import pytest

from app.config import Settings
from app.web.server import bind_shared_port, refuse_if_listened_on, uvicorn_options
from tests.conftest import settings_for
from tests.support import LiveServer

HEAD = b"GET /methodology.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def _read_until_closed(connection: socket.socket, limit: float) -> tuple[float | None, bytes]:
    """Seconds until the server closes the connection (None if still open after `limit`), and what it sent."""
    started = time.monotonic()
    connection.settimeout(limit)
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except TimeoutError:
        return None, received
    except ConnectionResetError:
        pass
    return time.monotonic() - started, received


def _closed_after(connection: socket.socket, limit: float) -> float | None:
    return _read_until_closed(connection, limit)[0]


@pytest.fixture
def quick(seeded_url: str) -> Iterator[LiveServer]:
    """A live server that gives a request's head 1 second and keeps an idle connection 1 second."""
    settings = settings_for(seeded_url).model_copy(update={"header_timeout": 1, "keep_alive_timeout": 1})
    with LiveServer(settings) as server:
        yield server


def test_the_timeouts_are_settings_passed_to_uvicorn() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.keep_alive_timeout, settings.header_timeout) == (5, 10)
    options = uvicorn_options(settings.model_copy(update={"keep_alive_timeout": 7, "header_timeout": 3}))
    assert options["timeout_keep_alive"] == 7 and options["http"].keywords == {"header_timeout": 3}


def test_a_connection_that_sends_nothing_is_closed(quick: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", quick.port)) as connection:
        seconds = _closed_after(connection, 5)
    assert seconds is not None and 0.8 < seconds < 3, seconds


def test_headers_sent_a_byte_at_a_time_are_cut_off(quick: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", quick.port)) as connection:
        started = time.monotonic()
        connection.sendall(HEAD)
        try:
            for _ in range(20):  # 6 seconds of "X-Slow: aaaa…", never finished
                connection.sendall(b"X-Slow: a" if _ == 0 else b"a")
                time.sleep(0.3)
        except OSError:
            pass  # closed by the server
        seconds = _closed_after(connection, 5)
        assert seconds is not None
        assert time.monotonic() - started < 3


def test_an_idle_keep_alive_connection_is_closed_and_a_busy_one_is_not(quick: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", quick.port)) as connection:
        connection.sendall(HEAD + b"\r\n")
        time.sleep(0.7)
        connection.sendall(HEAD + b"\r\n")  # a second request before the first idle second ran out
        seconds, received = _read_until_closed(connection, 5)
    assert seconds is not None and seconds < 3
    assert received.count(b"HTTP/1.1 200 ") == 2  # both answered, the second after the first idle second began


def test_500_idle_sockets_do_not_stop_a_normal_request(seeded_url: str) -> None:
    settings = settings_for(seeded_url).model_copy(update={"header_timeout": 3})
    with LiveServer(settings) as server:
        idle = []
        try:
            for number in range(500):
                connection = socket.create_connection(("127.0.0.1", server.port))
                if number % 2:
                    connection.sendall(HEAD)  # half of them start a request and never finish its head
                idle.append(connection)
            with httpx.Client(base_url=server.url) as client:
                client.get("/methodology.json")  # the client's own connection, opened once

                def timed() -> float:
                    started = time.perf_counter()
                    assert client.get("/methodology.json").status_code == 200
                    return time.perf_counter() - started

                timings = [timed() for _ in range(5)]
            print(f"a request beside 500 idle sockets: {', '.join(f'{t * 1000:.1f}' for t in timings)} ms")
            assert statistics.median(timings) < 0.1
            closed = [_closed_after(connection, 6) for connection in idle]
            assert all(seconds is not None for seconds in closed)  # every one of them closed by the deadline
        finally:
            for connection in idle:
                connection.close()


def test_a_shared_port_unpickles_as_a_socket_of_its_own_on_the_same_port() -> None:
    # How a worker gets its socket: uvicorn's supervisor pickles its sockets to each worker process.
    held = bind_shared_port(socket.AF_INET, "127.0.0.1", 0)
    try:
        port = held.getsockname()[1]
        own = pickle.loads(pickle.dumps(held))
        try:
            assert own.fileno() != held.fileno()
            assert own.getsockname() == ("127.0.0.1", port)
            assert own.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            own.listen()
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                accepted, _ = own.accept()  # the supervisor's copy never listens: connections reach the workers'
                accepted.close()
        finally:
            own.close()
    finally:
        held.close()


def test_a_port_another_program_listens_on_is_refused() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(OSError):
            bind_shared_port(socket.AF_INET, "127.0.0.1", port)
        with pytest.raises(OSError):
            refuse_if_listened_on(socket.AF_INET, "127.0.0.1", port)


def test_a_port_another_servers_workers_share_is_refused_before_binding_beside_them() -> None:
    worker = bind_shared_port(socket.AF_INET, "127.0.0.1", 0)  # another `serve --workers N`'s worker
    try:
        worker.listen()
        port = worker.getsockname()[1]
        beside = bind_shared_port(socket.AF_INET, "127.0.0.1", port)  # SO_REUSEPORT alone lets it in
        beside.close()
        with pytest.raises(OSError) as refused:
            refuse_if_listened_on(socket.AF_INET, "127.0.0.1", port)
        assert refused.value.errno == errno.EADDRINUSE
    finally:
        worker.close()
    refuse_if_listened_on(socket.AF_INET, "127.0.0.1", port)  # nobody listens now: free to take
