"""`make bench` (`python -m bench.run [--quick]`): every figure in the report, from one command.

The run: a synthetic SQLite database (cached between runs) and a working copy of it; the app under
uvicorn on the server core; wrk on the load core against every target (each checked to answer as
expected first), and in full mode a 10,000-statement database beside it for the growth check, each
of its pages taking turns with the same page at full size; Datasette on the same file; the mixed
load; the same pages on PostgreSQL; then the markdown report.
"""

from __future__ import annotations

import math
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.config import normalise_database_url
from app.system import migrations
from bench import cold as cold_paths
from bench import importing, mixed, wrk
from bench.app import FRESH_HEADER
from bench.config import BENCH_SECRET, Plan, parser, plan_from
from bench.fixture import Fixture, read_fixture
from bench.machine import describe
from bench.report import RunRecord, render
from bench.servers import Server, app_server, datasette_server
from bench.synthetic import repository as synthetic_repository
from bench.synthetic import service as synthetic_service
from bench.synthetic.generator import GENERATOR_VERSION
from bench.targets import BY_KEY, COLD, PAGES, POSTGRESQL, SQLITE, TURNS_NOTE, Figures, Target
from bench.wrk import BenchError

MIN_REQUESTS = 8  # a run should complete at least this many requests; slower pages get longer runs
TURN_SLICES = 3  # a pair of runs taken by turns (growth, the two yardsticks): this many slices each, whole seconds


class Unavailable(Exception):
    """A part of the run that can't happen here (no PostgreSQL server, no login yet); the report says why."""


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


@contextmanager
def _announce(label: str, total: int | None) -> Iterator[Callable[[int], object]]:
    started = time.monotonic()
    say(f"{label}{f' ({total:,})' if total else ''}...")
    yield lambda n: None
    say(f"{label}: done in {time.monotonic() - started:.0f}s")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _is_cached(database_url: str, plan: Plan, statements: int) -> bool:
    """Whether the database's marker says it was made at this size and seed by this generator, untouched since."""
    try:
        state = synthetic_repository.inspect_target(database_url)
    except ConnectionError:
        return False
    made = state.marker
    return (
        made is not None
        and (made.statements, made.seed, made.generator_version) == (statements, plan.seed, GENERATOR_VERSION)
        and state.statements == statements
    )


def ensure_synthetic(database_url: str, plan: Plan, statements: int) -> None:
    """Build the synthetic database unless it already holds exactly this size and seed."""
    if _is_cached(database_url, plan, statements):
        say(f"reusing the synthetic database at {make_url(database_url).render_as_string(hide_password=True)}")
        migrations.upgrade(database_url)  # a cache made before a new migration gets it, as production would
        return
    synthetic_service.generate(
        database_url=database_url, statements=statements, seed=plan.seed, replace=True, track=_announce
    )


def sqlite_database(plan: Plan, statements: int) -> Path:
    """The cached synthetic SQLite file for a size, built if needed."""
    path = plan.cache_dir / f"synthetic-{statements}-seed{plan.seed}-v{GENERATOR_VERSION}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    ensure_synthetic(sqlite_url(path), plan, statements)
    return path


def working_copy(plan: Plan, source: Path, *, prefix: str = "") -> Path:
    """A copy of the cached file for this run, so the mixed load's writes never touch the cache."""
    engine = create_engine(sqlite_url(source))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    target = plan.cache_dir / "run" / f"{prefix}{source.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    synthetic_repository.remove_sqlite_file(sqlite_url(target))
    shutil.copyfile(source, target)
    return target


def postgres_database(plan: Plan) -> str:
    """The benchmark's own PostgreSQL database, created and filled if needed (never 'test')."""
    assert plan.postgres_url is not None
    server = make_url(normalise_database_url(plan.postgres_url))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": plan.postgres_db}
            ).first()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{plan.postgres_db}"')
    except OperationalError as error:
        raise Unavailable(
            f"PostgreSQL at {server.render_as_string(hide_password=True)} can't be reached: {error.orig}"
        ) from None
    finally:
        admin.dispose()
    url = server.set(database=plan.postgres_db).render_as_string(hide_password=False)
    ensure_synthetic(url, plan, plan.statements)
    return url


