"""`make fuzz`: schemathesis, every check, against the app's own OpenAPI document, signed out and as an editor.

Each run serves a fresh database (the full seed, an editor with an API token) on a free port and points
the schemathesis command line at its /openapi.json. `make fuzz` runs at least 100 examples per operation
on SQLite and, when TEST_DATABASE_URL names a server, on PostgreSQL, and prints cases and failures per
operation; tests/web/test_openapi.py runs the same with fewer examples in CI.

Imported by schemathesis as its hooks module (SCHEMATHESIS_HOOKS=tools.fuzz): `filter_query` leaves out
the combinations of parameters the document describes in words but no JSON Schema can (a `from` after
its `to`, an `as_of` in the future). Every single value the document allows is still sent.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import schemathesis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import params, paths  # noqa: E402
from app.accounts import service as accounts_service  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import Database  # noqa: E402
from app.interchange.seed import seed  # noqa: E402
from app.stances import scoring  # noqa: E402
from app.stances.matrix import DEFAULT_MONTHS, MAX_MONTHS  # noqa: E402
from app.statements.rules import latest_allowed_date  # noqa: E402
from app.system import migrations  # noqa: E402

WHO = ("signed out", "editor")
# The write API's rules go beyond what JSON Schema can say (an actor on record, or a new one with their
# office; a date after 24 February 2022 and not in the future; a source's URL that can be normalised),
# so a schema-valid statement may still be refused with 422, naming each field.
CONFIG = """
[[operations]]
include-path-regex = "^/api/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422"]
"""


# ---- The hook


def _day(value: Any) -> date | None:
    import re

    return date.fromisoformat(value) if isinstance(value, str) and re.fullmatch(params.DAY, value) else None


def _month(value: Any) -> date | None:
    import re

    if not isinstance(value, str) or not re.fullmatch(params.MONTH, value):
        return None
    return date(int(value[:4]), int(value[5:7]), 1)


def breaks_a_rule_between_parameters(path: str, query: dict[str, Any], today: date) -> bool:
    """Whether a query breaks one of the rules its parameters' descriptions state about each other or the date."""
    if path.startswith("/statements"):
        first, last = _day(query.get("from")), _day(query.get("to"))
        return bool(first and last and first > last) or bool(query.get("after") and query.get("before"))
    as_of = _day(query.get("as_of"))
    if as_of is not None and as_of > today:
        return True
    cell = query.get("cell")
    month = _month(query.get("month") or (cell.partition(":")[2] if isinstance(cell, str) else None))
    if path.startswith("/matrix") and as_of is not None and month is not None and as_of < month:
        return True
    if path in ("/matrix", "/matrix.json", "/matrix/cell"):
        this_month = today.replace(day=1)
        first, last = _month(query.get("from")), _month(query.get("to"))
        if last is not None and last > this_month:
            return True
        last = last or (max(first, this_month) if first else this_month)
        if as_of is not None:
            last = min(last, as_of.replace(day=1))
        first = first or scoring.months_before(last, DEFAULT_MONTHS - 1)
        return first > last or len(scoring.months_between(first, last)) > MAX_MONTHS
    return False


@schemathesis.hook
def filter_query(ctx: Any, query: dict[str, Any] | None) -> bool:
    """Send every query but those that break a rule between parameters (those are tested by name in the suite)."""
    if not query:
        return True
    return not breaks_a_rule_between_parameters(ctx.operation.path, query, latest_allowed_date())


# ---- Serving a database and fuzzing it


def fresh_database(server_url: str | None, workdir: Path, label: str) -> str:
    """A new database: a SQLite file in `workdir`, or a new database on the PostgreSQL server named."""
    if server_url is None:
        return f"sqlite:///{workdir / label}.sqlite3"
    server = make_url(Settings(database_url=server_url).database_url)
    name = f"iw_fuzz_{os.getpid()}_{label}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database `fresh_database` made (a SQLite file goes with its folder)."""
    if not url.startswith("postgresql"):
        return
    database = make_url(url)
    admin = create_engine(database.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database.database}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str) -> str:
    """Migrate and seed the database, add an editor; the editor's API token."""
    migrations.upgrade(url)
    database = Database.from_url(url)
    try:
        with database.write() as session:
            seed(session=session, directory=paths.SEEDS)
            user = accounts_service.add_user(
                session=session,
                email="fuzz-editor@example.org",
                password="fuzz editor password",
                password_confirm="fuzz editor password",
                role="editor",
            )
            return accounts_service.create_token(session=session, user=user, name="fuzz").token
    finally:
        database.dispose()


