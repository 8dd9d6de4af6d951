"""The markdown report: the run, the machine, every figure, the ratios, and the targets with pass or miss."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bench.config import Plan
from bench.machine import Machine
from bench.targets import (
    BARE,
    BY_KEY,
    CHECKS,
    COLD,
    DATASETTE_FOR_KIND,
    FORTUNES,
    IMPORT_RATE,
    PAGES,
    POSTGRESQL,
    SQLITE,
    Extra,
    Figures,
    Results,
)

DASH = "—"
BACKEND_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}


@dataclass
class RunRecord:
    plan: Plan
    machine: Machine
    started_at: datetime
    statements: dict[str, int] = field(default_factory=dict)  # backend -> statements in its database
    results: Results = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _number(value: float | None, digits: int = 0) -> str:
    return DASH if value is None else f"{value:,.{digits}f}"


def _ratio(top: Figures | None, bottom: Figures | None) -> str:
    if top is None or bottom is None or top.rps is None or bottom.rps is None or not bottom.rps:
        return DASH
    return f"{top.rps / bottom.rps:.2f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _backend_table(record: RunRecord, backend: str) -> list[str]:
    results = record.results
    fortunes = results.get((backend, FORTUNES))
    rows = []
    for target in PAGES:
        figures = results.get((backend, target.key))
        if figures is None:
            continue
        datasette = results.get((SQLITE, DATASETTE_FOR_KIND[target.kind]))
        versus_datasette = DASH if target.server == "datasette" else _ratio(figures, datasette)
        spread = DASH if not figures.runs else f"{min(figures.runs):,.0f}–{max(figures.runs):,.0f}"
        rows.append(
            [
                target.label,
                f"`{figures.path}`",
                figures.status,
                _number(figures.rps),
                spread,
                _number(figures.p50_ms, 2),
                _number(figures.p99_ms, 2),
                _ratio(figures, fortunes),
                versus_datasette,
                figures.note or "",
            ]
        )
    header = ["Target", "Request", "Status", "req/s", "req/s range", "p50 ms", "p99 ms", "× F", "× Datasette", "Notes"]
    return _table(header, rows)


def _cached_and_cold(record: RunRecord, backend: str) -> list[str]:
    """Each page twice: one URL asked again and again (cached), and a new URL on every request (cold)."""
    results = record.results
    fortunes, bare = results.get((backend, FORTUNES)), results.get((backend, BARE))
    rows = []
    for key in (BARE, "plaintext", FORTUNES, "healthz"):
        figures = results.get((backend, key))
        if figures is not None:
            rows.append(
                [BY_KEY[key].label, _number(figures.rps), _number(figures.p99_ms, 1), DASH, DASH, DASH]
                + [_ratio(figures, fortunes), _ratio(figures, bare)]
            )
    for twin, cold_key in COLD.items():
        cached, cold = results.get((backend, twin)), results.get((backend, cold_key))
        if cached is None and cold is None:
            continue
        tally = record.extra.get("cold", {}).get(f"{backend}:{cold_key}", {})  # type: ignore[attr-defined]
        misses = f"{tally.get('misses', 0):,} of {tally.get('requests', 0):,}" if tally else DASH
        rows.append(
            [
                BY_KEY[cold_key].label.split(",")[0],
                _number(cached.rps if cached else None),
                _number(cached.p99_ms if cached else None, 1),
                _number(cold.rps if cold else None),
                _number(cold.p99_ms if cold else None, 1),
                misses,
                _ratio(cold, fortunes),
                _ratio(cold, bare),
            ]
        )
    header = [
        "Page",
        "Cached req/s",
        "Cached p99 ms",
        "Cold req/s",
        "Cold p99 ms (1 connection)",
        "Cold: page-cache misses of requests",
        "Cold × F (yardsticks: × F)",
        "× bare FastAPI",
    ]
    return _table(header, rows)


def _import(record: RunRecord) -> list[str]:
    """`intercept-watch import` on each backend: the command's own seconds, from start to exit."""
    measured = record.extra.get("import")
    if not isinstance(measured, dict) or not measured:
        return ["Not run."]
    lines = [
        "`intercept-watch --database-url URL import FILE`, run and timed as a person runs it (its own process, from "
        "start to exit), into a copy of the benchmarked database. The file holds statements made from stored ones "
        "(bench/importing.py): the same actors, offices and topics, a quote no stored statement has, a first "
        "source at a new address; every one is new, none skipped.",
        "",
    ]
    rows = [
        [
            BACKEND_NAMES[backend],
            f"{figures['added']:,} statements into a {figures['before']:,}-statement database",
            f"{figures['seconds']:.1f}",
            f"{figures['added'] / figures['seconds']:,.0f}",
            f"≥ {IMPORT_RATE:,}",
        ]
        for backend, figures in measured.items()
    ]
    return lines + _table(["Database", "Import", "Seconds", "Statements/s", "Target"], rows)