class Bench:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.logs = plan.cache_dir / "run" / "logs"
        self.cold: dict[str, cold_paths.PathCursor] = {}  # cold page key -> its paths, on the backend being run

    def prepare_cold(self, backend: str, database_url: str, fixture: Fixture) -> None:
        """Each cold page's paths for this backend's database, written beside the logs.

        A path a cached page asks for again and again is left out: the body cache holds it, so a cold
        run that reached it would be answered from the cache (the statement page's one id, in a quick
        run's 10,000 statements, is among the cold ids more often than not).
        """
        plan = self.plan
        material = cold_paths.read_material(database_url, size=plan.cold_urls, seed=plan.seed)
        cached = {target.path(fixture) for target in PAGES if not target.cold and target.server == "app"}
        self.cold = {}
        for target in PAGES:
            if target.cold and backend in target.backends:
                paths = cold_paths.paths_for(target.cold, material, size=plan.cold_urls, seed=plan.seed)
                paths = [path for path in paths if path not in cached]
                if not paths:
                    raise BenchError(f"{target.label}: the database gives no path to ask for")
                self.cold[target.key] = cold_paths.write_paths(self.logs.parent / f"cold-{backend}", target.key, paths)

    def path_of(self, target: Target, fixture: Fixture) -> str:
        """The path a target asks for (a cold page: the first of its paths, which its probe asks for)."""
        if target.cold:
            return self.cold[target.key].file.read_text(encoding="utf-8").split("\n", 1)[0]
        return target.path(fixture)

    def _wrk(self, target: Target, url: str, *, connections: int, duration: int, headers: dict[str, str]) -> wrk.WrkRun:
        """One wrk run of a target; a cold page's goes on through its paths where the last one stopped."""
        cursor = self.cold.get(target.key) if target.cold else None
        env = cursor.env() if cursor is not None else None
        run = wrk.run(
            url, core=self.plan.load_core, connections=connections, duration=duration, headers=headers, env=env
        )
        if cursor is not None:
            cursor.advance(run.requests, connections)
        return run

    # Probing and measuring ---------------------------------------------------------------

    def probe(self, server: Server, target: Target, fixture: Fixture) -> dict[str, str]:
        """Check a target answers as expected before it is measured; the headers its runs send."""
        path = self.path_of(target, fixture)
        headers: dict[str, str] = {}
        if target.fresh:
            headers[FRESH_HEADER] = "1"
        if target.gzip:
            headers["Accept-Encoding"] = "gzip"
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            if target.conditional:
                first = client.get(path)
                if first.status_code == 200 and "etag" not in first.headers:
                    raise BenchError(f"{target.label}: {path} answered without an ETag, so it can't answer 304")
                if first.status_code == 200:
                    headers["If-None-Match"] = first.headers["etag"]
            response = client.get(path, headers=headers)
        if target.gzip and response.status_code == 200 and response.headers.get("content-encoding") != "gzip":
            raise BenchError(
                f"{target.label}: {path} answered without Content-Encoding: gzip to a client that accepts it"
            )
        if response.status_code != target.expect:
            raise BenchError(
                f"{target.label}: GET {path} answered {response.status_code}, expected {target.expect}: "
                f"{response.text[:300]}"
            )
        return headers

    def _body_cache(self, server: Server) -> dict[str, int]:
        """The body cache's counts since the server started (runs take differences)."""
        return dict(httpx.get(server.base_url + "/_bench/body-cache", timeout=30).json())

    def _run(
        self,
        server: Server,
        target: Target,
        url: str,
        headers: dict[str, str],
        connections: int,
        counts: dict[str, int] | None,
        duration: int,
    ) -> wrk.WrkRun:
        before = self._body_cache(server) if counts is not None else {}
        run = self._wrk(target, url, connections=connections, duration=duration, headers=headers)
        if run.requests == 0 and duration < self.plan.max_duration:
            run = self._wrk(target, url, connections=connections, duration=self.plan.max_duration, headers=headers)
        check_run(target, url, run, self.plan.max_duration)
        if counts is not None:
            for name, value in self._body_cache(server).items():
                counts[name] = counts.get(name, 0) + value - before.get(name, 0)
            counts["requests"] = counts.get("requests", 0) + run.requests
            counts["runs"] = counts.get("runs", 0) + 1
            if (target.fresh or target.cold) and counts.get("hits"):
                raise BenchError(f"{target.label}: {counts['hits']} requests were served from the body cache")
        return run

    def measure(
        self,
        record: RunRecord,
        backend: str,
        server: Server,
        fixture: Fixture,
        kind: str,
        *,
        latency: bool = True,
        only: set[str] | None = None,
        baseline: Baseline | None = None,
    ) -> dict[str, Figures]:
        """Every target this server serves: probe, warm up, then the repeats, interleaved; medians kept.

        A page with `turns_with` (F, with plaintext) makes its throughput runs by turns with that page's,
        as a growth page's are with its run on the baseline, so the ratio of the two meets the same seconds.
        With a baseline, each growth page's throughput run is paired with a run of the same page there.
        """
        plan = self.plan
        targets = [t for t in PAGES if t.server == kind and backend in t.backends and (only is None or t.key in only)]
        ready: list[tuple[Target, str, dict[str, str]]] = []
        durations: dict[str, int] = {}
        connections: dict[str, int] = {}
        measured: dict[str, Figures] = {}
        for target in targets:
            headers = self.probe(server, target, fixture)
            path = self.path_of(target, fixture)
            durations[target.key], connections[target.key] = plan.duration, plan.throughput_connections
            if plan.warmup:
                warm = self._wrk(
                    target,
                    server.base_url + path,
                    connections=plan.throughput_connections,
                    duration=plan.warmup,
                    headers=headers,
                )
                durations[target.key] = run_seconds(plan, warm.rps)
                if warm.rps < plan.throughput_connections:
                    # Under a request per connection per second, more connections add no throughput,
                    # only requests cut off when the run ends.
                    connections[target.key] = plan.latency_connections
            ready.append((target, path, headers))
        throughput: dict[str, list[wrk.WrkRun]] = {t.key: [] for t, _, _ in ready}
        latencies: dict[str, list[wrk.WrkRun]] = {t.key: [] for t, _, _ in ready}
        counts: dict[str, dict[str, int]] = {t.key: {} for t, _, _ in ready}
        compared_keys = [t.key for t, _, _ in ready if latency and t.latency_run and p99_compared(t, backend)]
        side_by_side_seconds = max([plan.p99_duration, *(durations[key] for key in compared_keys)])
        by_key = {target.key: (target, path, headers) for target, path, headers in ready}

        def runner(target: Target, path: str, headers: dict[str, str]) -> Callable[[int], wrk.WrkRun]:
            tracked = counts[target.key] if kind == "app" else None
            return partial(self._run, server, target, server.base_url + path, headers, connections[target.key], tracked)

        turns: dict[str, str] = {}  # page -> the page its throughput runs took turns with
        for repeat in range(plan.repeats):
            compared: list[tuple[Target, str, dict[str, str]]] = []
            made_by_turns: dict[str, wrk.WrkRun] = {}  # a partner's run, made with the page it takes turns with
            for target, path, headers in ready:
                url = server.base_url + path
                tracked = counts[target.key] if kind == "app" else None
                seconds = durations[target.key]
                full_size = runner(target, path, headers)
                partner = by_key.get(target.turns_with or "")
                if target.key in made_by_turns:
                    run = made_by_turns.pop(target.key)
                elif (
                    partner is not None
                    and durations[partner[0].key] == seconds
                    and len(throughput[partner[0].key]) == repeat
                ):  # the partner comes later in this round
                    run, made_by_turns[partner[0].key] = take_turns(full_size, runner(*partner), seconds, repeat)
                    turns[target.key], turns[partner[0].key] = partner[0].label, target.label
                elif baseline is not None and target.growth:
                    run = baseline.paired(target, repeat, full_size, connections[target.key], seconds)
                else:
                    run = full_size(seconds)
                throughput[target.key].append(run)
                if latency and target.latency_run and p99_compared(target, backend):
                    compared.append((target, url, headers))
                elif latency and target.latency_run:
                    at = target.latency_connections or plan.latency_connections
                    latencies[target.key].append(self._run(server, target, url, headers, at, tracked, seconds))
                say(f"{backend}: {target.key} run {repeat + 1}/{plan.repeats}: {run.rps:,.0f} req/s")
            if compared:
                for (target, _, _), run in zip(
                    compared, self._side_by_side(compared, side_by_side_seconds), strict=True
                ):
                    latencies[target.key].append(run)
                keys = " and ".join(t.key for t, _, _ in compared)
                say(f"{backend}: {keys} latency run {repeat + 1}/{plan.repeats}, side by side")
        for target, path, _ in ready:
            runs = [run.rps for run in throughput[target.key]]
            lat = latencies[target.key] if target.latency_run else (throughput[target.key] if latency else [])
            notes = _notes(
                counts[target.key],
                durations[target.key],
                plan.duration,
                connections[target.key] if connections[target.key] != plan.throughput_connections else None,
                latency and not target.latency_run,
                self._side_by_side_note(target, compared_keys, side_by_side_seconds)
                if target.key in compared_keys
                else None,
            )
            if target.key in turns:
                notes = "; ".join(filter(None, [f"{TURNS_NOTE} {turns[target.key]}, in slices", notes]))
            if target.cold:
                cursor = self.cold[target.key]
                tally = counts[target.key]
                record.extra.setdefault("cold", {})[f"{backend}:{target.key}"] = {  # type: ignore[index]
                    "requests": tally.get("requests", 0),
                    "hits": tally.get("hits", 0),
                    "misses": tally.get("misses", 0),
                    "runs": tally.get("runs", 0),
                    "paths": cursor.count,
                    "wrapped": cursor.wrapped,
                }
                notes = "; ".join(
                    filter(
                        None,
                        [
                            f"{tally.get('requests', 0):,} requests measured over {cursor.count:,} distinct URLs"
                            + (" (the list wrapped: some asked twice)" if cursor.wrapped else ""),
                            f"latency at {target.latency_connections} connection" if target.latency_connections else "",
                            notes,
                        ],
                    )
                )
            measured[target.key] = Figures(
                target.key,
                backend,
                path,
                str(target.expect),
                rps=statistics.median(runs),
                p50_ms=statistics.median(r.p50_ms for r in lat) if lat else None,
                p99_ms=statistics.median(r.p99_ms for r in lat) if lat else None,
                runs=tuple(runs),
                note=notes,
            )
        for key, figures in measured.items():
            record.results[(backend, key)] = figures
        return measured

    def _side_by_side(self, pages: list[tuple[Target, str, dict[str, str]]], seconds: int) -> list[wrk.WrkRun]:
        """The latency runs of the pages whose p99s a target compares, all at once, sharing the latency connections.

        A p99 of a few milliseconds follows whatever else the host does in those seconds; run at the same
        time, the pages meet the same seconds, so their comparison measures the pages and not the moment.
        """
        plan = self.plan
        connections = self._side_by_side_connections(len(pages))
        started = [
            (
                target,
                url,
                wrk.start(url, core=plan.load_core, connections=connections, duration=seconds, headers=headers),
            )
            for target, url, headers in pages
        ]
        runs = []
        for target, url, process in started:
            run = wrk.finish(process, url=url, duration=seconds)
            check_run(target, url, run, seconds)
            runs.append(run)
        return runs

    def _side_by_side_connections(self, pages: int) -> int:
        return max(1, self.plan.latency_connections // pages)

    def _side_by_side_note(self, target: Target, keys: list[str], seconds: int) -> str:
        others = [BY_KEY[key].label for key in keys if key != target.key]
        connections = self._side_by_side_connections(len(keys))
        each = f"{connections} connection{'s' if connections != 1 else ''}"
        if not others:
            return f"latency runs of {seconds}s, {each}: a target compares this page's p99"
        return (
            f"latency runs of {seconds}s side by side with {', '.join(others)}, {each} each:"
            " a target compares their p99s"
        )

    # The parts of a run ------------------------------------------------------------------

    def sqlite_phase(self, record: RunRecord) -> None:
        plan = self.plan
        work = working_copy(plan, sqlite_database(plan, plan.statements))
        url = sqlite_url(work)
        fixture = read_fixture(url, deep_rows=plan.deep_rows, secret=BENCH_SECRET, datasette_db=work.stem)
        record.statements[SQLITE] = fixture.statements
        self.prepare_cold(SQLITE, url, fixture)
        rss: dict[str, int] = {}
        with app_server(url, core=plan.server_core, log=self.logs / "uvicorn-sqlite.log") as server:
            with self.baseline() as baseline:
                self.measure(record, SQLITE, server, fixture, "app", baseline=baseline)
            if baseline is not None:
                record.extra["growth"], record.extra["growth_rps"] = baseline.growth(record.results)
            rss["uvicorn on SQLite, after the read runs"] = server.rss_bytes()
            if plan.datasette:
                with datasette_server(work, core=plan.server_core, log=self.logs / "datasette.log") as datasette:
                    self.measure(record, SQLITE, datasette, fixture, "datasette")
                    rss["Datasette"] = datasette.rss_bytes()
            else:
                record.notes.append("Datasette was skipped (--no-datasette).")
            if plan.mixed:
                self.mixed_phase(record, server, url, fixture)
                rss["uvicorn on SQLite, after the mixed load"] = server.rss_bytes()
            else:
                record.extra["mixed"] = {"reason": "skipped (--no-mixed)"}
        if plan.workers:
            self.workers_phase(record, url, fixture)
        else:
            record.notes.append("The two-workers run was skipped (--no-workers).")
        if plan.import_statements:  # into a copy of its own: the working copy has the mixed load's statements
            copy = working_copy(plan, sqlite_database(plan, plan.statements), prefix="import-")
            try:
                self.import_phase(record, SQLITE, sqlite_url(copy))
            finally:
                synthetic_repository.remove_sqlite_file(sqlite_url(copy))
        else:
            record.notes.append("The import was skipped (--import-statements 0).")
        record.extra.setdefault("rss", {}).update(rss)  # type: ignore[union-attr]
        record.extra["rss_mb"] = max(value for name, value in rss.items() if name.startswith("uvicorn")) / 1e6

    def mixed_phase(self, record: RunRecord, server: Server, url: str, fixture: Fixture) -> None:
        plan = self.plan
        read_paths = [
            record.results[(SQLITE, t.key)].path
            for t in PAGES
            if t.server == "app"
            and not t.yardstick
            and not t.fresh
            and not t.conditional
            and not t.gzip
            and not t.cold
            and t.key != "healthz"
            and (SQLITE, t.key) in record.results
        ]
        mixed.create_editor(url)
        session = mixed.login(server.base_url)
        if plan.editor_rate:
            reader = COLD["history-filtered"]
            figures = mixed.run_mixed(
                plan,
                server.base_url,
                url,
                [self.path_of(BY_KEY[reader], fixture)],
                session,
                self.logs.parent,
                rate=plan.editor_rate,
                cold=self.cold[reader],
                untouched_country=fixture.countries[1],
            )
            record.extra["mixed-editor"] = {
                **asdict(figures),
                "read_loss": figures.read_loss,
                "saved_rps": figures.saved_rps,
                "reader": BY_KEY[reader].label,
                "untouched_country": fixture.countries[1],
            }
        figures = mixed.run_mixed(plan, server.base_url, url, read_paths, session, self.logs.parent)
        record.extra["mixed"] = {**asdict(figures), "read_loss": figures.read_loss, "saved_rps": figures.saved_rps}

    def workers_phase(self, record: RunRecord, url: str, fixture: Fixture) -> None:
        """The cold pages again, served by two workers allowed on both cores (wrk shares the load core)."""
        plan = self.plan
        cold = {key for key in self.cold}
        scratch = RunRecord(plan, record.machine, record.started_at)
        cores = f"{plan.server_core},{plan.load_core}"
        with app_server(url, core=cores, log=self.logs / "uvicorn-two-workers.log", workers=2) as server:
            two = self.measure(scratch, SQLITE, server, fixture, "app", latency=False, only=cold)
        record.extra["workers"] = {
            key: (record.results[(SQLITE, key)].rps or 0.0, figures.rps or 0.0) for key, figures in two.items()
        }

    def import_phase(self, record: RunRecord, backend: str, url: str) -> None:
        """`intercept-watch import` of new statements made from the database, into that database (a copy)."""
        plan = self.plan
        file = self.logs.parent / f"import-{backend}.json"
        say(f"import: {plan.import_statements:,} new statements into {backend}...")
        before = importing.make_import_file(url, file, count=plan.import_statements, seed=plan.seed)
        try:
            figures = importing.run_import(url, file, statements=plan.import_statements, before=before)
        except importing.ImportFailed as error:
            raise BenchError(f"import into {backend}: {error}") from None
        say(f"import: {figures.added:,} statements in {figures.seconds:.1f}s, {figures.rate:,.0f} a second")
        record.extra.setdefault("import", {})[backend] = asdict(figures)  # type: ignore[index]

    def postgres_import(self, record: RunRecord, url: str) -> None:
        """The import on PostgreSQL, into a copy of the benchmark's database (kept as it is for the next run)."""
        if not self.plan.import_statements:
            return
        server = make_url(url)
        copy = f"{self.plan.postgres_db}_import"
        admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
                say(f"import: copying {self.plan.postgres_db} to {copy}...")
                connection.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{self.plan.postgres_db}"')
            try:
                self.import_phase(record, POSTGRESQL, server.set(database=copy).render_as_string(hide_password=False))
            finally:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        finally:
            admin.dispose()

    def postgres_phase(self, record: RunRecord) -> None:
        plan = self.plan
        try:
            url = postgres_database(plan)
        except Unavailable as reason:
            record.notes.append(f"PostgreSQL runs skipped: {reason}")
            say(str(reason))
            return
        fixture = read_fixture(url, deep_rows=plan.deep_rows, secret=BENCH_SECRET)
        record.statements[POSTGRESQL] = fixture.statements
        self.prepare_cold(POSTGRESQL, url, fixture)
        with app_server(url, core=plan.server_core, log=self.logs / "uvicorn-postgresql.log") as server:
            self.measure(record, POSTGRESQL, server, fixture, "app")
            record.extra.setdefault("rss", {})["uvicorn on PostgreSQL"] = server.rss_bytes()  # type: ignore[index]
        self.postgres_import(record, url)

    @contextmanager
    def baseline(self) -> Iterator[Baseline | None]:
        """The growth check's smaller database and its server, on the server core (full mode only)."""
        plan = self.plan
        if not plan.baseline_statements:
            yield None
            return
        work = working_copy(plan, sqlite_database(plan, plan.baseline_statements))
        url = sqlite_url(work)
        fixture = read_fixture(url, deep_rows=min(plan.deep_rows, plan.baseline_statements // 2), secret=BENCH_SECRET)
        with app_server(url, core=plan.server_core, log=self.logs / "uvicorn-baseline.log") as server:
            yield Baseline(self, server, fixture)

    def run(self) -> RunRecord:
        plan = self.plan
        wrk.require_tools()
        started = time.monotonic()
        record = RunRecord(plan, describe(plan.postgres_url), datetime.now(UTC))
        self.sqlite_phase(record)
        if plan.postgres_url:
            self.postgres_phase(record)
        else:
            record.notes.append("PostgreSQL runs skipped (--no-postgres).")
        record.seconds = time.monotonic() - started
        return record


class Baseline:
    """The growth check's smaller database, served beside the full-size one while its pages are measured.

    In every repeat a growth page's run here and its run at full size take turns, in slices of about
    a second (`take_turns`; which size goes first alternates by repeat), so both see the same
    moments of the host: a slow second or two on this shared machine slows both sizes and cancels out
    of their ratio, instead of landing on one size only. Run as two whole runs back to back, a pair
    could still meet different seconds (the figures are in bench/README.md's git history).
    """

    def __init__(self, bench: Bench, server: Server, fixture: Fixture) -> None:
        self.bench, self.server, self.fixture = bench, server, fixture
        self.runs: dict[str, list[float]] = {}  # each paired run's req/s here, in repeat order
        self._ready: dict[str, tuple[str, dict[str, str]]] = {}
        self._counts: dict[str, dict[str, int]] = {}

    def paired(
        self, target: Target, repeat: int, full_size: Callable[[int], wrk.WrkRun], connections: int, seconds: int
    ) -> wrk.WrkRun:
        """Run `full_size` (given a duration) and this page here by turns, `seconds` each; return the full-size run."""
        path, headers = self._prepare(target, connections)
        url = self.server.base_url + path
        counts = self._counts.setdefault(target.key, {})

        def here(length: int) -> wrk.WrkRun:
            return self.bench._run(self.server, target, url, headers, connections, counts, length)

        run, small_run = take_turns(full_size, here, seconds, repeat)
        small = small_run.rps
        self.runs.setdefault(target.key, []).append(small)
        say(f"growth: {target.key} run {repeat + 1}: {small:,.0f} req/s at {self.fixture.statements:,} statements")
        return run

    def _prepare(self, target: Target, connections: int) -> tuple[str, dict[str, str]]:
        """The page's path and headers, probed and warmed up once, before its first pair."""
        if target.key not in self._ready:
            headers = self.bench.probe(self.server, target, self.fixture)
            path = target.path(self.fixture)
            self._ready[target.key] = (path, headers)
            if self.bench.plan.warmup:
                wrk.run(
                    self.server.base_url + path,
                    core=self.bench.plan.load_core,
                    connections=connections,
                    duration=self.bench.plan.warmup,
                    headers=headers,
                )
        return self._ready[target.key]

    def growth(
        self, results: dict[tuple[str, str], Figures]
    ) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
        """Per page: the throughput kept, and (median req/s here, median req/s at full size)."""
        kept: dict[str, float] = {}
        rps: dict[str, tuple[float, float]] = {}
        for key, small in self.runs.items():
            full = results[(SQLITE, key)]
            kept[key] = paired_kept(full.runs, small)
            rps[key] = (statistics.median(small), full.rps or 0.0)
        return kept, rps


def p99_compared(target: Target, backend: str) -> bool:
    """A page whose p99 a target compares with another page's (targets judge SQLite's figures)."""
    return target.p99_judged and backend == SQLITE


def check_run(target: Target, url: str, run: wrk.WrkRun, seconds: int) -> None:
    """A run the report can use: some requests answered, none failed."""
    if run.requests == 0:
        raise BenchError(f"{target.label}: no request completed in {seconds}s at {url}")
    if run.failed:
        raise BenchError(f"{target.label}: {run.failed} requests failed during the run ({run.errors}) at {url}")


def turn_slices(seconds: int) -> list[int]:
    """A paired run's `seconds` as up to TURN_SLICES slices of whole seconds (wrk counts in seconds)."""
    count = max(1, min(TURN_SLICES, seconds))
    return [seconds // count + (1 if index < seconds % count else 0) for index in range(count)]


def take_turns(
    first: Callable[[int], wrk.WrkRun], second: Callable[[int], wrk.WrkRun], seconds: int, repeat: int
) -> tuple[wrk.WrkRun, wrk.WrkRun]:
    """Two runs of `seconds` each, made by turns in `turn_slices`, `first`'s slice first in even repeats and
    `second`'s in odd ones; each merged back into one run. A slow second of the host falls on both."""
    first_runs: list[wrk.WrkRun] = []
    second_runs: list[wrk.WrkRun] = []
    for length in turn_slices(seconds):
        if repeat % 2:
            second_runs.append(second(length))
            first_runs.append(first(length))
        else:
            first_runs.append(first(length))
            second_runs.append(second(length))
    return merged(first_runs), merged(second_runs)


def merged(runs: Sequence[wrk.WrkRun]) -> wrk.WrkRun:
    """Slices of one run as one run: requests, seconds and errors summed.

    Percentiles can't be summed: p50 is the slices' median, p99 and max their highest. No target reads
    them: every growth page has latency runs of its own.
    """
    if len(runs) == 1:
        return runs[0]
    errors: dict[str, int] = {}
    for run in runs:
        for name, value in run.errors.items():
            errors[name] = errors.get(name, 0) + value
    return wrk.WrkRun(
        requests=sum(run.requests for run in runs),
        seconds=sum(run.seconds for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in runs),
        p99_ms=max(run.p99_ms for run in runs),
        max_ms=max(run.max_ms for run in runs),
        errors=errors,
    )


def paired_kept(full_size: Sequence[float], baseline: Sequence[float]) -> float:
    """The throughput a page keeps at full size: the median of its paired runs' ratios."""
    if not full_size or len(full_size) != len(baseline):
        raise ValueError(
            f"growth pairs one baseline run with each full-size run: {len(full_size)} against {len(baseline)}"
        )
    return statistics.median(full / small for full, small in zip(full_size, baseline, strict=True))


def run_seconds(plan: Plan, warmup_rps: float) -> int:
    """How long a target's runs last: the plan's duration, longer for a page too slow to give MIN_REQUESTS in it."""
    if warmup_rps * plan.duration >= MIN_REQUESTS:
        return plan.duration
    if warmup_rps <= 0:
        return plan.max_duration
    return min(plan.max_duration, max(plan.duration, math.ceil(MIN_REQUESTS / warmup_rps)))


def _notes(
    counts: dict[str, int],
    seconds: int,
    planned: int,
    connections: int | None,
    latency_from_throughput: bool,
    latency_note: str | None = None,
) -> str:
    notes = []
    if seconds != planned:
        notes.append(f"runs of {seconds}s: a slow page")
    if latency_note:
        notes.append(latency_note)
    if connections is not None:
        notes.append(f"throughput runs at {connections} connections: a slow page")
    if latency_from_throughput:
        notes.append("p50/p99 from the throughput runs (no latency runs: no target reads them)")
    if any(counts.values()):
        notes.append(
            "body cache: " + ", ".join(f"{counts.get(name, 0):,} {name}" for name in ("hits", "misses", "bypassed"))
        )
    return "; ".join(notes)


def write_report(record: RunRecord) -> Path:
    """The report as latest.md, and a timestamped copy in archive/ (ignored by git: history keeps the old ones)."""
    output = record.plan.output_dir
    archive = output / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    text_ = render(record)
    (archive / f"{record.started_at:%Y-%m-%dT%H%M%SZ}-{record.plan.mode}.md").write_text(text_, encoding="utf-8")
    latest = output / "latest.md"
    latest.write_text(text_, encoding="utf-8")
    return latest


def main(argv: list[str] | None = None) -> int:
    plan = plan_from(parser().parse_args(argv))
    say(f"{plan.mode} mode: {plan.statements:,} statements, {plan.repeats} runs of {plan.duration}s per figure")
    try:
        record = Bench(plan).run()
    except BenchError as error:
        print(f"bench: FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    path = write_report(record)
    say(f"report written to {path} (a copy in {path.parent / 'archive'}) in {record.seconds:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
