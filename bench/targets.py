"""What the benchmark requests, and the targets its figures are judged by. Both are plain data.

Adding a page is one `Target(...)` line in PAGES; adding a target is one `Check(...)` in CHECKS.
Every page must answer as its Target expects, or the run fails.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.fixture import Fixture

SQLITE, POSTGRESQL = "sqlite", "postgresql"
MATRIX_QUERY = "topic=intercept-over-ukraine"


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    label: str
    path: Callable[[Fixture], str]
    expect: int = 200
    kind: str = "html"  # html or json: which Datasette figure a page is compared with
    fresh: bool = False  # bypass the app's body cache (bench/app.py), so every request renders
    conditional: bool = False  # send If-None-Match with the ETag the page answered with
    gzip: bool = False  # send Accept-Encoding: gzip, as every browser does (wrk sends none)
    server: str = "app"  # app or datasette
    backends: tuple[str, ...] = (SQLITE, POSTGRESQL)
    yardstick: bool = False  # F, plaintext and Datasette: what the pages are measured against
    growth: bool = True  # part of the 10,000 -> 1,000,000 growth check
    latency_run: bool = True  # False: no separate latency runs (no target reads this page's latency)
    p99_judged: bool = (
        False  # a target compares this page's p99 with another's: on SQLite they run side by side (bench/run.py)
    )
    turns_with: str | None = (
        None  # a page whose throughput runs this one's take turns with, slice by slice (bench/run.py)
    )
    cold: str | None = None  # a new URL each request, from bench/cold.py's paths of this kind
    cached_twin: str | None = None  # the page's cached column in the report (one URL, asked again and again)
    latency_connections: int | None = None  # latency runs at this many connections (the plan's otherwise)


def _filters(f: Fixture) -> str:
    return urlencode(
        [
            ("country", f.countries[0]),
            ("country", f.countries[1]),
            ("from", f.date_from.isoformat()),
            ("to", f.date_to.isoformat()),
        ]
    )


def _datasette(f: Fixture, suffix: str) -> str:
    query = urlencode(
        [
            ("country_id__in", ",".join(str(i) for i in f.country_ids)),
            ("said_on__gte", f.date_from.isoformat()),
            ("said_on__lte", f.date_to.isoformat()),
            ("status", "published"),  # the same rows the history lists
            ("_sort_desc", "said_on"),
            ("_size", "50"),
        ]
    )
    return f"/{f.datasette_db}/statement{suffix}?{query}"


PAGES: tuple[Target, ...] = (
    Target(
        "fortunes",
        "F (fortunes: one query, small template)",
        lambda f: "/_bench/fortunes",
        yardstick=True,
        growth=False,
        turns_with="plaintext",
    ),
    Target(
        "plaintext", "Plaintext (async FastAPI endpoint)", lambda f: "/_bench/plaintext", yardstick=True, growth=False
    ),
    Target(
        "bare",
        "Bare FastAPI plaintext (same uvicorn, none of the app's middleware)",
        lambda f: "/_bare/plaintext",
        yardstick=True,
        growth=False,
    ),
    Target("healthz", "/healthz", lambda f: "/healthz", kind="json", growth=False),
    Target("matrix-fresh", "Matrix, rendered fresh", lambda f: f"/matrix?{MATRIX_QUERY}", fresh=True),
    Target("matrix-repeated", "Matrix, repeated at the same data version", lambda f: f"/matrix?{MATRIX_QUERY}"),
    Target(
        "matrix-repeated-gzip",
        "Matrix, repeated, gzipped (as browsers ask)",
        lambda f: f"/matrix?{MATRIX_QUERY}",
        gzip=True,
        backends=(SQLITE,),
        growth=False,
    ),
    Target(
        "matrix-304", "Matrix, 304 (If-None-Match)", lambda f: f"/matrix?{MATRIX_QUERY}", expect=304, conditional=True
    ),
    Target("history", "History page 1", lambda f: "/statements", p99_judged=True),
    Target(
        "history-deep",
        "Deep history page (keyset token; 500,000 rows down, or half the data)",
        lambda f: f"/statements?{urlencode({'after': f.deep_token})}",
        p99_judged=True,
    ),
    Target("history-filtered", "Filtered history: two countries, a date range", lambda f: f"/statements?{_filters(f)}"),
    Target(
        "history-filtered-json", "Filtered history, JSON twin", lambda f: f"/statements.json?{_filters(f)}", kind="json"
    ),
    Target("search", "Full-text search", lambda f: f"/statements?{urlencode({'q': f.word})}"),
    Target("statement", "Statement page", lambda f: f"/statements/{f.statement_id}"),
    Target("country", "Country page", lambda f: f"/countries/{f.country}"),
    *(
        Target(
            f"{twin}-cold",
            label,
            lambda f: "",  # the first of its paths (bench/cold.py)
            kind=kind,
            growth=False,
            cold=cold,
            cached_twin=twin,
            latency_connections=1,
        )
        for twin, cold, kind, label in (
            ("history-filtered", "history-filtered", "html", "Filtered history, a new URL each request"),
            ("history-filtered-json", "history-filtered-json", "json", "Filtered history JSON, a new URL each request"),
            ("search", "search", "html", "Search, a new URL each request"),
            ("statement", "statement", "html", "Statement page, a new id each request"),
            ("country", "country-as-of", "html", "Country page with as_of, a new URL each request"),
            ("matrix-repeated", "matrix-as-of", "html", "Matrix with as_of, a new URL each request"),
        )
    ),
    Target(
        "datasette-html",
        "Datasette table page, filtered (HTML)",
        lambda f: _datasette(f, ""),
        server="datasette",
        backends=(SQLITE,),
        yardstick=True,
        growth=False,
        latency_run=False,
    ),
    Target(
        "datasette-json",
        "Datasette table page, filtered (JSON)",
        lambda f: _datasette(f, ".json"),
        kind="json",
        server="datasette",
        backends=(SQLITE,),
        yardstick=True,
        growth=False,
        latency_run=False,
    ),
)
BY_KEY = {target.key: target for target in PAGES}
COLD = {target.cached_twin: target.key for target in PAGES if target.cold and target.cached_twin}
FORTUNES, PLAINTEXT, BARE = "fortunes", "plaintext", "bare"
F_FLOOR, FRESH_MATRIX_FLOOR = 0.5, 0.15  # F against plaintext, and the fresh matrix against F (CHECKS below)
# The mixed load's target: statements saved a second, their p99, and the most the readers may lose meanwhile.
MIXED_SAVES, MIXED_P99_MS, MIXED_READ_LOSS = 300, 25, 0.20
EDITOR_RATE = 20  # saves a second at a realistic editors' pace (issue 23), beside the flat-out mixed load
TURNS_NOTE = "throughput runs by turns with"  # the note of a page whose runs took turns with its `turns_with`
DATASETTE_FOR_KIND = {"html": "datasette-html", "json": "datasette-json"}


@dataclass(frozen=True, slots=True)
class Figures:
    """A target's medians on one backend, or why it has none."""

    key: str
    backend: str
    path: str
    status: str  # the status the page answered with: "200", "304"
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    runs: tuple[float, ...] = ()  # each throughput run's req/s, for the spread
    note: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    measured: str  # what was found, as the report prints it
    passed: bool | None  # None: could not be judged (a figure is missing)


