"""The benchmark end to end in quick mode (`make bench QUICK=1`), and how its runs are made.

No timing is asserted: the targets are judged by reading the report, not by the test suite.
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import normalise_database_url
from bench import run as bench_run
from bench.config import BENCH_SECRET, ROOT, Plan, parser, plan_from
from bench.fixture import Fixture
from bench.machine import describe
from bench.report import RunRecord, render
from bench.servers import app_server
from bench.synthetic import service
from bench.targets import BY_KEY, CHECKS, COLD, PAGES, POSTGRESQL, SQLITE, Target
from bench.wrk import BenchError, WrkRun
from tests.support import markdown_table, need_bench_tools

pytestmark = pytest.mark.slow


def sections(markdown: str) -> dict[str, str]:
    """The report's '## ' sections by title, and '#' for the title line."""
    found: dict[str, str] = {}
    title = "#"
    for block in re.split(r"^## ", markdown, flags=re.MULTILINE):
        heading, _, body = block.partition("\n")
        found[title if not found else heading.strip()] = body if found else block
    return found


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[str, str] | None]:
    """(server URL on its maintenance database, a database name of our own), dropped afterwards."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield None
        return
    maintenance = make_url(normalise_database_url(server)).set(database="postgres")
    name = f"iw_bench_t{secrets.token_hex(3)}"
    yield maintenance.render_as_string(hide_password=False), name
    engine = create_engine(maintenance, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def test_quick_bench_measures_every_page_and_writes_the_report(
    tmp_path: Path, postgres: tuple[str, str] | None
) -> None:
    need_bench_tools()
    output, cache = tmp_path / "results", tmp_path / "cache"
    args = f"--output-dir {output} --cache-dir {cache}"
    args += f" --postgres-url {postgres[0]} --postgres-db {postgres[1]}" if postgres else " --no-postgres"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "IW_NOTICE", "MAKEFLAGS")}
    result = subprocess.run(
        ["make", "bench", "QUICK=1", f"BENCH_ARGS={args}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    assert sorted(path.name for path in output.iterdir()) == ["archive", "latest.md"]
    stamped = list((output / "archive").glob("*-quick.md"))
    assert len(stamped) == 1 and (output / "latest.md").read_text() == stamped[0].read_text()
    report = sections((output / "latest.md").read_text())
    assert "quick mode, 10,000 statements" in report["#"]

    run = {row["What"]: row["Value"] for row in markdown_table(report["Run"])}
    assert run["Mode"] == "quick" and run["Statements"] == "10,000" and run["Runs per figure (median reported)"] == "3"
    assert run["Statements in the SQLite database"] == "10,000"
    machine = {row["What"]: row["Value"] for row in markdown_table(report["Machine"])}
    for what in ("CPU", "Cores", "Memory", "Python", "SQLite", "PostgreSQL", "wrk"):
        assert machine[what], what

    backends = ["SQLite (10,000 statements)"] + (["PostgreSQL (10,000 statements)"] if postgres else [])
    for section in backends:
        rows = {row["Target"]: row for row in markdown_table(report[section])}
        expected = [t for t in PAGES if ("PostgreSQL" not in section or "postgresql" in t.backends)]
        assert set(rows) == {t.label for t in expected}, section
        for target in expected:
            row = rows[target.label]
            assert row["Status"] == str(target.expect), (section, row)
            assert _number(row["req/s"]) > 0 and _number(row["p99 ms"]) >= _number(row["p50 ms"]) > 0, row
        fortunes = rows[PAGES[0].label]
        assert _number(fortunes["× F"]) == 1.0

        # Cold pages: every request a URL not asked before, so the page cache missed on each one.
        backend = section.split(" ")[0]
        side_by_side = {
            row["Page"]: row for row in markdown_table(report[f"Cached and cold, side by side ({backend})"])
        }
        cold_rows = [row for row in side_by_side.values() if row["Cold req/s"] != "—"]
        assert len(cold_rows) == len(COLD), side_by_side
        for row in cold_rows:
            misses, requests = (_number(part) for part in row["Cold: page-cache misses of requests"].split(" of "))
            assert requests > 0 and misses >= requests, row
            runs = 3 * 2 + 1  # throughput and latency runs, and the warm-up's requests still in flight
            assert misses - requests <= runs * 8, row  # the rest: requests in flight when a run stopped
        for key in COLD.values():
            cold_notes = rows[BY_KEY[key].label]["Notes"]
            assert "0 hits" in cold_notes and "the list wrapped" not in cold_notes, cold_notes

    editor = {row["What"]: row["Value"] for row in markdown_table(report["Readers at 20 saves a second"])}
    assert _number(editor["Cold reads alone"].split()[0]) > 0
    assert _number(editor["Cold reads while saving"].split()[0]) > 0
    [untouched] = [value for what, value in editor.items() if what.startswith("/countries/")]
    assert untouched == "yes"  # a country nobody posted for kept its ETag through the saves
    workers = markdown_table(report["Two workers against one (SQLite, cold pages)"])
    assert {row["Page"] for row in workers} == {BY_KEY[key].label for key in COLD.values()}
    memory = markdown_table(report["Memory"])
    assert any(row["Server"].startswith("uvicorn on SQLite") and row["RSS at end"].endswith("MB") for row in memory)
    mixed = {row["What"]: row["Value"] for row in markdown_table(report["Mixed load"])}
    [answered_and_added] = [
        value for what, value in mixed.items() if what.startswith("POSTs answered, and statements added")
    ]
    sent, saved = (_number(part) for part in answered_and_added.split(", "))
    assert sent > 0 and saved >= 0.95 * sent, mixed  # the posts are new statements, not forms shown again
    assert _number(mixed["Reads alone"].split()[0]) > 0 and _number(mixed["Reads while posting"].split()[0]) > 0
    # The import: 1,000 new statements into a copy of each database, all added, none skipped.
    imports = {row["Database"]: row for row in markdown_table(report["Import"])}
    assert set(imports) == {"SQLite", *(["PostgreSQL"] if postgres else [])}
    for row in imports.values():
        assert row["Import"] == "1,000 statements into a 10,000-statement database", row
        assert _number(row["Seconds"]) > 0 and _number(row["Statements/s"]) > 0 and row["Target"] == "≥ 5,000"
    targets = {row["What"]: row for row in markdown_table(report["Targets"])}
    assert set(targets) == {check.what for check in CHECKS}
    assert targets["intercept-watch import"]["Result"] in ("pass", "miss"), targets["intercept-watch import"]
    assert "statements/s: 1,000 into 10,000" in targets["intercept-watch import"]["Measured"]
    assert all(row["Result"] in ("pass", "miss", "not available") for row in targets.values())
    assert targets["F itself"]["Result"] in ("pass", "miss") and targets["Memory"]["Result"] in ("pass", "miss")
    for what in ("F", "App plaintext", "/healthz", "Cold search", "Cold matrix (as_of)", "Two workers on 2 cores"):
        assert targets[what]["Result"] in ("pass", "miss"), targets[what]
        assert re.search(r"(met|missed) by \d+%", targets[what]["Measured"]), targets[what]


def test_a_page_that_does_not_answer_as_expected_stops_the_run(tmp_path: Path) -> None:
    need_bench_tools()
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    service.generate(database_url=url, statements=300, actors=60)
    bench = bench_run.Bench(plan_from(parser().parse_args(["--quick", "--cache-dir", str(tmp_path)])))
    fixture = bench_run.read_fixture(url, deep_rows=100, secret="unused")
    missing = Target("missing", "A page that does not exist", lambda f: "/no-such-page-anywhere")
    moved = Target("moved", "Statements, expected to answer 304", lambda f: "/statements", expect=304)
    with app_server(url, core=bench.plan.server_core, log=tmp_path / "server.log") as server:
        assert bench.probe(server, BY_KEY["matrix-304"], fixture)["If-None-Match"]  # its ETag, sent by its runs
        with pytest.raises(BenchError, match="A page that does not exist: GET /no-such-page-anywhere answered 404"):
            bench.probe(server, missing, fixture)
        with pytest.raises(BenchError, match="answered 200, expected 304"):
            bench.probe(server, moved, fixture)


def test_a_cold_page_never_asks_for_the_path_its_cached_twin_asks_for(tmp_path: Path) -> None:
    # 300 statements and room for 20,000 cold paths: every published id is drawn, the cached statement page's too
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    service.generate(database_url=url, statements=300, actors=60)
    bench = bench_run.Bench(plan_from(parser().parse_args(["--quick", "--cache-dir", str(tmp_path)])))
    fixture = bench_run.read_fixture(url, deep_rows=100, secret="unused")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            published = set(connection.execute(text("SELECT id FROM statement WHERE status = 'published'")).scalars())
    finally:
        engine.dispose()
    assert fixture.statement_id in published  # so a list of every published id would hold it
    bench.prepare_cold(SQLITE, url, fixture)
    asked = bench.cold["statement-cold"].file.read_text(encoding="utf-8").split()
    assert len(asked) == len(set(asked)) == len(published) - 1
    assert set(asked) == {f"/statements/{statement_id}" for statement_id in published - {fixture.statement_id}}
    cached = {target.path(fixture) for target in PAGES if not target.cold}
    for key, cursor in bench.cold.items():
        assert not cached & set(cursor.file.read_text(encoding="utf-8").splitlines()), key


def test_the_pages_a_p99_target_compares_get_longer_latency_runs_in_full_mode(tmp_path: Path) -> None:
    def plan(*args: str) -> Plan:
        return plan_from(parser().parse_args([*args, "--cache-dir", str(tmp_path)]))

    assert {target.key for target in PAGES if target.p99_judged} == {"history", "history-deep"}
    assert (plan().duration, plan().p99_duration) == (3, 20)
    assert (plan("--quick").duration, plan("--quick").p99_duration) == (1, 1)  # the test suite's runs stay short
    assert plan("--p99-duration", "30").p99_duration == 30
    assert plan("--duration", "25").p99_duration == 25  # never shorter than the other runs
    # Targets judge SQLite's figures: PostgreSQL's runs of those pages, and other pages' runs, stay plain.
    assert bench_run.p99_compared(BY_KEY["history-deep"], SQLITE)
    assert not bench_run.p99_compared(BY_KEY["history-deep"], POSTGRESQL)
    assert not bench_run.p99_compared(BY_KEY["search"], SQLITE)


def _small_bench(tmp_path: Path, *args: str) -> tuple[Plan, bench_run.Bench, RunRecord, str, Fixture]:
    """A bench on a 600-statement working copy: 1 s runs, SQLite only, for checking how runs are made."""
    need_bench_tools()
    plan = plan_from(
        parser().parse_args(
            [
                "--statements",
                "600",
                "--duration",
                "1",
                "--warmup",
                "0",
                *args,
                "--cache-dir",
                str(tmp_path),
                "--no-postgres",
                "--no-datasette",
                "--no-mixed",
            ]
        )
    )
    url = bench_run.sqlite_url(bench_run.working_copy(plan, bench_run.sqlite_database(plan, 600)))
    fixture = bench_run.read_fixture(url, deep_rows=plan.deep_rows, secret=BENCH_SECRET)
    return plan, bench_run.Bench(plan), RunRecord(plan, describe(None), datetime.now(UTC)), url, fixture


def test_the_pages_a_p99_target_compares_run_their_latency_runs_side_by_side(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan, bench, record, url, fixture = _small_bench(tmp_path, "--p99-duration", "2")
    # Every wrk run, as it really runs: the path it loads, its connections and seconds, when it started and ended.
    runs: list[dict[str, object]] = []
    real_start, real_finish = bench_run.wrk.start, bench_run.wrk.finish

    def start(url: str, **kwargs: object) -> subprocess.Popen[str]:
        process = real_start(url, **kwargs)  # type: ignore[arg-type]
        runs.append(
            {
                "process": process,
                "path": url.split("/", 3)[3],
                "connections": kwargs["connections"],
                "duration": kwargs["duration"],
                "started": time.monotonic(),
            }
        )
        return process

    def finish(process: subprocess.Popen[str], **kwargs: object) -> object:
        figures = real_finish(process, **kwargs)  # type: ignore[arg-type]
        found = next(run for run in runs if run["process"] is process)
        found.update(ended=time.monotonic(), p99_ms=figures.p99_ms)
        return figures

    monkeypatch.setattr(bench_run.wrk, "start", start)
    monkeypatch.setattr(bench_run.wrk, "finish", finish)
    with app_server(url, core=plan.server_core, log=tmp_path / "server.log") as server:
        measured = bench.measure(record, SQLITE, server, fixture, "app", only={"history", "history-deep", "statement"})

    def latency_runs(key: str) -> list[dict[str, object]]:
        path = BY_KEY[key].path(fixture).lstrip("/")
        return [run for run in runs if run["path"] == path and run["connections"] != plan.throughput_connections]

    first, deep = latency_runs("history"), latency_runs("history-deep")
    assert len(first) == len(deep) == plan.repeats
    for one, other in zip(first, deep, strict=True):
        # At the same time: each started before the other ended, sharing the latency connections.
        assert one["started"] < other["ended"] and other["started"] < one["ended"]  # type: ignore[operator]
        assert one["connections"] == other["connections"] == plan.latency_connections // 2
        assert one["duration"] == other["duration"] == plan.p99_duration
    for key, own in (("history", first), ("history-deep", deep)):
        assert measured[key].p99_ms == statistics.median(run["p99_ms"] for run in own)  # type: ignore[misc]
        assert "side by side with" in measured[key].note
    # A page no target compares keeps its own latency runs, at the full latency connections.
    plain = latency_runs("statement")
    assert len(plain) == plan.repeats
    assert all(run["connections"] == plan.latency_connections and run["duration"] == plan.duration for run in plain)
    assert "side by side" not in measured["statement"].note


def test_growth_is_the_median_of_the_paired_runs_ratios() -> None:
    # Pairs keeping 50%, 200% and 95%: the median pair says 95%, where the ratio of the two sizes'
    # medians (100 against 100) would say 100%.
    assert bench_run.paired_kept((50, 100, 200), (100, 50, 210)) == pytest.approx(200 / 210)
    with pytest.raises(ValueError, match="one baseline run with each full-size run"):
        bench_run.paired_kept((100.0, 90.0), (100.0,))


def test_a_pair_takes_turns_in_slices_of_whole_seconds() -> None:
    assert bench_run.turn_slices(3) == [1, 1, 1]
    assert bench_run.turn_slices(1) == [1]  # quick mode: one run each, as before
    assert bench_run.turn_slices(20) == [7, 7, 6]
    assert sum(bench_run.turn_slices(11)) == 11


def test_two_runs_by_turns_alternate_who_goes_first_by_repeat_and_merge_their_slices() -> None:
    calls: list[tuple[str, int]] = []

    def maker(name: str, per_second: int) -> Callable[[int], WrkRun]:
        def make(length: int) -> WrkRun:
            calls.append((name, length))
            return WrkRun(per_second * length, float(length), 1.0, 2.0, 3.0, {})

        return make

    first, second = bench_run.take_turns(maker("F", 40), maker("plaintext", 90), 3, 0)
    assert calls == [("F", 1), ("plaintext", 1)] * 3
    assert (first.requests, first.seconds, second.requests, second.seconds) == (120, 3.0, 270, 3.0)
    calls.clear()
    bench_run.take_turns(maker("F", 40), maker("plaintext", 90), 3, 1)
    assert calls == [("plaintext", 1), ("F", 1)] * 3


def test_slices_of_a_run_add_up_to_one_run() -> None:
    slices = [
        WrkRun(100, 1.0, 1.0, 3.0, 9.0, {"timeouts": 0}),
        WrkRun(60, 1.0, 2.0, 5.0, 7.0, {"timeouts": 1}),
        WrkRun(140, 1.0, 1.5, 4.0, 8.0, {"timeouts": 0}),
    ]
    whole = bench_run.merged(slices)
    assert (whole.requests, whole.seconds, whole.rps) == (300, 3.0, 100.0)
    assert (whole.p50_ms, whole.p99_ms, whole.max_ms, whole.failed) == (1.5, 5.0, 9.0, 1)
    assert bench_run.merged(slices[:1]) is slices[0]


def test_f_and_plaintext_make_their_throughput_runs_by_turns(tmp_path: Path) -> None:
    plan, bench, record, url, fixture = _small_bench(tmp_path, "--duration", "2")
    with app_server(url, core=plan.server_core, log=tmp_path / "server.log") as server:
        measured = bench.measure(
            record, SQLITE, server, fixture, "app", latency=False, only={"fortunes", "plaintext", "statement"}
        )
    for key, partner in (("fortunes", "plaintext"), ("plaintext", "fortunes")):
        assert len(measured[key].runs) == plan.repeats
        assert measured[key].note.startswith(f"throughput runs by turns with {BY_KEY[partner].label}, in slices")
    assert "by turns" not in measured["statement"].note
    judged = {check.what: check.judge for check in CHECKS}["F itself"](record.results, {})
    assert "rounds' ratios, the two taking turns" in judged.measured


def test_each_growth_page_runs_on_the_baseline_beside_its_full_size_runs(tmp_path: Path) -> None:
    plan, bench, record, url, fixture = _small_bench(tmp_path, "--baseline-statements", "300")
    pages = {"history", "statement", "plaintext"}  # plaintext is a yardstick, not part of the growth check
    with app_server(url, core=plan.server_core, log=tmp_path / "full.log") as server, bench.baseline() as baseline:
        assert baseline is not None
        measured = bench.measure(record, SQLITE, server, fixture, "app", latency=False, only=pages, baseline=baseline)
    kept, rps = baseline.growth(record.results)

    assert set(baseline.runs) == set(kept) == {"history", "statement"}
    for key in kept:
        full, small = measured[key].runs, baseline.runs[key]
        assert len(full) == len(small) == plan.repeats
        assert kept[key] == pytest.approx(statistics.median(f / s for f, s in zip(full, small, strict=True)))
        assert rps[key] == (statistics.median(small), measured[key].rps)

    record.extra["growth"], record.extra["growth_rps"] = kept, rps
    rows = {row["Page"]: row for row in markdown_table(sections(render(record))["Growth (300 → 600 statements)"])}
    assert set(rows) == {BY_KEY["history"].label, BY_KEY["statement"].label}
    for key in kept:
        row = rows[BY_KEY[key].label]
        assert _number(row["req/s at 300"]) == round(rps[key][0]) and _number(row["req/s at 600"]) == round(rps[key][1])
        assert row["Throughput kept"] == f"{kept[key]:.0%}"
