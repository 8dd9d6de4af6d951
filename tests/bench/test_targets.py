"""bench/targets.py: every page's URL builds, and every target is judged from the figures it names."""

from __future__ import annotations

from datetime import date

from bench.fixture import Fixture
from bench.targets import BY_KEY, CHECKS, PAGES, SQLITE, TURNS_NOTE, Figures, Outcome, Results

FIXTURE = Fixture(
    statements=100,
    published=99,
    countries=("PL", "HU"),
    country_ids=(23, 13),
    date_from=date(2025, 1, 1),
    date_to=date(2025, 6, 30),
    word="Uzhhorod",
    statement_id=42,
    country="PL",
    actor_slug="anna-nowak",
    deep_rows=50,
    deep_token="2025-01-01.7.sig",
    datasette_db="synthetic",
)


def _results(rps: float, **overrides: float) -> Results:
    return {
        (SQLITE, t.key): Figures(
            t.key, SQLITE, t.path(FIXTURE), "200", rps=overrides.get(t.key, rps), p50_ms=1, p99_ms=2
        )
        for t in PAGES
    }


def test_every_page_builds_its_url_and_keys_are_unique() -> None:
    assert len(BY_KEY) == len(PAGES)
    paths = {t.key: t.path(FIXTURE) for t in PAGES}
    assert paths["history-filtered"] == "/statements?country=PL&country=HU&from=2025-01-01&to=2025-06-30"
    assert paths["history-deep"] == "/statements?after=2025-01-01.7.sig"
    assert paths["datasette-json"].startswith(
        "/synthetic/statement.json?country_id__in=23%2C13&said_on__gte=2025-01-01"
    )
    assert "_size=50" in paths["datasette-html"] and "_sort_desc=said_on" in paths["datasette-html"]
    assert "status=published" in paths["datasette-html"]  # the rows the history lists
    assert BY_KEY["matrix-304"].expect == 304 and BY_KEY["matrix-304"].conditional and BY_KEY["matrix-fresh"].fresh


def test_nothing_is_judged_without_figures() -> None:
    for check in CHECKS:
        assert check.judge({}, {}).passed is None, check.what


def test_page_ratios_pass_and_miss_at_their_thresholds() -> None:
    judged = {check.what: check.judge for check in CHECKS}
    results = _results(100, plaintext=200, **{"datasette-html": 2, "datasette-json": 2})
    assert judged["F itself"](results, {}).passed is True  # 100 / 200 = 0.5
    assert judged["Filtered history (HTML)"](results, {}).passed is True  # 100 / 2 = 50
    assert judged["Matrix, 304"](results, {}).passed is False  # 100 / 100 < 1.5
    slow = _results(100, plaintext=201, search=19)
    assert judged["F itself"](slow, {}).passed is False
    assert judged["Full-text search"](slow, {}).passed is False
    not_page_ratios = {
        "A save",
        "intercept-watch import",
        "Readers at 20 saves a second",
        "Two workers on 2 cores",
        "PostgreSQL beside SQLite",
        "Deep page",
        "Form POST under read load",
        "Growing from 10,000 statements",
        "Memory",
    }
    for check in CHECKS:  # every page ratio names figures the pages produce
        if check.what not in not_page_ratios:
            assert check.judge(results, {}).passed is not None, check.what


