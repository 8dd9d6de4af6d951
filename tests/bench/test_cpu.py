"""bench/cpu.py: CPU time per request for each page asked for, beside plaintext, F and the lean F.

No figure is judged: the test checks that every page was measured and the table says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import cpu
from bench.targets import LEAN_FORTUNES
from tests.support import markdown_table, need_bench_tools

pytestmark = pytest.mark.slow


def test_each_page_is_measured_and_set_beside_plaintext_f_and_the_lean_f(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    need_bench_tools()
    keys = ["plaintext", "fortunes", LEAN_FORTUNES.key, "matrix-fresh", "statement"]
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
    assert rows["fortunes"]["× F"] == "1.000" and rows[LEAN_FORTUNES.key]["× lean F"] == "1.000"
    assert "Fresh matrix against plaintext:" in rest and "need 0.075× or more" in rest


def test_an_unknown_page_is_refused_before_anything_runs() -> None:
    with pytest.raises(SystemExit, match="unknown page matrix-stale: choose from .*fortunes-lean"):
        cpu.main(["--quick", "matrix-stale"])


@pytest.mark.parametrize("option", ["--rounds", "--seconds"])
def test_rounds_and_seconds_must_be_at_least_one(option: str) -> None:
    with pytest.raises(SystemExit, match="at least 1"):
        cpu.main(["--quick", option, "0"])
