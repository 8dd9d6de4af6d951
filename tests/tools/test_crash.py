"""`make crash`, small: the server killed with SIGKILL five times during writes loses nothing it acknowledged."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from tools import crash


@pytest.mark.slow
def test_five_kills_during_writes_lose_nothing_acknowledged(tmp_path: Path) -> None:
    seed_value = random.randrange(1 << 30)
    report = crash.run(kills=5, threads=2, folder=tmp_path, seed_value=seed_value, quiet=True)
    summary = f"seed {seed_value}: {report}"
    assert report.kills == 5, summary
    assert report.creates_acknowledged > 0 and report.edits_acknowledged > 0, summary
    assert report.refused == 0, summary
    assert report.missing == [] and report.stale_edits == [], summary
    assert report.integrity == "ok", summary
    assert report.scores_match_rebuild and report.score_rows > 0, summary
    assert report.ok, summary


def test_the_check_finds_a_lost_write_and_scores_that_disagree(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    crash.prepare(database_url)
    writers = crash.Writers.__new__(crash.Writers)
    writers.created = {"A statement the server acknowledged but never stored.": 999_999}
    writers.edited = {}
    connection = sqlite3.connect(tmp_path / "store.sqlite3")
    connection.execute("UPDATE stance_score SET score = score + 1 WHERE rowid = (SELECT min(rowid) FROM stance_score)")
    connection.commit()
    connection.close()
    report = crash.Report()
    crash.check(database_url, writers, report)
    assert report.missing == ["A statement the server acknowledged but never stored."]
    assert report.integrity == "ok" and not report.scores_match_rebuild and not report.ok
