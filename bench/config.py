"""What a benchmark run does: sizes, durations, concurrency, cores and where things go.

Every figure here can be changed on the command line (`python -m bench.run --help`), and through
`make bench BENCH_ARGS="..."`. The defaults keep the full run at 1,000,000 statements under 15
minutes on a 2-core machine once its synthetic databases are cached.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
FULL_STATEMENTS = 1_000_000
QUICK_STATEMENTS = 10_000
DEEP_ROWS = 500_000
FULL_IMPORT = 20_000  # statements imported into a copy of the database
QUICK_IMPORT = 1_000
BENCH_SECRET = "bench-secret-" + "0" * 40  # IW_SECRET_KEY for the benchmarked servers: page tokens are computable
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True, slots=True)
class Plan:
    quick: bool
    statements: int
    baseline_statements: int | None  # a second, smaller size for the growth check (full mode)
    seed: int
    warmup: int  # seconds of load before a target's first measured run
    duration: int  # seconds per measured run
    p99_duration: int  # seconds per side-by-side latency run of the pages whose p99s a target compares
    max_duration: int  # the longest a run may get for a page too slow to answer enough requests in `duration`
    repeats: int  # measured runs per figure; the report shows the median
    throughput_connections: int
    latency_connections: int
    server_core: int
    load_core: int
    postgres_url: str | None  # a server URL naming a maintenance database; None skips PostgreSQL
    postgres_db: str
    datasette: bool
    mixed: bool
    mixed_rate: int  # form POSTs per second the writer aims for
    mixed_connections: int
    cache_dir: Path
    output_dir: Path
    cold_urls: int = 20_000  # distinct paths per cold page (bench/cold.py)
    editor_rate: int = 20  # saves a second in the second mixed load, an editors' pace; 0 skips it
    workers: bool = True  # measure the cold pages again with two workers on both cores
    import_statements: int = 20_000  # new statements `intercept-watch import` adds to a copy; 0 skips it

    @property
    def deep_rows(self) -> int:
        """How deep the deep page is: 500,000 rows, or half the data when there is less."""
        return min(DEEP_ROWS, self.statements // 2)

    @property
    def mode(self) -> str:
        return "quick" if self.quick else "full"


def _cores() -> tuple[int, int]:
    cores = sorted(os.sched_getaffinity(0))
    return (cores[0], cores[1]) if len(cores) > 1 else (cores[0], cores[0])


def parser() -> argparse.ArgumentParser:
    server_core, load_core = _cores()
    p = argparse.ArgumentParser(
        prog="python -m bench.run", description="Benchmark Intercept Watch (see bench/README.md)."
    )
    p.add_argument(
        "--quick", action="store_true", help=f"{QUICK_STATEMENTS:,} statements, short runs (the test suite's mode)."
    )
    p.add_argument(
        "--statements",
        type=int,
        help=f"Statements in the synthetic database (default {FULL_STATEMENTS:,}; quick {QUICK_STATEMENTS:,}).",
    )
    p.add_argument(
        "--baseline-statements",
        type=int,
        help="Smaller size for the growth check (default 10,000 in full mode, none in quick mode; 0 skips).",
    )
    p.add_argument("--seed", type=int, default=1, help="Synthetic data seed.")
    p.add_argument("--warmup", type=int, help="Seconds of warm-up per target (default 1).")
    p.add_argument("--duration", type=int, help="Seconds per measured run (default 3; quick 1).")
    p.add_argument(
        "--p99-duration",
        type=int,
        help="Seconds per latency run of the two pages whose p99s a target compares, side by side "
        "(default 20; quick: --duration).",
    )
    p.add_argument(
        "--max-duration",
        type=int,
        help="Longest run for a slow page, e.g. Datasette at 1,000,000 statements (default 20; quick 5).",
    )
    p.add_argument(
        "--repeats", type=int, default=3, help="Measured runs per figure; the median is reported (at least 3)."
    )
    p.add_argument("--connections", type=int, default=8, help="wrk connections for throughput runs.")
    p.add_argument(
        "--latency-connections", type=int, default=2, help="wrk connections for latency runs (fixed and low)."
    )
    p.add_argument("--server-core", type=int, default=server_core, help="CPU core for the servers (taskset).")
    p.add_argument("--load-core", type=int, default=load_core, help="CPU core for wrk (taskset).")
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("IW_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="A PostgreSQL server (any database on it, used to create the benchmark's own).",
    )
    p.add_argument(
        "--postgres-db", help="The benchmark's PostgreSQL database (default iw_bench_<statements>); never 'test'."
    )
    p.add_argument("--no-postgres", action="store_true", help="Skip the PostgreSQL runs.")
    p.add_argument("--no-datasette", action="store_true", help="Skip Datasette.")
    p.add_argument("--no-mixed", action="store_true", help="Skip the mixed read/write load.")
    p.add_argument("--mixed-rate", type=int, default=300, help="Form POSTs per second in the mixed load.")
    p.add_argument(
        "--editor-rate",
        type=int,
        default=20,
        help="Saves a second in the second mixed load, read from cold pages (0 skips it).",
    )
    p.add_argument(
        "--cold-urls", type=int, default=20_000, help="Distinct URLs per cold page, each asked for about once."
    )
    p.add_argument("--no-workers", action="store_true", help="Skip the two-workers run.")
    p.add_argument(
        "--import-statements",
        type=int,
        help=f"New statements imported into a copy of the database (default {FULL_IMPORT:,}; quick "
        f"{QUICK_IMPORT:,}; 0 skips the import).",
    )
    p.add_argument(
        "--mixed-connections",
        type=int,
        default=16,
        help="wrk connections posting the form: the most POSTs in flight at once (the rate is kept by a schedule).",
    )
    p.add_argument(
        "--cache-dir", type=Path, default=BENCH / ".cache", help="Where synthetic databases are kept between runs."
    )
    p.add_argument("--output-dir", type=Path, default=BENCH / "results", help="Where the report goes.")
    return p


def plan_from(args: argparse.Namespace) -> Plan:
    quick = bool(args.quick)
    statements = args.statements or (QUICK_STATEMENTS if quick else FULL_STATEMENTS)
    if args.baseline_statements is None:
        baseline = None if quick or statements <= QUICK_STATEMENTS else QUICK_STATEMENTS
    else:
        baseline = args.baseline_statements or None
    if args.repeats < 3:
        raise SystemExit("--repeats must be at least 3: every figure is the median of three or more runs")
    postgres_db = args.postgres_db or f"iw_bench_{statements}"
    if postgres_db == "test":
        raise SystemExit("--postgres-db may not be 'test': that database belongs to the test suite")
    return Plan(
        quick=quick,
        statements=statements,
        baseline_statements=baseline,
        seed=args.seed,
        warmup=args.warmup if args.warmup is not None else 1,
        duration=args.duration or (1 if quick else 3),
        p99_duration=max(
            args.p99_duration or (args.duration or 1 if quick else 20), args.duration or (1 if quick else 3)
        ),
        max_duration=max(args.max_duration or (5 if quick else 20), args.duration or (1 if quick else 3)),
        repeats=args.repeats,
        throughput_connections=args.connections,
        latency_connections=args.latency_connections,
        server_core=args.server_core,
        load_core=args.load_core,
        postgres_url=None if args.no_postgres else args.postgres_url,
        postgres_db=postgres_db,
        datasette=not args.no_datasette,
        mixed=not args.no_mixed,
        mixed_rate=args.mixed_rate,
        mixed_connections=args.mixed_connections,
        cache_dir=args.cache_dir.resolve(),
        output_dir=args.output_dir.resolve(),
        cold_urls=args.cold_urls,
        editor_rate=args.editor_rate,
        workers=not args.no_workers,
        import_statements=(QUICK_IMPORT if quick else FULL_IMPORT)
        if args.import_statements is None
        else args.import_statements,
    )
