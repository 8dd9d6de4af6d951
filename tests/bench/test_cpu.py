"""bench/cpu.py: CPU time per request for each page asked for, beside plaintext and F.

No figure is judged: the test checks that every page was measured and the table says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import cpu, mixed
from bench.config import parser as bench_parser
from bench.config import plan_from
from bench.run import sqlite_database, sqlite_url, working_copy
from bench.servers import app_server
from bench.wrk import BenchError
from tests.support import markdown_table, need_bench_tools

pytestmark = pytest.mark.slow


def test_each_page_is_measured_and_set_beside_plaintext_and_f(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need_bench_tools()
    keys = ["plaintext", "fortunes", "matrix-fresh", "statement", "matrix-repeated-cold"]  # a cold page: its paths
    assert cpu.main(["--quick", "--cache-dir", str(tmp_path), "--rounds", "2", "--seconds", "1", *keys]) == 0
    output = capsys.readouterr().out
    heading, _, rest = output.partition("\n\n")
    assert heading.startswith("10,000 statements (SQLite)") and "2 rounds of 1 s" in heading
    rows = {row["Key"].strip("`"): row for row in markdown_table(rest)}
    assert list(rows) == keys
    for key, row in rows.items():
        cpu_us = float(row["CPU µs per request (median)"].replace(",", ""))
        assert cpu_us > 0, key
        low, high = (float(part.replace(",", "")) for part in row["rounds"].split("–"))
        assert low <= cpu_us <= high
        assert float(row["req/s"].replace(",", "")) > 0
    assert rows["plaintext"]["× plaintext"] == "1.000"
    assert rows["fortunes"]["× F"] == "1.000"
    assert "Fresh matrix against plaintext:" in rest and "need 0.075× or more" in rest


def test_the_form_post_is_measured_with_what_300_a_second_would_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need_bench_tools()
    keys = ["plaintext", "form-save"]
    assert cpu.main(["--quick", "--cache-dir", str(tmp_path), "--rounds", "1", "--seconds", "1", *keys]) == 0
    _, _, rest = capsys.readouterr().out.partition("\n\n")
    rows = {row["Key"].strip("`"): row for row in markdown_table(rest)}
    assert list(rows) == keys
    cost = {key: float(row["CPU µs per request (median)"].replace(",", "")) for key, row in rows.items()}
    assert all(value > 0 for value in cost.values())
    [save] = [line for line in rest.splitlines() if line.startswith(f"{cpu.FORM_SAVE.label}: 300 a second take")]
    assert f"300 a second take {300 * cost['form-save'] / 1e6:.0%} of the core" in save
    saved, answered = (
        int(part.replace(",", "")) for part in re.findall(r"([\d,]+) (?:statements saved|POSTs answered)", save)
    )
    assert 0 < answered and saved >= answered * cpu.MIN_SAVED
    assert "leaves each POST 667 µs of the core, save included." in rest


def test_profile_lists_where_each_pages_time_went(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need_bench_tools()
    keys = ["plaintext", "form-save"]
    assert (
        cpu.main(["--quick", "--cache-dir", str(tmp_path), "--rounds", "1", "--seconds", "1", "--profile", *keys]) == 0
    )
    output = capsys.readouterr().out
    parts = output.split("Where the server's time went during ")[1:]
    sections = {part.partition(" (py-spy")[0]: part for part in parts}
    assert set(sections) == {"Plaintext (async FastAPI endpoint)", "Form POST, saved (a new statement each)"}
    saving = {row["Function"].strip("`") for row in markdown_table(sections["Form POST, saved (a new statement each)"])}
    assert "create_statement" in saving  # the form's route
    for section in sections.values():
        stacks = Path(section.partition("stacks in ")[2].partition("):")[0])
        assert stacks.is_file() and stacks.stat().st_size > 0


def test_a_form_run_whose_posts_did_not_save_is_refused(tmp_path: Path) -> None:
    """Bodies sent to the form a second time are idempotent retries, answered without a save: not a save's figure."""
    need_bench_tools()
    plan = plan_from(bench_parser().parse_args(["--quick", "--cache-dir", str(tmp_path)]))
    url = sqlite_url(working_copy(plan, sqlite_database(plan, plan.statements)))
    with app_server(url, core=plan.server_core, log=tmp_path / "uvicorn.log") as server:
        poster = cpu.Poster(server, url, tmp_path, 2_000)
        form_url = server.base_url + mixed.FORM_PATH
        first = cpu.measure(
            server,
            cpu.FORM_SAVE,
            form_url,
            poster.headers,
            core=plan.load_core,
            connections=2,
            seconds=1,
            poster=poster,
        )
        assert first.saved is not None and first.saved >= first.requests * cpu.MIN_SAVED
        poster.next_body = 0  # the same bodies again
        with pytest.raises(BenchError, match=r"POSTs answered but only \d+ statements saved"):
            cpu.measure(
                server,
                cpu.FORM_SAVE,
                form_url,
                poster.headers,
                core=plan.load_core,
                connections=2,
                seconds=1,
                poster=poster,
            )


def test_an_unknown_page_is_refused_before_anything_runs() -> None:
    with pytest.raises(SystemExit, match="unknown page matrix-stale: choose from .*form-save"):
        cpu.main(["--quick", "matrix-stale"])


@pytest.mark.parametrize("option", ["--rounds", "--seconds"])
def test_rounds_and_seconds_must_be_at_least_one(option: str) -> None:
    with pytest.raises(SystemExit, match="at least 1"):
        cpu.main(["--quick", option, "0"])