def render(record: RunRecord) -> str:
    plan, machine = record.plan, record.machine
    title = f"# Intercept Watch benchmark: {plan.mode} mode, {plan.statements:,} statements"
    lines = [title, ""]
    if plan.quick:
        lines += [
            "> **Quick mode.** Short runs on a small database, for the test suite and for checking the harness. "
            "The targets are defined at 1,000,000 statements; read the pass/miss column here as a smoke test only.",
            "",
        ]
    lines += ["## Run", ""]
    lines += _table(
        ["What", "Value"],
        [
            ["Started", record.started_at.strftime("%Y-%m-%d %H:%M UTC")],
            ["Mode", plan.mode],
            ["Statements", f"{plan.statements:,}"],
            *(
                [
                    [f"Statements in the {BACKEND_NAMES[backend]} database", f"{count:,}"]
                    for backend, count in record.statements.items()
                ]
            ),
            ["Seed", str(plan.seed)],
            ["Commit", machine.commit],
            ["Runs per figure (median reported)", str(plan.repeats)],
            [
                "Seconds per run (warm-up per target; longest for a slow page)",
                f"{plan.duration} ({plan.warmup}; {plan.max_duration})",
            ],
            ["Deep page depth", f"{plan.deep_rows:,} rows"],
            [
                "wrk connections: throughput runs / latency runs",
                f"{plan.throughput_connections} / {plan.latency_connections}",
            ],
            ["Cores: server / wrk", f"{plan.server_core} / {plan.load_core}"],
            ["Whole run took", f"{record.seconds:.0f} s"],
        ],
    )
    lines += ["", "## Machine", ""]
    lines += _table(
        ["What", "Value"],
        [
            ["CPU", machine.cpu],
            ["Cores", str(machine.cores)],
            ["Memory", f"{machine.memory_gib:.1f} GiB"],
            ["Kernel", machine.kernel],
            ["Python", machine.python],
            ["SQLite", machine.sqlite],
            ["PostgreSQL", machine.postgresql],
            ["wrk", machine.wrk],
            ["uvicorn", machine.uvicorn],
            ["Datasette", machine.datasette],
            ["Load average at start (1/5/15 min)", machine.load_average],
        ],
    )
    lines += [
        "",
        f"## SQLite ({record.statements.get(SQLITE, plan.statements):,} statements)",
        "",
        "req/s is the median of the throughput runs; p50 and p99 are the medians of the latency runs, "
        "at a fixed low concurrency. × F and × Datasette divide this page's req/s by theirs "
        "(HTML pages by Datasette's HTML page, JSON by its JSON).",
        "",
    ]
    lines += _backend_table(record, SQLITE)
    lines += [
        "",
        "## Cached and cold, side by side (SQLite)",
        "",
        "Cached: one URL, asked again and again (the page cache answers). Cold: a new URL on every request, "
        f"from {plan.cold_urls:,} random ones per page (bench/cold.py), so each is asked for about once and the "
        "page is rendered every time; the misses column shows it.",
        "",
    ]
    lines += _cached_and_cold(record, SQLITE)
    if any(backend == POSTGRESQL for backend, _ in record.results):
        lines += [
            "",
            f"## PostgreSQL ({record.statements.get(POSTGRESQL, plan.statements):,} statements)",
            "",
            "The same pages on PostgreSQL; × F is against F on PostgreSQL, × Datasette against Datasette on SQLite.",
            "",
        ]
        lines += _backend_table(record, POSTGRESQL)
        lines += ["", "## Cached and cold, side by side (PostgreSQL)", ""]
        lines += _cached_and_cold(record, POSTGRESQL)
    lines += ["", f"## Readers at {plan.editor_rate} saves a second", ""]
    editor = record.extra.get("mixed-editor")
    if isinstance(editor, dict) and "read_loss" in editor:
        lines += _table(
            ["What", "Value"],
            [
                ["Readers", f"{editor['reader']} ({plan.throughput_connections} connections)"],
                ["Statements added per second (aimed at)", f"{editor['saved_rps']:,.1f} ({plan.editor_rate})"],
                ["Form POST p99", f"{editor['post_p99_ms']:.2f} ms"],
                ["Cold reads alone", f"{editor['reads_alone_rps']:,.0f} req/s"],
                ["Cold reads while saving", f"{editor['reads_with_posts_rps']:,.0f} req/s"],
                ["Read throughput lost", f"{editor['read_loss']:.0%}"],
                [
                    f"/countries/{editor['untouched_country']} (nobody posted for it) still 304 to its old ETag",
                    {True: "yes", False: "no", None: DASH}[editor.get("other_country_cached")],
                ],
            ],
        )
    else:
        lines += ["Not run."]
    workers = record.extra.get("workers")
    lines += ["", "## Two workers against one (SQLite, cold pages)", ""]
    if isinstance(workers, dict) and workers:
        lines += [
            "One worker pinned to the server core, as everywhere else in this report; then two workers allowed "
            "on both cores, wrk still on the load core (so it shares a core with them).",
            "",
        ]
        lines += _table(
            ["Page", "1 worker req/s", "2 workers req/s", "Gain"],
            [
                [BY_KEY[key].label, f"{one:,.0f}", f"{two:,.0f}", f"{two / one:.2f}×" if one else DASH]
                for key, (one, two) in workers.items()
            ],
        )
    else:
        lines += ["Not run."]
    lines += ["", "## Mixed load", ""]
    mixed = record.extra.get("mixed")
    if isinstance(mixed, dict) and "post_rps" in mixed:
        lines += _table(
            ["What", "Value"],
            [
                ["Form POSTs answered per second (aimed at)", f"{mixed['post_rps']:,.0f} ({plan.mixed_rate})"],
                [
                    "POSTs answered, and statements added (requests in flight at a run's end add but go unanswered)",
                    f"{mixed['posts_sent']:,}, {mixed['posts_saved']:,}",
                ],
                ["Statements added per second", f"{mixed['saved_rps']:,.0f}"],
                ["Form POST p99", f"{mixed['post_p99_ms']:.2f} ms"],
                ["Reads alone", f"{mixed['reads_alone_rps']:,.0f} req/s"],
                ["Reads while posting", f"{mixed['reads_with_posts_rps']:,.0f} req/s"],
                ["Read throughput lost", f"{mixed['read_loss']:.0%}"],
            ],
        )
    else:
        reason = mixed.get("reason", "not run") if isinstance(mixed, dict) else "not run"
        lines += [f"Not available: {reason}."]
    lines += ["", "## Import", ""]
    lines += _import(record)
    growth = record.extra.get("growth")
    if isinstance(growth, dict) and growth:
        rps: dict[str, tuple[float, float]] = record.extra["growth_rps"]  # type: ignore[assignment]
        lines += [
            "",
            f"## Growth ({plan.baseline_statements:,} → {plan.statements:,} statements)",
            "",
            f"A server on each database, on the same core. In each of the {plan.repeats} repeats a page's "
            "throughput run on one and its run on the other take turns, in slices of about a second (the size "
            "that goes first alternates by repeat), and the throughput kept is the median of those pairs' "
            "ratios: a slow second or two on the host hits both sizes of a pair. req/s are each size's medians.",
            "",
        ]
        lines += _table(
            ["Page", f"req/s at {plan.baseline_statements:,}", f"req/s at {plan.statements:,}", "Throughput kept"],
            [
                [BY_KEY[key].label, f"{rps[key][0]:,.0f}", f"{rps[key][1]:,.0f}", f"{kept:.0%}"]
                for key, kept in growth.items()
            ],
        )
    lines += ["", "## Memory", ""]
    rss = record.extra.get("rss", {})
    lines += _table(["Server", "RSS at end"], [[name, f"{value / 1e6:,.0f} MB"] for name, value in dict(rss).items()])  # type: ignore[call-overload]
    lines += ["", "## Targets", "", "Judged on SQLite figures from this run.", ""]
    rows = []
    for check in CHECKS:
        outcome = check.judge(record.results, record.extra)
        verdict = "not available" if outcome.passed is None else ("pass" if outcome.passed else "miss")
        rows.append([check.what, check.target, outcome.measured, verdict])
    lines += _table(["What", "Target", "Measured", "Result"], rows)
    if record.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in record.notes]
    return "\n".join(lines) + "\n"
