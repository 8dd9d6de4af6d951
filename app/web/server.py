"""How uvicorn serves the app: its options, from the settings, and a deadline for each request's head.

uvicorn closes a keep-alive connection left idle after an answer (`IW_KEEP_ALIVE_TIMEOUT`), but not
one that opens and never sends a request, nor one that sends its head a byte at a time: both hold
a socket for as long as the client likes (issue 24). `HeadDeadlineProtocol` gives each request
`IW_HEADER_TIMEOUT` seconds, from the moment the connection opens or goes idle, to send its whole
head, and closes the connection when it hasn't.

With several workers, each listens on the port through a socket of its own (`SharedPort`), so that
the kernel spreads new connections over them; see `serve`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from functools import partial
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from app.config import Settings


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request head is not in within the deadline."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.head_deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self.head_deadline = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _head_too_slow(self) -> None:
        self.head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # idle, waiting for the next request: its head has a deadline
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for serving the app with these settings (`intercept-watch serve`, the tests' live server)."""
    return {
        "http": partial(HeadDeadlineProtocol, header_timeout=settings.header_timeout),
        "timeout_keep_alive": settings.keep_alive_timeout,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_level": settings.log_level,
    }


class SharedPort(socket.socket):
    """A TCP socket on a port that every worker binds for itself (SO_REUSEPORT).

    uvicorn's supervisor binds one socket and hands it to its workers, which all wait on it: when
    connections arrive together, the worker that wakes first accepts every one of them, and keeps
    them (keep-alive) while the other sits idle. Eight connections opened at once all went to one
    of two workers in about one run in four, which then served at one worker's pace. A socket
    per worker, all with SO_REUSEPORT, lets the kernel deal new connections out among the workers.

    The supervisor passes its sockets to each worker by pickling them; this one unpickles, in the
    worker, as a new socket bound to the same address. The supervisor's own copy stays bound (the
    port stays taken while it runs) but never listens, so no connection waits on it.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        host, port = self.getsockname()[:2]
        return (bind_shared_port, (self.family, host, port))


def bind_shared_port(family: int, host: str, port: int) -> SharedPort:
    """A `SharedPort` bound to host and port (0: a free port, which the workers then share)."""
    sock = SharedPort(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def refuse_if_listened_on(family: int, host: str, port: int) -> None:
    """Raise OSError (address in use) when a socket listens on host and port, even one sharing it.

    A `SharedPort` binds beside any socket of the same user that has SO_REUSEPORT, such as another
    `serve --workers N`'s workers: without this look first, a second server on the same port would
    quietly take half its connections. A plain bind (SO_REUSEADDR alone, as uvicorn binds) is refused
    by any socket listening there, and not by connections left waiting to close.
    """
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


def serve(app: str, *, host: str, port: int, workers: int, settings: Settings, **overrides: Any) -> None:
    """Serve the app factory `app` (an import string) with uvicorn, in `workers` processes.

    One worker: uvicorn as it comes. Several: uvicorn's supervisor (it restarts a worker that dies),
    each worker on its own `SharedPort` where the system has SO_REUSEPORT, once no other socket listens
    on the port. `overrides` are uvicorn
    options over `uvicorn_options`'s.
    """
    options = {**uvicorn_options(settings), **overrides}
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(app, factory=True, host=host, port=port, workers=workers, **options)
        return
    config = uvicorn.Config(app, factory=True, host=host, port=port, workers=workers, **options)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        refuse_if_listened_on(family, host, port)
        held = bind_shared_port(family, host, port)
    except OSError as error:
        logging.getLogger("uvicorn.error").error("Can't listen on %s port %d: %s", host, port, error.strerror)
        sys.exit(STARTUP_FAILURE)
    try:
        Multiprocess(config, sockets=[held]).run()
    except KeyboardInterrupt:  # as uvicorn.run: the supervisor has stopped its workers
        pass
    finally:
        held.close()
