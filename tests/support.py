"""Helpers tests share: comparing stored scores with a rebuild, reading tables, parsing pages."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from datetime import date
from functools import cache
from itertools import groupby
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import uvicorn
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import paths
from app.actors.rules import StanceRecord, position_changes
from app.config import Settings
from app.countries.models import Country
from app.db import Database
from app.main import create_app
from app.stances import repository as stances_repository
from app.stances import scoring
from app.stances.models import PositionChangeRow, StanceScore
from app.statements import checking, writing
from app.statements import repository as statements_repository
from app.statements.cards import StatementCard
from app.statements.models import Statement
from app.statements.records import StatementRecord
from app.web.server import uvicorn_options

SCORE_COLUMNS = [column.name for column in StanceScore.__table__.columns]
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def seed_counts() -> dict[str, int]:
    """How many countries, actors and statements seeds/ holds: what `make run` serves."""
    read = lambda name: json.loads((paths.SEEDS / f"{name}.json").read_text(encoding="utf-8"))[name]  # noqa: E731
    return {name: len(read(name)) for name in ("countries", "actors", "statements")}


def article_seeds(folder: Path) -> Path:
    """seeds/ cut down to the five seed articles' statements and the actors the articles name, written to `folder`.

    Most tests read this small, fixed world (24 statements, 11 actors) rather than the whole dataset,
    which grows as statements are added; tests/test_dataset.py checks the whole dataset.
    """
    if (folder / "statements.json").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("countries.json", "topics.json"):
        shutil.copyfile(paths.SEEDS / name, folder / name)
    document = json.loads((paths.SEEDS / "statements.json").read_text(encoding="utf-8"))
    document["statements"] = [
        item
        for item in document["statements"]
        if any((s.get("key") or "").startswith("article:") for s in item["sources"])
    ]
    named = {item["actor"] for item in document["statements"]}
    actors = json.loads((paths.SEEDS / "actors.json").read_text(encoding="utf-8"))
    actors["actors"] = [actor for actor in actors["actors"] if actor["name"] in named or actor.get("named_in")]
    (folder / "statements.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (folder / "actors.json").write_text(json.dumps(actors, ensure_ascii=False), encoding="utf-8")
    return folder


def migration_module(revision: str) -> ModuleType:
    """A migration's module, loaded from its file, to compare the SQL it ran with the code's."""
    [path] = paths.MIGRATIONS.glob(f"versions/{revision}_*.py")
    spec = importlib.util.spec_from_file_location(f"migration_{revision}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stored_score_rows(session: Session) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in SCORE_COLUMNS} for row in stances_repository.all_rows(session)]


def rebuilt_score_rows(session: Session) -> list[dict[str, Any]]:
    """What the pure rule gives from scratch for every series, without touching the store."""
    rows = []
    for (country_id, topic_id), group in groupby(
        stances_repository.all_published_evidence(session), key=lambda item: item[:2]
    ):
        for cell in scoring.fold_months(scoring.SeriesState(), [evidence for _, _, evidence in group]):
            rows.append(stances_repository.cell_to_row(country_id=country_id, topic_id=topic_id, cell=cell))
    return sorted(rows, key=lambda row: (row["topic_id"], row["country_id"], row["month"]))


def stored_change_rows(session: Session) -> list[tuple[int, int, int, int, date]]:
    """Every stored change of position: (before_id, after_id, stance_before, stance_after, changed_on), by after_id."""
    query = select(
        PositionChangeRow.before_id,
        PositionChangeRow.after_id,
        PositionChangeRow.stance_before,
        PositionChangeRow.stance_after,
        PositionChangeRow.changed_on,
    ).order_by(PositionChangeRow.after_id)
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def ruled_change_rows(session: Session) -> list[tuple[int, int, int, int, date]]:
    """What the pure rule finds among each country's published statements, read straight from the statements."""
    found = []
    for country_id in session.execute(select(Country.id)).scalars():
        records = [StanceRecord(*row) for row in statements_repository.stance_records(session, country_id=country_id)]
        found.extend(astuple(change) for change in position_changes(records))
    return sorted(found, key=lambda row: row[1])


def assert_scores_match_rebuild(database: Database) -> None:
    """The stored aggregates (scores, changes of position) equal the rules applied to the statements now."""
    with database.read_session() as session:
        stored = stored_score_rows(session)
        rebuilt = rebuilt_score_rows(session)
        stored_changes = stored_change_rows(session)
        ruled_changes = ruled_change_rows(session)
    assert stored == rebuilt
    assert stored, "expected some stored scores"
    assert stored_changes == ruled_changes


def table_counts(database: Database, *tables: str) -> dict[str, int]:
    with database.read_session() as session:
        return {table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in tables}


ALL_TABLES = (
    "country",
    "topic",
    "actor",
    "actor_alias",
    "office",
    "source",
    "statement",
    "statement_source",
    "revision",
    "stance_score",
    "app_user",
    "user_session",
    "api_token",
    "login_attempt",
)


