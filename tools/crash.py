"""`make crash`: kill -9 the server again and again while clients write through the JSON API, then check the store.

Serves a seeded SQLite file with `python -m app.cli serve` as a real process. Writer threads post new
statements (and correct some) with an API token, each with its own Idempotency-Key, and note every
write the server acknowledged (2xx). At random moments the server is killed with SIGKILL and started
again. At the end, with the server stopped: every acknowledged statement is stored, every acknowledged
correction is at least as new as stored, `PRAGMA integrity_check` says ok, and the stored scores equal
a rebuild from the statements (app.stances.refresh.rebuild_all, in a transaction rolled back).

    python -m tools.crash                 # 50 kills (make crash)
    python -m tools.crash --kills 5       # what CI runs, in tests/tools/test_crash.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import paths  # noqa: E402
from app.accounts import service as accounts_service  # noqa: E402
from app.db import Database  # noqa: E402
from app.interchange.seed import seed  # noqa: E402
from app.stances import refresh as stances_refresh  # noqa: E402
from app.stances import repository as stances_repository  # noqa: E402
from app.stances.models import StanceScore  # noqa: E402
from app.statements.models import Statement  # noqa: E402
from app.system import migrations  # noqa: E402

SCORE_COLUMNS = [column.name for column in StanceScore.__table__.columns]
WRITER = "crash@example.org"
# Actors of the seed data with an office held through the dates written here.
SPEAKERS = (
    ("Radosław Sikorski", "PL", "Minister of Foreign Affairs"),
    ("Donald Tusk", "PL", "Prime Minister"),
)
TOPIC = "intercept-over-ukraine"


@dataclass
class Report:
    kills: int = 0
    writes_sent: int = 0
    creates_acknowledged: int = 0
    edits_acknowledged: int = 0
    refused: int = 0  # 4xx: a bug in the harness or the app, reported
    connection_errors: int = 0  # the server was down or died mid-request: not acknowledged, retried
    missing: list[str] = field(default_factory=list)
    stale_edits: list[int] = field(default_factory=list)
    integrity: str = ""
    scores_match_rebuild: bool = False
    score_rows: int = 0
    statements_stored: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.missing
            and not self.stale_edits
            and self.integrity == "ok"
            and self.scores_match_rebuild
            and self.refused == 0
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(database_url: str) -> str:
    """Migrate and seed the store, add the writer and its API token; the Authorization header."""
    migrations.upgrade(database_url)
    database = Database.from_url(database_url)
    try:
        with database.write() as session:
            seed(session=session, directory=paths.SEEDS)
            user = accounts_service.add_user(
                session=session, email=WRITER, password="crash-test-password", role="editor"
            )
            token = accounts_service.create_token(session=session, user=user, name="crash").token
    finally:
        database.dispose()
    return f"Bearer {token}"


class Server:
    """`python -m app.cli serve` on a free port, in its own process group, killed with SIGKILL."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.database_url = database_url
        self.log = log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        environment = {**os.environ, "DATABASE_URL": self.database_url, "IW_LOG_LEVEL": "warning"}
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the server did not answer within {timeout} s; see {self.log}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Writers:
    """Client threads that write through the API until stopped, noting what was acknowledged."""

    def __init__(self, server: Server, authorization: str, threads: int, report: Report, rng: random.Random) -> None:
        self.server = server
        self.headers = {"Authorization": authorization}
        self.report = report
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.created: dict[str, int] = {}  # quote -> statement id, for acknowledged creates
        self.edited: dict[int, int] = {}  # statement id -> the newest acknowledged version
        self.seeds = [rng.randrange(1 << 30) for _ in range(threads)]
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]

    def _record(self, writer: int, serial: int, rng: random.Random) -> dict[str, Any]:
        actor, country, office = SPEAKERS[rng.randrange(len(SPEAKERS))]
        said_on = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        return {
            "actor": actor,
            "country": country,
            "office": office,
            "topic": TOPIC,
            "said_on": said_on,
            "stance": rng.randrange(-2, 3),
            "quote": f"Crash test {writer}-{serial}: we will decide on interception together with our allies.",
            "sources": [{"url": f"https://example.org/crash/{writer}/{serial}", "outlet": "Crash", "title": "Crash"}],
        }

    def _run(self, writer: int) -> None:
        rng = random.Random(self.seeds[writer])
        serial = 0
        with httpx.Client(base_url=self.server.url, headers=self.headers, timeout=15) as client:
            while not self.stop.is_set():
                serial += 1
                with self.lock:
                    self.report.writes_sent += 1
                    mine = [sid for quote, sid in self.created.items() if quote.startswith(f"Crash test {writer}-")]
                try:
                    if mine and rng.random() < 0.3:
                        self._edit(client, rng.choice(mine), rng)
                    else:
                        self._create(client, writer, serial, rng)
                except httpx.TransportError:
                    with self.lock:
                        self.report.connection_errors += 1
                    time.sleep(0.05)  # the server is down: wait for it to come back
                    client.base_url = self.server.url

    def _create(self, client: httpx.Client, writer: int, serial: int, rng: random.Random) -> None:
        body = self._record(writer, serial, rng)
        key = f"crash-{writer}-{serial}"
        while not self.stop.is_set():  # retried with the same key until answered: never stored twice
            try:
                response = client.post("/api/statements", json=body, headers={"Idempotency-Key": key})
            except httpx.TransportError:
                with self.lock:
                    self.report.connection_errors += 1
                time.sleep(0.05)
                continue
            self._note(response, body["quote"])
            return

    def _note(self, response: httpx.Response, quote: str) -> None:
        with self.lock:
            if response.is_success:
                self.created[quote] = response.json()["statement"]["id"]
                self.report.creates_acknowledged += 1
            else:
                self.report.refused += 1
                print(f"refused: {response.status_code} {response.text[:300]}", file=sys.stderr)

    def _edit(self, client: httpx.Client, statement_id: int, rng: random.Random) -> None:
        current = client.get(f"/statements/{statement_id}.json")
        if not current.is_success:
            return
        version = current.json()["statement"]["version"]
        response = client.patch(
            f"/api/statements/{statement_id}", json={"version": version, "stance": rng.randrange(-2, 3)}
        )
        with self.lock:
            if response.is_success:
                self.edited[statement_id] = max(
                    self.edited.get(statement_id, 0), response.json()["statement"]["version"]
                )
                self.report.edits_acknowledged += 1
            elif response.status_code != 409:  # 409: another version came first (a retried edit that was saved)
                self.report.refused += 1
                print(f"refused: {response.status_code} {response.text[:300]}", file=sys.stderr)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def check(database_url: str, writers: Writers, report: Report) -> None:
    """With the server stopped: nothing acknowledged is lost, the file is sound, the scores equal a rebuild."""
    path = database_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path)
    try:
        [(report.integrity,)] = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    database = Database.from_url(database_url)
    try:
        with database.read_session() as session:
            query = select(Statement.id, Statement.quote, Statement.version)
            rows = session.execute(query).all()
            stored = {quote: (statement_id, version) for statement_id, quote, version in rows}
            report.statements_stored = len(rows)
            before = _score_rows(session)
            stances_refresh.rebuild_all(session=session)
            after = _score_rows(session)
            session.rollback()  # only compared: the store stays as the crashes left it
    finally:
        database.dispose()
    report.missing = sorted(quote for quote, sid in writers.created.items() if stored.get(quote, (None,))[0] != sid)
    versions = dict(stored.values())
    report.stale_edits = sorted(sid for sid, version in writers.edited.items() if versions.get(sid, 0) < version)
    report.scores_match_rebuild = before == after and bool(before)
    report.score_rows = len(before)


