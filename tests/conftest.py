"""Shared fixtures: real databases migrated by Alembic (SQLite files and PostgreSQL), apps and clients.

Every test that touches a database gets its own, copied from a template built once per session
with the real migrations (and the real seed, for seeded templates). PostgreSQL tests run when
TEST_DATABASE_URL names a server; without it they skip with the reason, unless
IW_REQUIRE_POSTGRES=1 (as in CI), where a missing server fails the run instead.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from app import paths
from app.config import Settings
from app.db import Database
from app.interchange.seed import seed
from app.main import create_app
from app.system import migrations
from tests.support import article_seeds

DIALECTS = ("sqlite", "postgresql")
TEST_SECRET = "test-secret-" + "x" * 32
RUN_TOKEN = secrets.token_hex(3)


def _require(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0", "false")


class DatabaseFactory:
    """Fresh databases of one dialect, each a copy of a template ('empty' or 'seeded')."""

    def __init__(self, dialect: str, workdir: Path) -> None:
        self.dialect = dialect
        self.workdir = workdir
        self.templates: dict[str, str] = {}
        self.created: list[str] = []
        self.counter = 0
        if dialect == "postgresql":
            server = os.environ.get("TEST_DATABASE_URL")
            if not server:
                message = "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)"
                if _require("IW_REQUIRE_POSTGRES"):
                    pytest.fail(message + "; IW_REQUIRE_POSTGRES is set, so they may not skip")
                pytest.skip(message)
            self.server = make_url(Settings(database_url=server).database_url)
            self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            self.prefix = f"iw_{RUN_TOKEN}_{worker}"

    def _name(self, label: str) -> str:
        self.counter += 1
        return f"{self.prefix}_{label}_{self.counter}"

    def _url(self, name: str) -> str:
        if self.dialect == "sqlite":
            return f"sqlite:///{self.workdir / name}.sqlite3"
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _build(self, kind: str) -> str:
        name = f"template_{kind}" if self.dialect == "sqlite" else self._name(f"tpl_{kind}")
        if self.dialect == "postgresql":
            with self.admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            self.created.append(name)
        url = self._url(name)
        migrations.upgrade(url)
        if kind in ("seeded", "dataset"):
            # "seeded": the five seed articles' statements, a small world the tests know by heart;
            # "dataset": everything in seeds/, as `make run` serves it.
            directory = article_seeds(self.workdir / "article-seeds") if kind == "seeded" else paths.SEEDS
            database = Database.from_url(url)
            with database.write() as session:
                seed(session=session, directory=directory)
            database.dispose()
        return name

    def create(self, kind: str = "empty") -> str:
        """The URL of a new database copied from the template of this kind."""
        if kind not in self.templates:
            self.templates[kind] = self._build(kind)
        template = self.templates[kind]
        if self.dialect == "sqlite":
            self.counter += 1
            name = f"db_{self.counter}"
            source = sqlite3.connect(self.workdir / f"{template}.sqlite3")
            target = sqlite3.connect(self.workdir / f"{name}.sqlite3")
            source.backup(target)
            source.close()
            target.close()
            return self._url(name)
        name = self._name("db")
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.created.append(name)
        return self._url(name)

    def create_blank(self) -> str:
        """The URL of a database with nothing in it: not even migrated."""
        if self.dialect == "sqlite":
            self.counter += 1
            return self._url(f"blank_{self.counter}")
        name = self._name("blank")
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self._url(name)

    def close(self) -> None:
        if self.dialect == "postgresql":
            with self.admin.connect() as connection:
                for name in reversed(self.created):
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.admin.dispose()


@pytest.fixture(scope="session")
def factories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, DatabaseFactory]]:
    made: dict[str, DatabaseFactory] = {}

    class Lazy(dict[str, DatabaseFactory]):
        def __missing__(self, dialect: str) -> DatabaseFactory:
            made[dialect] = self[dialect] = DatabaseFactory(dialect, tmp_path_factory.mktemp(dialect))
            return made[dialect]

    yield Lazy()
    for factory in made.values():
        factory.close()


@pytest.fixture(scope="module", params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.param


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("dialect") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def empty_url(dialect: str, factories: dict[str, DatabaseFactory]) -> str:
    """A migrated database with no data."""
    return factories[dialect].create("empty")


@pytest.fixture
def blank_url(dialect: str, factories: dict[str, DatabaseFactory]) -> str:
    """A database with nothing in it, not even the schema."""
    return factories[dialect].create_blank()


@pytest.fixture
def seeded_url(dialect: str, factories: dict[str, DatabaseFactory]) -> str:
    """A migrated database holding the seed articles' statements (tests/support.py, `article_seeds`)."""
    return factories[dialect].create("seeded")


@pytest.fixture(scope="module")
def dataset_url(dialect: str, factories: dict[str, DatabaseFactory]) -> str:
    """A migrated database holding everything in seeds/, as `make run` serves it."""
    return factories[dialect].create("dataset")


@pytest.fixture(scope="module")
def shared_seeded_url(dialect: str, factories: dict[str, DatabaseFactory]) -> str:
    """One seeded database for a whole module of read-only tests."""
    return factories[dialect].create("seeded")


@pytest.fixture
def make_database() -> Iterator[Callable[[str], Database]]:
    opened: list[Database] = []

    def make(url: str) -> Database:
        database = Database.from_url(url)
        opened.append(database)
        return database

    yield make
    for database in opened:
        database.dispose()


@pytest.fixture
def seeded_db(seeded_url: str, make_database: Callable[[str], Database]) -> Database:
    return make_database(seeded_url)


@pytest.fixture
def empty_db(empty_url: str, make_database: Callable[[str], Database]) -> Database:
    return make_database(empty_url)


# The in-process client calls itself "testserver"; live servers are reached on 127.0.0.1. Named here, so
# the default (127.0.0.1 and localhost only) stays as production gets it.
TEST_HOSTS = "testserver,127.0.0.1,localhost"


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret_key=TEST_SECRET, allowed_hosts=TEST_HOSTS)


@pytest.fixture
def make_client() -> Iterator[Callable[[str], TestClient]]:
    """Clients for the app on a database URL; each runs the app's lifespan."""
    clients: list[TestClient] = []

    def make(url: str) -> TestClient:
        client = TestClient(create_app(settings_for(url)), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(seeded_url: str, make_client: Callable[[str], TestClient]) -> TestClient:
    """A client on a fresh seeded database (for tests that write)."""
    return make_client(seeded_url)


@pytest.fixture(scope="module")
def shared_client(shared_seeded_url: str) -> Iterator[TestClient]:
    """A client on the module's shared seeded database (for read-only tests)."""
    with TestClient(create_app(settings_for(shared_seeded_url)), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()