def snapshot_tables(database: Database, *, ignore: frozenset[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, to prove a refused write changed nothing; `ignore` names "table.column"s."""
    with database.read_session() as session:
        found = {}
        for table in ALL_TABLES + ("app_state",):
            columns = [
                c
                for c in session.execute(text(f"SELECT * FROM {table} WHERE 1 = 0")).keys()
                if c != "search_vector" and f"{table}.{c}" not in ignore
            ]
            rows = session.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).all()
            found[table] = sorted((tuple(row) for row in rows), key=repr)
        return found


def record_values(**overrides: Any) -> dict[str, Any]:
    """A valid statement record's fields, by an actor in the seed data, changed by `overrides` (not validated)."""
    values: dict[str, Any] = {
        "actor": "Radosław Sikorski",
        "country": "PL",
        "office": "Minister of Foreign Affairs",
        "topic": "intercept-over-ukraine",
        "said_on": "2024-10-15",
        "stance": 2,
        "quote": "A test quote that the seed data does not contain.",
        "sources": [
            {
                "url": "https://example.org/news/1",
                "outlet": "Example News",
                "title": "A test article",
                "published_on": "2024-10-15",
            }
        ],
    }
    values.update(overrides)
    return values


def add_statement(
    session: Session, record: StatementRecord | dict[str, Any], *, via: str = "test", **options: Any
) -> tuple[StatementCard, bool]:
    """Add a statement as the write API does: checked, then written; the card and whether it is new."""
    values = record.model_dump(mode="json") if isinstance(record, StatementRecord) else record
    added = writing.add(session=session, values=values, via=via, **options)
    return added.statement, added.created


def edit_statement(
    session: Session,
    statement_id: int,
    record: StatementRecord | dict[str, Any],
    *,
    expected_version: int,
    via: str = "test",
    **options: Any,
) -> Statement:
    """Replace a statement's content as the write API does: checked, then written."""
    values = record.model_dump(mode="json") if isinstance(record, StatementRecord) else record
    checked = checking.checked_or_refused(session=session, values=values, exclude_id=statement_id)
    assert checked.prepared is not None
    return writing.edit(
        session=session,
        statement_id=statement_id,
        prepared=checked.prepared,
        expected_version=expected_version,
        via=via,
        **options,
    )


def record(**overrides: Any) -> StatementRecord:
    """A valid statement record by an actor already in the seed data, changed by `overrides`."""
    return StatementRecord.model_validate(record_values(**overrides))


def form_fields(values: dict[str, Any]) -> dict[str, Any]:
    """A record's fields as the add or edit form posts them (sources as parallel lists, one entry per row)."""
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if name == "sources":
            for part in ("url", "key", "outlet", "title", "published_on"):
                fields[f"source_{part}"] = ["" if source.get(part) is None else str(source[part]) for source in value]
        elif isinstance(value, bool):
            if name != "date_is_report_date" or value:
                fields[name] = "true" if value else "false"
        elif name not in ("status", "retraction_reason"):
            fields[name] = "" if value is None else str(value)
    return fields


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def statement_ids(session: Session) -> list[int]:
    from app.statements.models import Statement

    return list(session.execute(select(Statement.id).order_by(Statement.id)).scalars())


# Accounts

PASSWORD = "correct horse battery staple"
LONG_PASSWORD = ("Ωmega-пароль-密码-🔑 " * 60)[:1000]  # 1,000 characters, far from ASCII


@cache
def password_hash(password: str) -> str:
    """An argon2id hash, computed once per password per run (hashing takes a fifth of a second)."""
    from app.accounts.passwords import hash_password

    return hash_password(password)


def make_user(database: Database, email: str, role: str = "editor", password: str = PASSWORD) -> int:
    """A user stored as `user add` stores one (with a cached hash); their id."""
    from app.accounts.models import Role, User

    with database.write() as session:
        user = User(email=email.lower(), password_hash=password_hash(password), role=Role(role))
        session.add(user)
        session.flush()
        return user.id


def api_headers(database: Database, email: str) -> dict[str, str]:
    """The Authorization header of a new editor's API token, as a script sends it."""
    from app.accounts import service as accounts_service

    user_id = make_user(database, email)
    with database.write() as session:
        user = accounts_service.get_user(session=session, user_id=user_id)
        token = accounts_service.create_token(session=session, user=user, name="script").token
    return {"Authorization": f"Bearer {token}"}


def form_token(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page's forms carry (on /login: the signed double-submit token, setting its cookie)."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    field = soup(response.text).select_one("input[name=csrf_token]")
    assert field is not None, f"{path} has no form with a CSRF token"
    return str(field["value"])


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign the client in through the sign-in form; the session's CSRF token, for its later forms and HTMX calls."""
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": form_token(client)}, follow_redirects=False
    )
    assert response.status_code == 303, soup(response.text).get_text(" ", strip=True)[:500]
    return form_token(client, "/account")


def form_values(html: str, selector: str = "#statement-form") -> dict[str, Any]:
    """What a browser would send for a form as the page shows it (its submit buttons aside): repeated names as lists."""
    form = soup(html).select_one(selector)
    assert form is not None, f"no form {selector}"
    found: dict[str, list[str]] = {}
    for element in form.select("input, textarea, select"):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button"):
            continue
        if element.name == "textarea":
            value = element.get_text()
        elif element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            value = str(chosen["value"]) if chosen else ""
        elif element.get("type") in ("radio", "checkbox"):
            if not element.has_attr("checked"):
                continue
            value = str(element.get("value", "on"))
        else:
            value = str(element.get("value", ""))
        found.setdefault(str(name), []).append(value)
    return {name: values if name.startswith("source_") else values[0] for name, values in found.items()}


# Classic cross-site scripting payloads: every one must come back as text, never as markup.
XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><script>alert(document.domain)</script>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<div hx-get="/logout" hx-trigger="load">htmx</div>',
    '<button hx-on:click="alert(1)">htmx</button>',
    "{{7*7}} ${alert(1)} <%= 7*7 %>",
    "'';!--\"<XSS>=&{()}",
    "<style>*{display:none}</style>",
    "javascript:alert(1)//<b>bold</b>",
    '=HYPERLINK("http://evil.example","x")<i>',
)


def store_xss_statements(database: Database) -> list[int]:
    """One Estonian statement per payload, the payload in every text field; their ids."""
    ids = []
    with database.write() as session:
        for number, payload in enumerate(XSS_PAYLOADS):
            values = record_values(
                actor=f"{payload} #{number}",
                country="EE",
                office=f"{payload} office",
                said_on=f"2024-10-{number + 1:02d}",
                quote=payload,
                condition=payload,
                rationale=payload,
                date_note=payload,
                stance=number % 5 - 2,
                sources=[
                    {"url": f"https://example.org/xss/{number}/<b>?q=<script>", "outlet": payload, "title": payload}
                ],
            )
            statement, _ = add_statement(session, values)
            ids.append(statement.id)
    return ids


class LiveServer:
    """The real app under uvicorn in a background thread, on a free loopback port."""

    def __init__(self, settings: Settings) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        options = uvicorn_options(settings) | {"log_level": "warning"}  # served as `intercept-watch serve` does
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, lifespan="on", **options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@dataclass
class RawExchange:
    """What a server answered on one raw socket: each answer's status, and how long the first took."""

    statuses: list[int]
    first_seconds: float  # from the request's first byte sent to its answer's last byte read
    closed: bool  # the server closed the connection


def _answer_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def raw_exchange(
    port: int, head: bytes, body: Iterable[bytes] = (), *, until_closed: bool = False, timeout: float = 10
) -> RawExchange:
    """Send a request's head, then its body from another thread, over a real socket; read what comes back.

    The body keeps being sent while the answer is read, as a client does that sends more than a server
    takes. With `until_closed`, everything is read until the server closes the connection.
    """
    connection = socket.create_connection(("127.0.0.1", port), timeout=timeout)

    def send_body() -> None:
        try:
            for piece in body:
                connection.sendall(piece)
        except OSError:
            pass  # the server answered and closed: the rest is not wanted

    received = b""
    closed = False
    try:
        started = time.perf_counter()
        connection.sendall(head)
        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        first_seconds = None
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                closed = True
            received += chunk
            answer_head, found, rest = received.partition(b"\r\n\r\n")
            if first_seconds is None and found and len(rest) >= _answer_length(answer_head):
                first_seconds = time.perf_counter() - started
                if not until_closed:
                    break
            if closed:
                break
        sender.join(timeout)
    finally:
        connection.close()
    statuses = [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", received)]
    assert first_seconds is not None, f"no whole answer came back: {received[:300]!r}"
    return RawExchange(statuses, first_seconds, closed)


def chunked(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body in HTTP/1.1 chunked transfer coding."""
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        yield b"%x\r\n" % len(piece) + piece + b"\r\n"
    yield b"0\r\n\r\n"


def markdown_table(body: str) -> list[dict[str, str]]:
    """The first markdown table in a section, as one dict per row."""
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("|")]
    assert len(lines) >= 2 and set(lines[1].replace("|", "")) <= {"-", ":"}, f"no table in: {body[:200]}"

    def cells(line: str) -> list[str]:
        return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(line.strip().strip("|"))]

    header = cells(lines[0])
    rows = [dict(zip(header, cells(line), strict=True)) for line in lines[2:]]
    return rows


def need_bench_tools() -> None:
    """The benchmark's tests skip where wrk, taskset or make is missing (CI installs them and fails on a skip)."""
    missing = [tool for tool in ("wrk", "taskset", "make") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the benchmark needs {', '.join(missing)} (apt-get install wrk)")
