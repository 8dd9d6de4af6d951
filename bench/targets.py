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
FORTUNES, PLAINTEXT = "fortunes", "plaintext"
F_FLOOR, FRESH_MATRIX_FLOOR = 0.5, 0.15  # F against plaintext, and the fresh matrix against F (CHECKS below)
# The mixed load's target: statements saved a second, their p99, and the most the readers may lose meanwhile.
MIXED_SAVES, MIXED_P99_MS, MIXED_READ_LOSS = 300, 25, 0.20
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
    return lambda results, extra: _ratio(results, page, base, minimum)


CHECKS: tuple[Check, ...] = (
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
