"""py-spy on the benchmarked server: its stacks while a page is driven, and the app's busiest functions.

py-spy (pinned in the bench extra) samples every thread of the uvicorn process from outside, without
pausing it (`--nonblocking`), pinned to the load core so that sampling takes nothing from the server's.
It writes its raw format: one line per distinct stack, outermost frame first, frames joined by `;`,
then the number of samples. Any flame graph tool reads it (speedscope, inferno, flamegraph.pl).

`summary` lists the app's own functions by the share of the server's busy samples whose stack passes
through them: a function's time with everything it calls. Samples of a thread that is only waiting
(a worker parked on its queue, the event loop in its selector) are not busy and are left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.servers import Server
from bench.wrk import BenchError

RATE = 250  # samples a second
TOP = 15
APP_PREFIX = "app/"  # py-spy names files relative to the import path: the app's own are app/...
# A stack whose innermost frame is one of these is a thread waiting, not working.
IDLE_LEAVES = (
    "Condition.wait (threading.py",
    "Event.wait (threading.py",
    "Thread.join (threading.py",
    "EpollSelector.select (selectors.py",
    "SelectSelector.select (selectors.py",
)
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def executable() -> str:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if found is None:
        raise BenchError("--profile needs py-spy: `make install-test` installs it (the bench extra)")
    return found


@contextmanager
def record(server: Server, stacks: Path, *, seconds: int, core: int) -> Iterator[None]:
    """Sample `server` for `seconds` while the block drives it; the raw stacks go to `stacks`."""
    assert server.process is not None, "the server is not running"
    argv = [
        "taskset",
        "-c",
        str(core),
        executable(),
        "record",
        "--pid",
        str(server.process.pid),
        "--duration",
        str(seconds),
        "--rate",
        str(RATE),
        "--nonblocking",
        "--format",
        "raw",
        "-o",
        str(stacks),
    ]
    stacks.unlink(missing_ok=True)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield
    finally:
        try:
            _, errors = process.communicate(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise BenchError(f"py-spy did not finish sampling {server.name}") from None
    if process.returncode != 0 or not stacks.exists():
        raise BenchError(f"py-spy failed on {server.name} (exit {process.returncode}): {errors.strip()}")


def hot_functions(lines: Iterable[str], *, top: int = TOP) -> tuple[int, list[tuple[float, str, str]]]:
    """The busy samples, and the app's `top` functions by the share of them that pass through each:
    (share, function, file), the busiest first."""
    busy = 0
    through: Counter[tuple[str, str]] = Counter()
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if frames[-1].startswith(IDLE_LEAVES):
            continue
        samples = int(count)
        busy += samples
        seen = set()
        for frame in frames:
            match = _FRAME.match(frame)
            if match and match["file"].startswith(APP_PREFIX):
                seen.add((match["function"], match["file"]))
        for function in seen:  # once per sample, however deep the recursion
            through[function] += samples
    if not busy:
        return 0, []
    return busy, [(samples / busy, function, file) for (function, file), samples in through.most_common(top)]


def summary(label: str, stacks: Path, *, top: int = TOP) -> str:
    """A markdown table of where the server's busy time went while `label` was driven."""
    with stacks.open(encoding="utf-8") as lines:
        busy, hot = hot_functions(lines, top=top)
    if not busy:
        return f"{label}: py-spy recorded no busy sample ({stacks})."
    rows = [f"| {share:.0%} | `{function}` | {file} |" for share, function, file in hot]
    heading = (
        f"Where the server's time went during {label} (py-spy, {busy:,} busy samples at {RATE} a second; "
        f"each of the app's functions with all it calls; stacks in {stacks}):"
    )
    return "\n".join(
        [
            heading,
            "",
            "| Share | Function | File |",
            "|---:|---|---|",
            *rows,
        ]
    )