Results = dict[tuple[str, str], Figures]  # (backend, key) -> figures
Extra = dict[str, object]  # mixed load, memory, growth: figures beyond the per-page ones


def _rps(results: Results, key: str) -> float | None:
    figures = results.get((SQLITE, key))
    return figures.rps if figures else None


def _ratio(results: Results, page: str, base: str, minimum: float) -> Outcome:
    top, bottom = _rps(results, page), _rps(results, base)
    if top is None or bottom is None or bottom == 0:
        return Outcome("not available", None)
    ratio = top / bottom
    return Outcome(f"{ratio:.2f}×", ratio >= minimum)


def _by_turns(results: Results, page: str, base: str, minimum: float) -> Outcome:
    """A page whose throughput runs took turns with its base's (`turns_with`): the median of the rounds' ratios."""
    top, bottom = results.get((SQLITE, page)), results.get((SQLITE, base))
    if (
        not top
        or not bottom
        or TURNS_NOTE not in top.note
        or TURNS_NOTE not in bottom.note
        or not top.runs
        or len(top.runs) != len(bottom.runs)
        or 0 in bottom.runs
    ):
        return _ratio(results, page, base, minimum)  # runs made apart: the ratio of the medians
    ratio = statistics.median(mine / theirs for mine, theirs in zip(top.runs, bottom.runs, strict=True))
    return Outcome(f"{ratio:.2f}× (median of {len(top.runs)} rounds' ratios, the two taking turns)", ratio >= minimum)


