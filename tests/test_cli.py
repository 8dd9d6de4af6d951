"""The `intercept-watch` command, run as a user runs it."""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from app import cli as cli_module
from app import paths
from app.accounts import service as accounts_service
from app.cli import app
from app.db import Database
from app.system import migrations
from app.web.server import bind_shared_port
from tests.support import (
    LONG_PASSWORD,
    PASSWORD,
    make_user,
    record_values,
    seed_counts,
    sign_in,
    snapshot_tables,
    soup,
    table_counts,
)

COMMAND = str(Path(sys.executable).parent / "intercept-watch")
# The command run from this checkout's code (the installed script may point at another checkout).
SERVE = [sys.executable, "-m", "app.cli", "serve"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}: {log.read_text()}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout}s")


@pytest.mark.slow
def test_serve_migrates_seeds_and_serves_an_empty_database(blank_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": blank_url}
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*SERVE, "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT, cwd=paths.ROOT
        )
    try:
        response = wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
        assert response.status_code == 200
        health = response.json()
        assert health["status"] == "ok" and health["migration_revision"] == health["migration_head"]
        assert health["dialect"] == blank_url.split(":")[0].split("+")[0]
        seeded = seed_counts()
        assert httpx.get(f"http://127.0.0.1:{port}/stats.json").json()["counts"] == {
            "countries": seeded["countries"],
            "actors": seeded["actors"],
            "statements": seeded["statements"],
            "published": seeded["statements"],
            "retracted": 0,
        }
        assert "content-security-policy" in response.headers
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


@pytest.mark.slow
def test_serve_closes_connections_that_send_no_request_in_every_worker(seeded_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": seeded_url, "IW_HEADER_TIMEOUT": "1"}
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # this checkout's code, whichever one the console script was installed from
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=paths.ROOT,
        )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process, log).status_code == 200
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
        started = time.monotonic()
        for connection in idle:
            connection.settimeout(10)
            assert connection.recv(1) == b""  # closed by the server, having sent nothing
            connection.close()
        assert time.monotonic() - started < 5
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


class Served:
    """`intercept-watch serve` on a database, in a process of its own, stopped at the end."""

    def __init__(self, url: str, log: Path, *options: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [*SERVE, "--port", str(self.port), *options],
                env={**os.environ, "DATABASE_URL": url, "IW_LOG_LEVEL": "warning"},
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=paths.ROOT,
            )
        self.log = log

    def __enter__(self) -> Served:
        try:
            wait_for(f"{self.base}/healthz", self.process, self.log)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def children(self) -> list[int]:
        found = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in found]


@pytest.mark.slow
def test_serve_runs_the_workers_it_is_asked_for(seeded_url: str, tmp_path: Path) -> None:
    with Served(seeded_url, tmp_path / "serve.log", "--workers", "2") as server:
        assert len(server.children()) >= 2  # uvicorn's supervisor and its two worker processes
        answers = {httpx.get(f"{server.base}/countries/PL").status_code for _ in range(6)}
        assert answers == {200}


LISTEN, ESTABLISHED = "0A", "01"


def _sockets_by_process(pids: list[int], port: int, state: str) -> dict[int, set[str]]:
    """The TCP sockets on local `port` in `state` that each process holds (read from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes.add(f"socket:[{fields[9]}]")
    held = {}
    for pid in pids:
        links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if fd.is_symlink()}
        held[pid] = links & inodes
    return held


def _listening_workers(server: Served, *, expected: int) -> dict[int, set[str]]:
    """The workers' listening sockets on the server's port, once `expected` of them listen (the first to
    start answers /healthz while the others may still be starting)."""
    deadline = time.monotonic() + 60
    while True:
        found = _sockets_by_process(server.children(), server.port, LISTEN)
        listening = {pid: sockets for pid, sockets in found.items() if sockets}
        if len(listening) >= expected or time.monotonic() > deadline:
            return listening
        time.sleep(0.2)


@pytest.mark.slow
def test_serve_deals_connections_opened_together_to_every_worker(seeded_url: str, tmp_path: Path) -> None:
    # Sixteen keep-alive connections opened at once, as a load balancer or a benchmark opens them. On one
    # shared socket, the worker that woke first could take them all (a quarter of the runs here) and serve
    # them alone; each worker listening on a socket of its own, the kernel deals them out.
    with Served(seeded_url, tmp_path / "serve.log", "--workers", "2") as server:
        listening = _listening_workers(server, expected=2)
        first, second = listening.values()
        assert len(first) == len(second) == 1 and first != second
        connections = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(16)]
        try:
            for connection in connections:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            for connection in connections:
                connection.settimeout(10)
                assert connection.recv(64).startswith(b"HTTP/1.1 200")
            held = _sockets_by_process(list(listening), server.port, ESTABLISHED)
        finally:
            for connection in connections:
                connection.close()
    counts = {pid: len(found) for pid, found in held.items()}
    assert sum(counts.values()) == 16
    assert all(counts.values()), counts  # all 16 on one of two sockets: one chance in 32,768


def _another_servers_worker() -> socket.socket:
    """A socket listening as another `serve --workers N`'s worker does: SO_REUSEPORT, so others may bind beside it."""
    worker = bind_shared_port(socket.AF_INET, "127.0.0.1", 0)
    worker.listen()
    return worker