@dataclass
class Figures:
    """Cases and failures per operation of one run."""

    cases: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)
    exit_code: int = 0


def read_report(path: Path) -> Figures:
    figures = Figures()
    for line in path.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished.get("recorder") or {}
        label = recorder.get("label", "?")
        figures.cases[label] += len(recorder.get("cases", {}))
        for checks in (recorder.get("checks") or {}).values():
            for check in checks:
                if check.get("status") == "failure":
                    figures.failures[label] += 1
    return figures


def fuzz(base_url: str, *, token: str | None, examples: int, workdir: Path, seed_value: int | None = None) -> Figures:
    """Run schemathesis, every check, against the app at `base_url`; the figures per operation."""
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    reports = Path(tempfile.mkdtemp(dir=workdir, prefix="report-"))
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(examples),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--suppress-health-check",
        "filter_too_much,too_slow",
        "--report",
        "ndjson",
        "--report-dir",
        str(reports),
    ]
    if seed_value is not None:
        command += ["--seed", str(seed_value)]
    if token is not None:
        command += ["--header", f"Authorization: Bearer {token}"]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "tools.fuzz", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=workdir, env=environment, capture_output=True, text=True, check=False)
    [report] = reports.glob("*.ndjson")
    figures = read_report(report)
    figures.exit_code = done.returncode
    if done.returncode != 0:
        figures.messages.append(done.stdout[-20000:] + done.stderr[-5000:])
    return figures


def table(results: dict[tuple[str, str], Figures]) -> str:
    """Markdown: cases and failures per operation, one column pair per database and viewer."""
    runs = list(results)
    labels = sorted({label for figures in results.values() for label in figures.cases})
    head = "| Operation | " + " | ".join(f"{db}, {who}: cases / failures" for db, who in runs) + " |"
    lines = [head, "|---|" + "---|" * len(runs)]
    for label in labels:
        cells = [f"{results[run].cases[label]} / {results[run].failures[label]}" for run in runs]
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    totals = [f"{sum(results[run].cases.values())} / {sum(results[run].failures.values())}" for run in runs]
    lines.append("| **All** | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def main() -> int:
    from tests.conftest import settings_for
    from tests.support import LiveServer

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and phase (default 100)")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"), help="a PostgreSQL server URL")
    parser.add_argument("--report", type=Path, default=ROOT / "build" / "fuzz.md", help="where to write the table")
    options = parser.parse_args()
    servers: dict[str, str | None] = {"SQLite": None}
    if options.postgres:
        servers["PostgreSQL"] = options.postgres
    else:
        print("TEST_DATABASE_URL is not set: SQLite only", file=sys.stderr)
    results: dict[tuple[str, str], Figures] = {}
    with tempfile.TemporaryDirectory(prefix="iw-fuzz-") as folder:
        workdir = Path(folder)
        for database, server in servers.items():
            for who in WHO:
                url = fresh_database(server, workdir, f"{database.lower()}_{WHO.index(who)}")
                try:
                    token = prepare(url)
                    with LiveServer(settings_for(url)) as live:
                        figures = fuzz(
                            live.url,
                            token=token if who == "editor" else None,
                            examples=options.examples,
                            workdir=workdir,
                        )
                finally:
                    drop_database(url)
                results[(database, who)] = figures
                print(
                    f"{database}, {who}: {sum(figures.cases.values())} cases, "
                    f"{sum(figures.failures.values())} failures",
                    flush=True,
                )
                for message in figures.messages:
                    print(message)
    report = table(results)
    options.report.parent.mkdir(parents=True, exist_ok=True)
    options.report.write_text(report + "\n", encoding="utf-8")
    print(report)
    return 1 if any(figures.exit_code or figures.failures for figures in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
