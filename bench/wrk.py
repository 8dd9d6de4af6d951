"""Running wrk, pinned to the load core, and reading its figures from bench/lua/report.lua's line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"
REPORT_SCRIPT = LUA / "report.lua"
FORM_SCRIPT = LUA / "form_post.lua"
MARKER = "IW_BENCH_RESULT "
TIMEOUT = "30s"  # a request slower than this counts as failed, and fails the run


class BenchError(RuntimeError):
    """The benchmark can't be trusted: a tool is missing, a server misbehaved, a request failed."""


@dataclass(frozen=True, slots=True)
class WrkRun:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def require_tools() -> None:
    """wrk and taskset must be installed; say how to get them if not."""
    missing = [tool for tool in ("wrk", "taskset") if shutil.which(tool) is None]
    if missing:
        raise BenchError(f"missing {', '.join(missing)}: install with `apt-get install wrk util-linux`")


def version() -> str:
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    first = (result.stdout or result.stderr).splitlines()[0] if (result.stdout or result.stderr) else "wrk"
    return first.split(" Copyright")[0].strip()


def start(
    url: str,
    *,
    core: int,
    connections: int,
    duration: int,
    headers: dict[str, str] | None = None,
    script: Path = REPORT_SCRIPT,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[str]:
    """Start one wrk run on one thread, pinned to `core`; `finish` waits for it and reads its figures."""
    argv = [
        "taskset",
        "-c",
        str(core),
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        TIMEOUT,
        "-s",
        str(script),
    ]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    environment = {**os.environ, "IW_BENCH_LUA_DIR": str(LUA), **(env or {})}
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)


def finish(process: subprocess.Popen[str], *, url: str, duration: int) -> WrkRun:
    """Wait for a wrk run; raises BenchError if wrk failed or printed no figures."""
    try:
        stdout, stderr = process.communicate(timeout=duration + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise BenchError(f"wrk did not finish on {url}") from None
    line = next((line for line in stdout.splitlines() if line.startswith(MARKER)), None)
    if process.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {url} (exit {process.returncode}): {stderr.strip() or stdout.strip()}")
    figures = json.loads(line[len(MARKER) :])
    return WrkRun(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        errors={
            name: figures[name]
            for name in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
        },
    )


def run(
    url: str,
    *,
    core: int,
    connections: int,
    duration: int,
    headers: dict[str, str] | None = None,
    script: Path = REPORT_SCRIPT,
    env: dict[str, str] | None = None,
) -> WrkRun:
    """One wrk run, waited for."""
    process = start(url, core=core, connections=connections, duration=duration, headers=headers, script=script, env=env)
    return finish(process, url=url, duration=duration)