def _score_rows(session: Any) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in SCORE_COLUMNS} for row in stances_repository.all_rows(session)]


def run(*, kills: int, threads: int, folder: Path, seed_value: int, quiet: bool = False) -> Report:
    """The whole crash test in `folder`; its figures."""
    rng = random.Random(seed_value)
    database_url = f"sqlite:///{folder / 'crash.sqlite3'}"
    authorization = prepare(database_url)
    report = Report()
    started = time.monotonic()
    server = Server(database_url, folder / "server.log")
    server.start()
    try:
        with Writers(server, authorization, threads, report, rng) as writers:
            for number in range(1, kills + 1):
                time.sleep(rng.uniform(0.05, 1.5))
                server.kill()
                report.kills += 1
                if not quiet:
                    print(
                        f"kill {number}/{kills}: {report.creates_acknowledged} creates and "
                        f"{report.edits_acknowledged} edits acknowledged",
                        file=sys.stderr,
                    )
                server.start()
            time.sleep(0.5)
        server.stop()
    finally:
        server.kill()
    check(database_url, writers, report)
    report.seconds = round(time.monotonic() - started, 1)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50, help="how many times to kill the server (default 50)")
    parser.add_argument("--threads", type=int, default=4, help="writer threads (default 4)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, to repeat a run")
    parser.add_argument("--keep", type=Path, default=None, help="a folder to keep the database and server log in")
    options = parser.parse_args(argv)
    seed_value = options.seed if options.seed is not None else random.randrange(1 << 30)
    with tempfile.TemporaryDirectory(prefix="iw-crash-") as scratch:
        folder = options.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        report = run(kills=options.kills, threads=options.threads, folder=folder, seed_value=seed_value)
    print(json.dumps({"seed": seed_value, **asdict(report), "ok": report.ok}, indent=2))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
