"""The benchmark's server: bench.app's factory, served the way `intercept-watch serve` serves the app
(app.web.server.serve: its uvicorn options, and with several workers a socket each), with no access log
and uvicorn's own HTTP protocol.

The app's protocol (`HeadDeadlineProtocol`, a deadline for each request's head) arms a timer on every
request: it made bare FastAPI's plaintext, the yardstick, 15–22% slower, so the yardstick would no
longer be the stack's own floor. Every figure is measured without it, as before it existed.

    python -m bench.serve --port 8000 [--workers 2]
"""

from __future__ import annotations

import argparse

from app.config import Settings
from app.web.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="Port to listen on (127.0.0.1).")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    args = parser.parse_args(argv)
    serve(
        "bench.app:create_bench_server",
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        settings=Settings(),
        log_level="warning",
        access_log=False,
        http="httptools",
    )


if __name__ == "__main__":
    main()
