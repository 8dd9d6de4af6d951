"""The servers under load: the app under uvicorn, and Datasette, each pinned to the server core."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from app.config import normalise_database_url
from bench.config import BENCH_SECRET, ROOT
from bench.synthetic import repository as synthetic_repository
from bench.synthetic import service as synthetic_service
from bench.wrk import BenchError

STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A server process pinned with taskset; its log goes to a file, shown when it fails."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        *,
        core: int | str,
        port: int,
        ready_path: str,
        log: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.argv = ["taskset", "-c", str(core), *argv]
        self.port = port
        self.ready_path = ready_path
        self.log = log
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as output:
            # taskset execs the server, so this pid is the server's own (for its RSS).
            self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if httpx.get(self.base_url + self.ready_path, timeout=30).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise BenchError(f"{self.name} did not answer {self.ready_path} within {STARTUP_SECONDS}s:\n{self.tail()}")

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far, user and system, all its threads (/proc/<pid>/stat)."""
        assert self.process is not None
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def rss_bytes(self) -> int:
        """The server's resident memory now (VmRSS)."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise BenchError(f"no VmRSS for {self.name}")


def app_server(database_url: str, *, core: int | str, log: Path, workers: int = 1) -> Server:
    """bench/app.py (the real app plus F and plaintext) served as `intercept-watch serve` serves the app
    (bench/serve.py), one worker unless told, no access log.

    It serves synthetic databases only, and every page says so (IW_NOTICE, from the database's marker).
    """
    marker = synthetic_repository.inspect_target(normalise_database_url(database_url)).marker
    if marker is None:
        raise BenchError(f"{database_url} is not a synthetic database (no bench_synthetic marker): not served")
    port = free_port()
    argv = [sys.executable, "-m", "bench.serve", "--port", str(port), "--workers", str(workers)]
    env = {"DATABASE_URL": database_url, "IW_SECRET_KEY": BENCH_SECRET, "IW_NOTICE": synthetic_service.notice(marker)}
    return Server("uvicorn", argv, core=core, port=port, ready_path="/healthz", log=log, env=env)


def datasette_server(path: Path, *, core: int, log: Path) -> Server:
    """Datasette serving the same SQLite file read-only (immutable), with its default settings."""
    port = free_port()
    argv = [sys.executable, "-m", "datasette", "serve", "-i", str(path), "--host", "127.0.0.1", "--port", str(port)]
    return Server("datasette", argv, core=core, port=port, ready_path="/-/versions.json", log=log)