@pytest.mark.slow
@pytest.mark.parametrize(
    "listening", [lambda: socket.create_server(("127.0.0.1", 0)), _another_servers_worker], ids=["plain", "shared"]
)
def test_serve_with_workers_on_a_port_in_use_says_so_and_stops(
    seeded_url: str, tmp_path: Path, listening: Callable[[], socket.socket]
) -> None:
    with listening() as taken:
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [*SERVE, "--port", str(port), "--workers", "2"],
            env={**os.environ, "DATABASE_URL": seeded_url},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=paths.ROOT,
        )
    assert finished.returncode != 0
    assert f"Can't listen on 127.0.0.1 port {port}: Address already in use" in finished.stdout + finished.stderr
    assert "Traceback" not in finished.stdout + finished.stderr


def _api_token(url: str) -> str:
    database = Database.from_url(url)
    try:
        make_user(database, "script@example.org")
        with database.write() as session:
            user = accounts_service.user_by_email(session=session, email="script@example.org")
            return accounts_service.create_token(session=session, user=user, name="script").token
    finally:
        database.dispose()


@pytest.mark.slow
def test_two_servers_on_one_database_read_each_others_saves_at_once(seeded_url: str, tmp_path: Path) -> None:
    token = _api_token(seeded_url)
    with (
        Served(seeded_url, tmp_path / "one.log") as one,
        Served(seeded_url, tmp_path / "two.log") as two,
    ):
        # Each server renders and caches the pages before the save.
        before = {path: httpx.get(f"{two.base}{path}").headers["etag"] for path in ("/countries/PL", "/countries/DE")}
        assert (
            httpx.get(f"{two.base}/countries/PL", headers={"If-None-Match": before["/countries/PL"]}).status_code == 304
        )
        saved = httpx.post(
            f"{one.base}/api/statements",
            json=record_values(quote="Said through one server, read through the other."),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert saved.status_code == 201, saved.text
        polish = httpx.get(f"{two.base}/countries/PL", headers={"If-None-Match": before["/countries/PL"]})
        assert polish.status_code == 200 and polish.headers["etag"] != before["/countries/PL"]
        assert "Said through one server, read through the other." in soup(polish.text).get_text()
        assert polish.headers["etag"] == httpx.get(f"{one.base}/countries/PL").headers["etag"]  # one ETag for one page
        german = httpx.get(f"{two.base}/countries/DE", headers={"If-None-Match": before["/countries/DE"]})
        assert german.status_code == 304


def _run(runner: CliRunner, url: str, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--database-url", url, *args], input=stdin, catch_exceptions=False)


def test_import_refuses_a_bad_file_and_lists_every_problem(seeded_url: str, cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    good = {
        "actor": "Radosław Sikorski",
        "topic": "intercept-over-ukraine",
        "said_on": "2024-10-01",
        "stance": 1,
        "quote": "q",
        "sources": [{"url": "https://example.org/x", "outlet": "o", "title": "t"}],
    }
    bad.write_text(
        json.dumps(
            {
                "format": "intercept-watch/statements",
                "version": 1,
                "statements": [{**good, "stance": 3}, {**good, "said_on": "2024-13-01"}, good],
            }
        ),
        encoding="utf-8",
    )
    database = Database.from_url(seeded_url)
    before = snapshot_tables(database)
    result = _run(cli, seeded_url, "import", str(bad))
    assert result.exit_code == 1
    assert "bad.json: record 1 (Radosław Sikorski, 2024-10-01): stance: must be from -2 to +2, not 3" in result.output
    assert "bad.json: record 2 (Radosław Sikorski, 2024-13-01): said_on:" in result.output
    assert "nothing was written" in result.output
    assert snapshot_tables(database) == before
    database.dispose()


def test_import_runs_with_the_cyclic_collector_off(
    seeded_url: str, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = tmp_path / "statements.json"
    assert _run(cli, seeded_url, "export", "-o", str(exported)).exit_code == 0
    collector: list[bool] = []
    validate, import_records = cli_module.interchange.validate, cli_module.interchange.import_records

    def validating(**kwargs: Any) -> Any:
        collector.append(gc.isenabled())
        return validate(**kwargs)

    def importing(**kwargs: Any) -> Any:
        collector.append(gc.isenabled())
        return import_records(**kwargs)

    monkeypatch.setattr(cli_module.interchange, "validate", validating)
    monkeypatch.setattr(cli_module.interchange, "import_records", importing)
    enabled = gc.isenabled()
    result = _run(cli, seeded_url, "import", str(exported))
    assert "Imported 0 statement(s); skipped 24 already present" in result.output
    assert collector == [False, False]
    assert gc.isenabled() == enabled  # as it was before


def test_export_import_round_trip_through_the_command(
    seeded_url: str, empty_url: str, cli: CliRunner, tmp_path: Path
) -> None:
    for fmt in ("json", "csv"):
        first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
        assert _run(cli, seeded_url, "export", "--format", fmt, "-o", str(first)).exit_code == 0
        imported = _run(cli, empty_url, "import", str(first))
        assert imported.exit_code == 0, imported.output
        assert "Imported 24 statement(s)" in imported.output or "Imported 0 statement(s); skipped 24" in imported.output
        assert _run(cli, empty_url, "export", "--format", fmt, "-o", str(second)).exit_code == 0
        assert second.read_bytes() == first.read_bytes()
    again = _run(cli, empty_url, "import", str(tmp_path / "first.json"))
    assert "Imported 0 statement(s); skipped 24 already present" in again.output


def test_seed_twice_and_rebuild(blank_url: str, cli: CliRunner) -> None:
    seeded = len(json.loads((paths.SEEDS / "statements.json").read_text(encoding="utf-8"))["statements"])
    assert f"{seeded} statements" in " ".join(_run(cli, blank_url, "seed").output.split())
    assert "nothing changed" in _run(cli, blank_url, "seed").output
    database = Database.from_url(blank_url)
    try:
        scores = table_counts(database, "stance_score")["stance_score"]
    finally:
        database.dispose()
    assert scores > 100 and f"Rebuilt {scores} stored scores" in _run(cli, blank_url, "scores", "rebuild").output
    current = _run(cli, blank_url, "db", "current")
    assert current.stdout.strip() == migrations.head_revision()  # the database it names goes to standard error
    assert current.stderr.startswith("Database: ")
    assert _run(cli, blank_url, "db", "downgrade", "base").exit_code == 0
    assert "not migrated" in _run(cli, blank_url, "db", "current").output


def test_every_command_explains_itself(cli: CliRunner) -> None:
    def walk(group, path):  # type: ignore[no-untyped-def]
        for info in group.registered_commands:
            yield [*path, info.name or info.callback.__name__.replace("_", "-")]
        for sub in group.registered_groups:
            yield [*path, sub.name]
            yield from walk(sub.typer_instance, [*path, sub.name])

    commands = list(walk(app, []))
    assert ["serve"] in commands and ["import"] in commands and ["scores", "rebuild"] in commands
    for command in commands:
        result = cli.invoke(app, [*command, "--help"])
        assert result.exit_code == 0
        summary = result.output.split("Usage:", 1)[1].split("Options", 1)[0]
        assert len([line for line in summary.splitlines() if line.strip(" │")]) >= 2, f"{command} has no description"


# Users


def test_user_add_reads_a_long_non_ascii_password_from_stdin_and_it_signs_in(
    empty_url: str, cli: CliRunner, make_client
) -> None:  # type: ignore[no-untyped-def]
    result = _run(
        cli,
        empty_url,
        "user",
        "add",
        "Admin@Example.org",
        "--role",
        "admin",
        "--password-stdin",
        stdin=LONG_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Added admin@example.org (admin)." in result.output
    client = make_client(empty_url)
    sign_in(client, "admin@example.org", LONG_PASSWORD)
    assert client.get("/admin/users").status_code == 200


def test_user_add_prompts_twice_for_the_password(empty_url: str, cli: CliRunner) -> None:
    result = _run(
        cli, empty_url, "user", "add", "editor@example.org", "--role", "editor", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Added editor@example.org (editor)." in result.output
    assert PASSWORD not in result.output
    listed = _run(cli, empty_url, "user", "list")
    assert "editor@example.org" in listed.output and "editor" in listed.output and "active" in listed.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["taken@example.org", "--role", "editor", "--password-stdin"],
            PASSWORD,
            "There is already a user taken@example.org",
        ),
        (
            ["TAKEN@example.org", "--role", "admin", "--password-stdin"],
            PASSWORD,
            "There is already a user taken@example.org",
        ),
        (
            ["not-an-address", "--role", "editor", "--password-stdin"],
            PASSWORD,
            "Enter an email address like name@example.org",
        ),
        (["new@example.org", "--role", "editor", "--password-stdin"], "\n", "Enter a password; it can't be empty"),
        (["new@example.org", "--role", "editor", "--password-stdin"], "", "Enter a password; it can't be empty"),
        (["new@example.org", "--role", "editor", "--password-stdin"], "short\n", "at least 8 characters"),
        (["new@example.org", "--role", "editor"], "\n\n", "Enter a password; it can't be empty"),
        (["new@example.org", "--role", "editor"], f"{PASSWORD}\nsomething else\n", "do not match"),
        (["new@example.org", "--role", "owner", "--password-stdin"], PASSWORD, "'owner' is not one of"),
        (["new@example.org", "--password-stdin"], PASSWORD, "Missing option '--role'"),
    ],
)
def test_user_add_refuses_clearly_and_writes_nothing(
    empty_url: str, cli: CliRunner, args: list[str], stdin: str, message: str
) -> None:
    assert (
        _run(
            cli, empty_url, "user", "add", "taken@example.org", "--role", "editor", "--password-stdin", stdin=PASSWORD
        ).exit_code
        == 0
    )
    database = Database.from_url(empty_url)
    before = snapshot_tables(database)
    result = cli.invoke(app, ["--database-url", empty_url, "user", "add", *args], input=stdin)
    assert result.exit_code != 0
    assert message in " ".join(result.output.split()), result.output
    assert snapshot_tables(database) == before
    database.dispose()


def test_user_disable_signs_out_everywhere_and_revokes_tokens(empty_url: str, cli: CliRunner, make_client) -> None:  # type: ignore[no-untyped-def]
    assert (
        _run(
            cli, empty_url, "user", "add", "editor@example.org", "--role", "editor", "--password-stdin", stdin=PASSWORD
        ).exit_code
        == 0
    )
    client = make_client(empty_url)
    token = sign_in(client, "editor@example.org")
    assert client.post("/account/tokens", data={"name": "script", "csrf_token": token}).status_code == 201
    result = _run(cli, empty_url, "user", "disable", "Editor@example.org")
    assert result.exit_code == 0, result.output
    assert "editor@example.org is now disabled; revoked 1 session(s) and 1 API token(s)." in result.output
    assert client.get("/account", follow_redirects=False).headers["location"] == "/login?next=%2Faccount"
    again = _run(cli, empty_url, "user", "disable", "editor@example.org")
    assert "was already disabled; revoked 0 session(s) and 0 API token(s)." in again.output
    assert "disabled" in _run(cli, empty_url, "user", "list").output


def test_user_disable_refuses_an_unknown_address(empty_url: str, cli: CliRunner) -> None:
    result = _run(cli, empty_url, "user", "disable", "nobody@example.org")
    assert result.exit_code == 1
    assert "There is no user nobody@example.org. Nothing was written." in result.output


def test_user_list_says_how_to_begin(empty_url: str, cli: CliRunner) -> None:
    result = _run(cli, empty_url, "user", "list")
    assert result.exit_code == 0
    assert "intercept-watch user add EMAIL --role admin" in result.output


# Reading an article


def test_extract_finds_the_statements_of_the_seed_and_test_articles(seeded_url: str, cli: CliRunner) -> None:
    from tests.extraction.quality import (
        Case,
        all_known_actors,
        candidate_from_json,
        invented_cases,
        measure,
        seed_cases,
        table,
    )

    def read(case: Case) -> list[Any]:
        result = _run(cli, seeded_url, "extract", str(case.path), "--format", "json")
        assert result.exit_code == 0, result.output
        return [candidate_from_json(item) for item in json.loads(result.stdout)["candidates"]]

    actors = all_known_actors()
    seed, invented = measure(seed_cases(), actors, read), measure(invented_cases(), actors, read)
    assert seed.gold == 25 and seed.recall >= 0.9 and seed.precision >= 0.5, table({"seed": seed})
    assert invented.recall >= 0.9 and invented.precision >= 0.8, table({"test": invented})


def test_extract_lists_candidates_for_reading(seeded_url: str, cli: CliRunner) -> None:
    article = "Poland's prime minister Donald Tusk said on Monday that shooting down missiles over Ukraine needs NATO."
    url = "https://example.org/tusk"
    result = _run(cli, seeded_url, "extract", "-", "--published-on", "2024-07-10", "--url", url, stdin=article)
    assert result.exit_code == 0, result.output
    source, *lines = result.stdout.splitlines()
    assert source == f"Source: {url}"
    assert lines[0] == (
        "1. Donald Tusk, Prime Minister of Poland (PL) · 2024-07-08 · intercept-over-ukraine · reported, English"
    )
    assert lines[1].strip() == "shooting down missiles over Ukraine needs NATO."
    assert "1 candidate statement(s); nothing was saved." in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["-"], "   ", 1, "There is no text to read"),
        (["missing.txt"], None, 2, "No such file: missing.txt"),
        (["-", "--published-on", "July"], "text", 2, "'July' is not a date; use YYYY-MM-DD"),
    ],
)
def test_extract_refuses_bad_input(
    seeded_url: str, cli: CliRunner, args: list[str], stdin: str | None, code: int, message: str
) -> None:
    result = cli.invoke(app, ["--database-url", seeded_url, "extract", *args], input=stdin)
    assert result.exit_code == code
    assert message in " ".join(result.output.split()), result.output


