"""CPU time per request: what each page costs the server's core, beside plaintext and F.

`python -m bench.cpu` (`make bench-cpu`) starts the benchmarked app under uvicorn on the server core,
as `make bench` does, drives each page with wrk from the other core, and reads the server's own CPU
time (user and system, every thread: /proc/<pid>/stat) around each run. CPU per request is steadier
than requests a second, which move with everything else the host does. The pages take turns, round
after round, each round starting one page further on, so a slow minute falls on all of them; the
median of the rounds is shown, with the spread.

F ≥ 0.5× plaintext and the fresh matrix ≥ 0.15× F together need the fresh matrix at 0.075× plaintext
or more, whatever F costs; the table says where it stands. `form-save` is the mixed load's POST alone,
each a new statement (bench/mixed.py makes the bodies and signs the editor in), beside what the mixed
load's target leaves each POST.

`--profile` adds one more run of each page with py-spy sampling the server (`bench/spy.py`): its stacks
are written beside the logs, and the app's busiest functions are listed under the table. That run is
not counted in the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench import mixed, spy, wrk
from bench.cold import PathCursor
from bench.config import BENCH_SECRET, QUICK_STATEMENTS, plan_from
from bench.config import parser as bench_parser
from bench.fixture import read_fixture
from bench.run import Bench, check_run, sqlite_database, sqlite_url, working_copy
from bench.servers import Server, app_server
from bench.targets import (
    BY_KEY,
    F_FLOOR,
    FORTUNES,
    FRESH_MATRIX_FLOOR,
    MIXED_READ_LOSS,
    MIXED_SAVES,
    PLAINTEXT,
    SQLITE,
    Target,
)
from bench.wrk import BenchError

FRESH_MATRIX = "matrix-fresh"
DEFAULT_KEYS = (PLAINTEXT, FORTUNES, FRESH_MATRIX, "matrix-repeated", "history", "statement")
# The mixed load's POST, measured alone (the mixed load itself is make bench's).
FORM_SAVE = Target(
    "form-save",
    "Form POST, saved (a new statement each)",
    lambda f: mixed.FORM_PATH,
    expect=303,
    growth=False,
    backends=(SQLITE,),
)
TARGETS = {key: target for key, target in BY_KEY.items() if target.server == "app"} | {FORM_SAVE.key: FORM_SAVE}
PAIR_FLOOR = F_FLOOR * FRESH_MATRIX_FLOOR  # the fresh matrix against plaintext that F's two targets need together
MIN_SAVED = 0.9  # the share of the form's POSTs that must save, or its figure is not a save's
MAX_SAVES = 1_000  # form bodies written per second of the form's runs: more than the form has saved (about 60)
POST_BUDGET_US = MIXED_READ_LOSS / MIXED_SAVES * 1e6  # the core's share one POST may take, save included


@dataclass(frozen=True, slots=True)
class Sample:
    requests: int
    cpu_seconds: float
    wall_seconds: float
    saved: int | None = None  # the form's runs: statements the POSTs added

    # `measure` keeps only runs with answers (check_run), so neither divides by zero.
    @property
    def cpu_us(self) -> float:
        return self.cpu_seconds / self.requests * 1e6

    @property
    def rps(self) -> float:
        return self.requests / self.wall_seconds


def measure(
    server: Server,
    target: Target,
    url: str,
    headers: dict[str, str],
    *,
    core: int,
    connections: int,
    seconds: int,
    poster: Poster | None = None,
    cursor: PathCursor | None = None,
) -> Sample:
    """One wrk run with the server's CPU time read around it; a run with no answer or a failed one stops it all.

    A cold page (`cursor` given) asks for the next paths of its list, each once, as `make bench` does.
    The form (`poster` given) is sent the editor's bodies as fast as the connections allow; a run in which
    fewer than MIN_SAVED of them saved a statement is refused.
    """
    if poster is None:
        script, env, saved_before = wrk.REPORT_SCRIPT, cursor.env() if cursor else None, 0
    else:
        script, env, saved_before = wrk.FORM_SCRIPT, poster.env(urlsplit(url).path), poster.saved()
    before = server.cpu_seconds()
    run = wrk.run(url, core=core, connections=connections, duration=seconds, headers=headers, script=script, env=env)
    used = server.cpu_seconds() - before
    if cursor is not None:
        cursor.advance(run.requests, connections)
    check_run(target, url, run, seconds)
    if poster is None:
        return Sample(run.requests, used, run.seconds)
    poster.next_body += run.requests + connections  # at most one more body per connection was in flight
    # Every 303 is sent after its commit; a POST answered without a save had its form shown again, as
    # a possible duplicate of a synthetic statement by the same person on the same topic and day.
    saved = poster.saved() - saved_before
    if saved < run.requests * MIN_SAVED:
        raise BenchError(
            f"{target.label}: {run.requests:,} POSTs answered but only {saved:,} statements saved at {url}: "
            "the form was shown again instead of saving (possible duplicates, or a field it refused)"
        )
    return Sample(run.requests, used, run.seconds, saved)


class Poster:
    """The signed-in editor's POSTs: the session's headers, and the form bodies, none sent twice."""

    def __init__(self, server: Server, database_url: str, work: Path, bodies: int) -> None:
        mixed.create_editor(database_url)
        session = mixed.login(server.base_url)
        today = datetime.now(UTC).date()
        self.path = work / "cpu-form-bodies.txt"
        mixed.write_bodies(self.path, mixed.pick_posters(database_url, today=today), session, bodies, today=today)
        self.count = bodies
        self.headers = session.headers
        self.database_url = database_url
        self.next_body = 0

    def env(self, path: str) -> dict[str, str]:
        if self.next_body >= self.count:
            raise BenchError(f"all {self.count:,} form bodies were sent; fewer rounds or seconds")
        return mixed.form_env(self.path, path=path, first_body=self.next_body, interval_ms=0)

    def saved(self) -> int:
        return mixed.saved_count(self.database_url)


def table(targets: list[Target], samples: dict[str, list[Sample]]) -> str:
    """The markdown table: CPU per request (median of the rounds, and their range), and the ratios."""
    median = {key: statistics.median(s.cpu_us for s in runs) for key, runs in samples.items()}
    lines = [
        "| Page | Key | req/s | CPU µs per request (median) | rounds | × plaintext | × F |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for target in targets:
        runs, cpu = samples[target.key], median[target.key]
        spread = f"{min(s.cpu_us for s in runs):,.0f}–{max(s.cpu_us for s in runs):,.0f}"
        ratios = [f"{median[base] / cpu:.3f}" if base in median else "" for base in (PLAINTEXT, FORTUNES)]
        rps = statistics.median(s.rps for s in runs)
        lines.append(f"| {target.label} | `{target.key}` | {rps:,.0f} | {cpu:,.0f} | {spread} | {' | '.join(ratios)} |")
    if FRESH_MATRIX in median and PLAINTEXT in median:
        pair = median[PLAINTEXT] / median[FRESH_MATRIX]
        lines += [
            "",
            f"Fresh matrix against plaintext: {pair:.3f}× (F's two targets together need {PAIR_FLOOR:.3f}× or more).",
        ]
    if FORM_SAVE.key in median:
        runs = samples[FORM_SAVE.key]
        answered, saved = sum(s.requests for s in runs), sum(s.saved or 0 for s in runs)
        lines += [
            "",
            f"{FORM_SAVE.label}: {MIXED_SAVES} a second take {MIXED_SAVES * median[FORM_SAVE.key] / 1e6:.0%} of the "
            f"core ({saved:,} statements saved by {answered:,} POSTs answered"
            + ("; the rest had their form shown again as possible duplicates)." if saved < answered else ")."),
            f"The mixed load's target (readers lose at most {MIXED_READ_LOSS:.0%} while {MIXED_SAVES} statements "
            f"a second are saved) leaves each POST {POST_BUDGET_US:,.0f} µs of the core, save included.",
        ]
    return "\n".join(lines)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__.splitlines()[0])
    p.add_argument(
        "keys",
        nargs="*",
        metavar="KEY",
        help=f"Pages to measure, by their key in bench/targets.py: {', '.join(sorted(TARGETS))} "
        f"(default: {' '.join(DEFAULT_KEYS)}).",
    )
    p.add_argument("--quick", action="store_true", help=f"{QUICK_STATEMENTS:,} statements (the test suite's mode).")
    p.add_argument(
        "--statements", type=int, help="Statements in the synthetic database (default 1,000,000; quick 10,000)."
    )
    p.add_argument("--rounds", type=int, default=5, help="Runs per page, taking turns; the median is shown.")
    p.add_argument("--seconds", type=int, default=3, help="Seconds per run.")
    p.add_argument("--connections", type=int, default=8, help="wrk connections.")
    p.add_argument("--cache-dir", type=Path, help="Where the synthetic databases are kept (default: make bench's).")
    p.add_argument(
        "--profile",
        action="store_true",
        help="After the rounds, run each page once more with py-spy sampling the server; list where its time went.",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    keys = list(dict.fromkeys(args.keys or DEFAULT_KEYS))
    unknown = [key for key in keys if key not in TARGETS]
    if unknown:
        raise SystemExit(f"unknown page {', '.join(unknown)}: choose from {', '.join(sorted(TARGETS))}")
    if args.rounds < 1 or args.seconds < 1:
        raise SystemExit("--rounds and --seconds must be at least 1")
    bench_args = ["--quick"] if args.quick else []
    if args.statements:
        bench_args += ["--statements", str(args.statements)]
    if args.cache_dir:
        bench_args += ["--cache-dir", str(args.cache_dir)]
    plan = plan_from(bench_parser().parse_args(bench_args))
    with contextlib.redirect_stdout(sys.stderr):  # the progress; the table alone goes to standard output
        path = working_copy(plan, sqlite_database(plan, plan.statements))
    url = sqlite_url(path)
    fixture = read_fixture(url, deep_rows=plan.deep_rows, secret=BENCH_SECRET, datasette_db=path.stem)
    targets = [TARGETS[key] for key in keys]
    bench = Bench(plan)
    if any(target.cold for target in targets):
        bench.prepare_cold(SQLITE, url, fixture)
    with app_server(url, core=plan.server_core, log=bench.logs / "cpu-uvicorn.log") as server:
        poster = None
        if FORM_SAVE in targets:
            # Room for the form's every run, at up to MAX_SAVES a second, warm-up included.
            runs = args.rounds + (1 if args.profile else 0)
            poster = Poster(server, url, bench.logs, MAX_SAVES * (runs * args.seconds + 1) + 100)
        ready: list[tuple[Target, str, dict[str, str], Poster | None]] = []
        for target in targets:
            if target is FORM_SAVE:
                assert poster is not None
                ready.append((target, server.base_url + target.path(fixture), poster.headers, poster))
            else:
                headers = bench.probe(server, target, fixture)
                ready.append((target, server.base_url + target.path(fixture), headers, None))

        def run(page: tuple[Target, str, dict[str, str], Poster | None], seconds: int) -> Sample:
            target, page_url, headers, posts = page
            return measure(
                server,
                target,
                page_url,
                headers,
                core=plan.load_core,
                connections=args.connections,
                seconds=seconds,
                poster=posts,
                cursor=bench.cold.get(target.key) if target.cold else None,
            )

        for page in ready:
            run(page, 1)  # warm-up
        samples: dict[str, list[Sample]] = {target.key: [] for target in targets}
        for round_ in range(args.rounds):
            for page in ready[round_ % len(ready) :] + ready[: round_ % len(ready)]:
                sample = run(page, args.seconds)
                samples[page[0].key].append(sample)
                print(
                    f"round {round_ + 1}/{args.rounds}: {page[0].key}: {sample.cpu_us:,.0f} µs a request",
                    file=sys.stderr,
                )
        profiles: dict[Target, Path] = {}
        if args.profile:
            for page in ready:
                stacks = bench.logs / f"cpu-profile-{page[0].key}.txt"
                with spy.record(server, stacks, seconds=args.seconds, core=plan.load_core):
                    run(page, args.seconds)
                profiles[page[0]] = stacks
                print(f"profiled {page[0].key}: {stacks}", file=sys.stderr)
    print(
        f"{plan.statements:,} statements (SQLite), server on core {plan.server_core}, wrk on core {plan.load_core}, "
        f"{args.connections} connections, {args.rounds} rounds of {args.seconds} s\n"
    )
    print(table(targets, samples))
    for target, stacks in profiles.items():
        print(f"\n{spy.summary(target.label, stacks)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench.cpu: {error}", file=sys.stderr)
        sys.exit(1)