def _deep(results: Results, extra: Extra) -> Outcome:
    deep, first = results.get((SQLITE, "history-deep")), results.get((SQLITE, "history"))
    if not deep or not first or deep.p99_ms is None or first.p99_ms is None:
        return Outcome("not available", None)
    ratio = deep.p99_ms / first.p99_ms
    return Outcome(
        f"p99 {deep.p99_ms:.1f} ms vs {first.p99_ms:.1f} ms ({ratio:.2f}×), measured side by side", ratio <= 1.2
    )


def _mixed(results: Results, extra: Extra) -> Outcome:
    mixed = extra.get("mixed")
    if not isinstance(mixed, dict) or "post_rps" not in mixed:
        return Outcome("not available", None)
    # A POST counts when it added a statement: a form shown again (a possible duplicate) is not a save.
    ok = (
        mixed["saved_rps"] >= MIXED_SAVES
        and mixed["post_p99_ms"] <= MIXED_P99_MS
        and mixed["read_loss"] <= MIXED_READ_LOSS
    )
    saves, p99, loss = mixed["saved_rps"], mixed["post_p99_ms"], mixed["read_loss"]
    return Outcome(f"{saves:.0f} saved POST/s, p99 {p99:.1f} ms; reads lose {loss:.0%}", ok)


def _growth(results: Results, extra: Extra) -> Outcome:
    growth = extra.get("growth")
    if not isinstance(growth, dict) or not growth:
        return Outcome("not run (full mode only)", None)
    worst_key = min(growth, key=lambda key: growth[key])
    worst = growth[worst_key]
    return Outcome(f"worst: {BY_KEY[worst_key].label} keeps {worst:.0%}", worst >= 0.85)


def _memory(results: Results, extra: Extra) -> Outcome:
    rss = extra.get("rss_mb")
    if not isinstance(rss, (int, float)):
        return Outcome("not available", None)
    return Outcome(f"{rss:.0f} MB", rss < 300)


@dataclass(frozen=True, slots=True)
class Check:
    what: str
    target: str
    judge: Callable[[Results, Extra], Outcome]


def _page_ratio(page: str, base: str, minimum: float) -> Callable[[Results, Extra], Outcome]:
    return _issue_ratio(page, base, minimum)


def _margin(value: float, target: float, *, at_least: bool) -> str:
    """How far a figure is past its target (met) or short of it (missed), as a share of the target."""
    met = value >= target if at_least else value <= target
    share = abs(value - target) / target if target else 0.0
    return f"{'met' if met else 'missed'} by {share:.0%}"