def test_issue_23s_targets_say_by_how_much_they_are_met_or_missed() -> None:
    judged = {check.what: check.judge for check in CHECKS}
    results = _results(100, bare=400, plaintext=200, **{"search-cold": 25, "statement-cold": 60})
    assert judged["F"](results, {}) == Outcome("0.25× (missed by 17%)", False)  # 100 / 400 against 0.3
    assert judged["App plaintext"](results, {}) == Outcome("0.50× (missed by 17%)", False)
    assert judged["/healthz"](results, {}).passed is True
    search = judged["Cold search"](results, {})  # 0.25× F against 0.2×, p99 2 ms against 40
    assert search == Outcome("0.25× (met by 25%); p99 2.0 ms (met by 95%)", True)
    results[(SQLITE, "search-cold")] = Figures("search-cold", SQLITE, "/", "200", rps=25, p50_ms=20, p99_ms=50)
    assert judged["Cold search"](results, {}) == Outcome("0.25× (met by 25%); p99 50.0 ms (missed by 25%)", False)
    assert judged["Cold statement page"](results, {}).passed is False  # 0.6× against 0.8×
    workers = {"workers": {"search-cold": (100.0, 170.0), "statement-cold": (100.0, 150.0)}}
    assert judged["Two workers on 2 cores"](results, workers) == Outcome("worst cold page 1.50× (missed by 6%)", False)
    editor = {"mixed-editor": {"read_loss": 0.1, "saved_rps": 20.0, "other_country_cached": True}}
    assert judged["Readers at 20 saves a second"](results, editor).passed is True
    editor["mixed-editor"]["other_country_cached"] = False
    assert judged["Readers at 20 saves a second"](results, editor).passed is False


def test_f_against_plaintext_is_the_median_of_the_rounds_ratios_when_they_took_turns() -> None:
    judged = {check.what: check.judge for check in CHECKS}
    assert BY_KEY["fortunes"].turns_with == "plaintext"
    results = _results(100)
    by_turns = {"note": f"{TURNS_NOTE} the other, in slices"}
    # Rounds at 0.54, 0.48 and 0.58: the median round says 0.54, where the medians (480 / 1,000) say 0.48.
    results[(SQLITE, "fortunes")] = Figures("fortunes", SQLITE, "/", "200", rps=480, runs=(300, 480, 700), **by_turns)
    results[(SQLITE, "plaintext")] = Figures(
        "plaintext", SQLITE, "/", "200", rps=1000, runs=(560, 1000, 1200), **by_turns
    )
    outcome = judged["F itself"](results, {})
    assert outcome.passed is True and outcome.measured.startswith("0.54× (median of 3 rounds' ratios")
    results[(SQLITE, "fortunes")] = Figures("fortunes", SQLITE, "/", "200", rps=450, runs=(300, 450, 560), **by_turns)
    assert judged["F itself"](results, {}).passed is False  # rounds at 0.54, 0.45 and 0.47
    # Runs made apart (no turns taken, or not lined up): the ratio of the medians, as for other pages.
    results[(SQLITE, "fortunes")] = Figures("fortunes", SQLITE, "/", "200", rps=480, runs=(300, 480, 700))
    assert judged["F itself"](results, {}).measured == "0.48×"
    results[(SQLITE, "fortunes")] = Figures("fortunes", SQLITE, "/", "200", rps=480, runs=(480,), **by_turns)
    assert judged["F itself"](results, {}).measured == "0.48×"


def test_deep_page_mixed_load_growth_and_memory() -> None:
    judged = {check.what: check.judge for check in CHECKS}
    results = _results(100)
    results[(SQLITE, "history-deep")] = Figures("history-deep", SQLITE, "/", "200", rps=90, p50_ms=1, p99_ms=2.5)
    assert judged["Deep page"](results, {}).passed is False  # 2.5 > 1.2 × 2
    mixed = {"post_rps": 330.0, "saved_rps": 310.0, "post_p99_ms": 20.0, "read_loss": 0.1}
    assert judged["Form POST under read load"](results, {"mixed": mixed}).passed is True
    assert judged["Form POST under read load"](results, {"mixed": {**mixed, "read_loss": 0.25}}).passed is False
    # POSTs answered fast enough, but too few of them saved a statement
    assert judged["Form POST under read load"](results, {"mixed": {**mixed, "saved_rps": 250.0}}).passed is False
    assert judged["Form POST under read load"](results, {"mixed": {"reason": "not yet"}}).passed is None
    assert (
        judged["Growing from 10,000 statements"](results, {"growth": {"history": 0.9, "search": 0.8}}).passed is False
    )
    assert judged["Memory"](results, {"rss_mb": 120.0}).passed is True
    assert judged["Memory"](results, {"rss_mb": 300.0}).passed is False