def test_extract_refuses_a_binary_file(seeded_url: str, cli: CliRunner, tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = _run(cli, seeded_url, "extract", str(image))
    assert result.exit_code == 1 and "Refused" in result.output and "not text" in result.output


def test_backup_and_restore_name_the_database_and_refuse_to_overwrite_data(
    seeded_url: str, empty_url: str, cli: CliRunner, tmp_path: Path
) -> None:
    file = tmp_path / "seeded.backup"
    done = _run(cli, seeded_url, "backup", str(file))
    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    named = "SQLite file " if seeded_url.startswith("sqlite") else "PostgreSQL database postgresql"
    assert f"Backing up the {named}" in said and f"Backed up the {named}" in said and file.is_file()
    restored = _run(cli, empty_url, "restore", str(file))
    assert restored.exit_code == 0, restored.output
    assert f"Restored the {named}" in " ".join(restored.output.split())
    again = _run(cli, empty_url, "restore", str(file))
    refused = " ".join(again.output.split())
    assert again.exit_code == 1 and "Refused" in refused and "is not empty" in refused and "--replace" in refused
    assert _run(cli, empty_url, "restore", "--replace", str(file)).exit_code == 0
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert _run(cli, seeded_url, "export", "-o", str(first)).exit_code == 0
    assert _run(cli, empty_url, "export", "-o", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    missing = _run(cli, empty_url, "restore", str(tmp_path / "nothing.backup"))
    assert missing.exit_code == 1 and "There is no backup file" in missing.output


def _run_elsewhere(
    folder: Path, *args: str, database_url: str | None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """The command as a process started in another folder, as an admin on the server might run it."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "IW_DATABASE_URL")}
    env["PYTHONPATH"] = str(paths.ROOT)  # this checkout's code, wherever the command runs
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=folder,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_user_add_from_another_folder_refuses_to_create_an_empty_database(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _run_elsewhere(
        elsewhere,
        "user",
        "add",
        "admin@example.org",
        "--role",
        "admin",
        "--password-stdin",
        database_url=None,
        stdin=PASSWORD,
    )
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    expected = elsewhere / "data" / "intercept-watch.sqlite3"
    assert f"Database: SQLite file {expected} (the default" in message  # it names the file it looked for
    assert f"there is no database at {expected}, and nothing was created" in message
    assert "DATABASE_URL" in message and "intercept-watch db upgrade" in message
    assert list(elsewhere.iterdir()) == []  # no ./data/, no empty database


def test_user_add_from_another_folder_names_the_database_it_wrote_to(seeded_url: str, tmp_path: Path) -> None:
    result = _run_elsewhere(
        tmp_path,
        "user",
        "add",
        "admin@example.org",
        "--role",
        "admin",
        "--password-stdin",
        database_url=seeded_url,
        stdin=PASSWORD,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Added admin@example.org (admin)."
    named = " ".join(result.stderr.split())
    if seeded_url.startswith("sqlite"):
        assert f"Database: SQLite file {Path(seeded_url.removeprefix('sqlite:///')).resolve()}" in named
    else:
        assert named.startswith("Database: PostgreSQL database postgresql+psycopg://") and "(from DATABASE_URL" in named
    listed = _run_elsewhere(tmp_path, "user", "list", database_url=seeded_url)
    assert "admin@example.org" in listed.stdout and listed.stderr.startswith("Database: ")
    assert list(tmp_path.glob("data")) == []