def _issue_ratio(
    page: str, base: str, minimum: float, p99_ms: float | None = None
) -> Callable[[Results, Extra], Outcome]:
    """Issue 23's form: at least `minimum`× the base's req/s, and (if given) a p99 at or under `p99_ms`."""

    def judge(results: Results, extra: Extra) -> Outcome:
        top, bottom = _rps(results, page), _rps(results, base)
        if top is None or bottom is None or bottom == 0:
            return Outcome("not available", None)
        ratio = top / bottom
        parts = [f"{ratio:.2f}× ({_margin(ratio, minimum, at_least=True)})"]
        passed = ratio >= minimum
        if p99_ms is not None:
            figures = results.get((SQLITE, page))
            if figures is None or figures.p99_ms is None:
                return Outcome(parts[0] + "; p99 not available", None)
            parts.append(f"p99 {figures.p99_ms:.1f} ms ({_margin(figures.p99_ms, p99_ms, at_least=False)})")
            passed = passed and figures.p99_ms <= p99_ms
        return Outcome("; ".join(parts), passed)

    return judge


def _postgres_within(results: Results, extra: Extra) -> Outcome:
    slowest: tuple[float, str] | None = None
    for (backend, key), figures in results.items():
        theirs = results.get((POSTGRESQL, key))
        if backend != SQLITE or BY_KEY[key].yardstick or theirs is None or not figures.rps or not theirs.rps:
            continue  # the yardsticks read no data: the backends differ only in pages
        slower = figures.rps / theirs.rps
        if slowest is None or slower > slowest[0]:
            slowest = (slower, key)
    if slowest is None:
        return Outcome("not available (no PostgreSQL run)", None)
    ratio, key = slowest
    return Outcome(
        f"slowest: {BY_KEY[key].label}, {ratio:.2f}× slower ({_margin(ratio, 2.0, at_least=False)})", ratio <= 2
    )


def _editor_rate(results: Results, extra: Extra) -> Outcome:
    mixed = extra.get("mixed-editor")
    if not isinstance(mixed, dict) or "read_loss" not in mixed:
        return Outcome("not available", None)
    loss = float(mixed["read_loss"])
    saved = float(mixed["saved_rps"])
    kept = mixed.get("other_country_cached")
    verdict = loss <= MIXED_READ_LOSS and kept is not False
    cached = (
        ""
        if kept is None
        else ("; another country's page stayed cached" if kept else "; another country's page did not stay cached")
    )
    return Outcome(
        f"{saved:.0f} saves/s; reads lose {loss:.0%} ({_margin(loss, MIXED_READ_LOSS, at_least=False)}){cached}",
        verdict,
    )


def _workers(results: Results, extra: Extra) -> Outcome:
    workers = extra.get("workers")
    if not isinstance(workers, dict) or not workers:
        return Outcome("not available", None)
    gains = [two / one for one, two in workers.values() if one]
    if not gains:
        return Outcome("not available", None)
    gain = min(gains)
    return Outcome(f"worst cold page {gain:.2f}× ({_margin(gain, 1.6, at_least=True)})", gain >= 1.6)


IMPORT_RATE = 5_000  # statements a second


def _import(results: Results, extra: Extra) -> Outcome:
    measured = extra.get("import")
    figures = measured.get(SQLITE) if isinstance(measured, dict) else None
    if not isinstance(figures, dict):
        return Outcome("not available", None)
    rate = figures["added"] / figures["seconds"]
    return Outcome(
        f"{rate:,.0f} statements/s: {figures['added']:,} into {figures['before']:,} "
        f"({_margin(rate, IMPORT_RATE, at_least=True)})",
        rate >= IMPORT_RATE,
    )


def _not_here(where: str) -> Callable[[Results, Extra], Outcome]:
    return lambda results, extra: Outcome(f"not measured here: {where}", None)


