"""The import's figure: `intercept-watch import` of N new statements into a copy of the benchmarked database.

The file is made from the database itself: N statements picked at random (a fixed seed), each written
as its interchange record with a quote no stored statement has (so none is skipped as already present)
and its first source moved to a new address (so the import creates sources as well as reusing them).
The actors, offices and topics are the stored ones, as in an editor's file of new statements. The
command runs in its own process, as a person runs it, and is timed from start to exit.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from app.config import normalise_database_url
from app.statements import repository as statements_repository
from app.statements.records import FORMAT_NAME, FORMAT_VERSION, statement_record

IMPORT_HOST = "import.synthetic.example.org"
_IMPORTED = re.compile(r"Imported (\d+) statement\(s\); skipped (\d+) already present")


class ImportFailed(Exception):
    """The import command failed or added other than every statement in the file."""


@dataclass(frozen=True, slots=True)
class ImportFigures:
    statements: int  # in the file, each new
    added: int
    skipped: int
    before: int  # statements in the database before the import
    seconds: float  # the command, from start to exit

    @property
    def rate(self) -> float:
        return self.added / self.seconds if self.seconds else 0.0


def make_import_file(database_url: str, path: Path, *, count: int, seed: int) -> int:
    """Write `count` new statements in the interchange format to `path`; returns the statements stored now."""
    engine = create_engine(normalise_database_url(database_url))
    try:
        with Session(engine) as session:
            ids = list(session.execute(text("SELECT id FROM statement ORDER BY id")).scalars())
            picked = sorted(random.Random(seed).sample(ids, min(count, len(ids))))
            records = []
            for start in range(0, len(picked), 1000):
                for card in statements_repository.cards(session, picked[start : start + 1000]):
                    records.append(_new_record(statement_record(card), card.id, seed))
    finally:
        engine.dispose()
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "statements": records}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return len(ids)


def _new_record(record: dict[str, Any], statement_id: int, seed: int) -> dict[str, Any]:
    """The record of a statement not stored yet: another quote, and a first source at a new address."""
    record["quote"] = f"{record['quote']} (Said again, {seed}-{statement_id}.)"
    # A few synthetic quotes lack the translation the rules ask for: the file gives them one.
    if record["translation"] or record["language"] != "en":
        record["translation"] = f"{record['translation'] or record['quote']} (Said again, {seed}-{statement_id}.)"
    first = record["sources"][0]
    record["sources"][0] = first | {"url": f"https://{IMPORT_HOST}/{seed}/{statement_id}", "key": None}
    return record


def run_import(database_url: str, path: Path, *, statements: int, before: int) -> ImportFigures:
    """Time `intercept-watch --database-url URL import FILE` in its own process; ImportFailed unless all are added."""
    command = [sys.executable, "-m", "app.cli", "--database-url", database_url, "import", str(path)]
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("DATABASE_URL", None)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.monotonic() - started
    found = _IMPORTED.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise ImportFailed(f"the import exited {done.returncode}: {(done.stdout + done.stderr)[-2000:]}")
    added, skipped = int(found[1]), int(found[2])
    if added != statements:
        raise ImportFailed(f"the import added {added} of {statements} new statements ({skipped} skipped)")
    return ImportFigures(statements=statements, added=added, skipped=skipped, before=before, seconds=seconds)