CHECKS: tuple[Check, ...] = (
    # Issue 23: cold pages, the app's floor against bare FastAPI, /healthz, saves, workers.
    Check("F", "≥ 0.3× bare FastAPI plaintext", _issue_ratio(FORTUNES, BARE, 0.3)),
    Check("App plaintext", "≥ 0.6× bare FastAPI plaintext", _issue_ratio(PLAINTEXT, BARE, 0.6)),
    Check("/healthz", "≥ 1× F", _issue_ratio("healthz", FORTUNES, 1.0)),
    Check(
        "Cold filtered history (HTML)",
        "≥ 0.3× F; p99 ≤ 25 ms at 1 connection",
        _issue_ratio("history-filtered-cold", FORTUNES, 0.3, 25),
    ),
    Check(
        "Cold filtered history (JSON)",
        "≥ 0.3× F; p99 ≤ 25 ms at 1 connection",
        _issue_ratio("history-filtered-json-cold", FORTUNES, 0.3, 25),
    ),
    Check("Cold search", "≥ 0.2× F; p99 ≤ 40 ms at 1 connection", _issue_ratio("search-cold", FORTUNES, 0.2, 40)),
    Check("Cold statement page", "≥ 0.8× F", _issue_ratio("statement-cold", FORTUNES, 0.8)),
    Check(
        "Cold country page (as_of)",
        "≥ 0.2× F; p99 ≤ 40 ms at 1 connection",
        _issue_ratio("country-cold", FORTUNES, 0.2, 40),
    ),
    Check(
        "Cold matrix (as_of)",
        "≥ 0.1× F; p99 ≤ 60 ms at 1 connection",
        _issue_ratio("matrix-repeated-cold", FORTUNES, 0.1, 60),
    ),
    Check("A save", "≤ 4 ms of CPU", _not_here("`make bench-cpu CPU_ARGS=form-save`")),
    Check(
        f"Readers at {EDITOR_RATE} saves a second",
        "lose ≤ 20% of their cold-page throughput; another country's cached page stays cached",
        _editor_rate,
    ),
    Check("intercept-watch import", f"≥ {IMPORT_RATE:,} statements a second into a 1M database", _import),
    Check("Two workers on 2 cores", "≥ 1.6× one worker, cold pages", _workers),
    Check("PostgreSQL beside SQLite", "no page more than 2× slower", _postgres_within),
    # Issue 5's targets, kept (the cached pages among them: the matrix repeated and its 304).
    Check(
        "F itself", f"≥ {F_FLOOR}× plaintext", lambda results, extra: _by_turns(results, FORTUNES, PLAINTEXT, F_FLOOR)
    ),
    Check(
        "Matrix, rendered fresh",
        f"≥ {FRESH_MATRIX_FLOOR}× F",
        _page_ratio("matrix-fresh", FORTUNES, FRESH_MATRIX_FLOOR),
    ),
    Check("Matrix, repeated at the same data version", "≥ 1.0× F", _page_ratio("matrix-repeated", FORTUNES, 1.0)),
    Check("Matrix, 304", "≥ 1.5× F", _page_ratio("matrix-304", FORTUNES, 1.5)),
    Check("History page 1", "≥ 0.5× F", _page_ratio("history", FORTUNES, 0.5)),
    Check("Deep page", "p99 ≤ 1.2× page 1's p99", _deep),
    Check("Filtered history (HTML)", "≥ 50× Datasette (HTML)", _page_ratio("history-filtered", "datasette-html", 50)),
    Check(
        "Filtered history JSON twin",
        "≥ 50× Datasette (JSON)",
        _page_ratio("history-filtered-json", "datasette-json", 50),
    ),
    Check("Full-text search", "≥ 0.2× F", _page_ratio("search", FORTUNES, 0.2)),
    Check("Statement page", "≥ 0.4× F", _page_ratio("statement", FORTUNES, 0.4)),
    Check("Country page", "≥ 0.4× F", _page_ratio("country", FORTUNES, 0.4)),
    Check(
        "Form POST under read load",
        f"≥ {MIXED_SAVES}/s, p99 ≤ {MIXED_P99_MS} ms; reads lose ≤ {MIXED_READ_LOSS:.0%}",
        _mixed,
    ),
    Check("Growing from 10,000 statements", "each page keeps ≥ 85% of its throughput", _growth),
    Check("Memory", "server RSS < 300 MB", _memory),
)
