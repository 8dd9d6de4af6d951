"""Building a synthetic database: the guards that keep it away from real data, then the bulk load.

A synthetic database is for benchmarks only. It is never the default database, never one holding
real statements, and it says what it is in a table of its own (`bench_synthetic`, see repository.py),
which the benchmark reads to reuse a database or to refuse one. Synthetic statements get no revision
rows (nobody wrote them); everything else, the stored scores and the full-text index included, is
built as the app would have it.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.config import DEFAULT_SQLITE_PATH, normalise_database_url
from app.countries import repository as countries_repository
from app.db import Database
from app.interchange.seed import ensure_countries_and_topics
from app.stances import refresh as stances_refresh
from app.system import migrations
from app.topics import repository as topics_repository
from bench.synthetic import generator, repository

Advance = Callable[[int], object]
Tracker = Callable[[str, int | None], AbstractContextManager[Advance]]


class TargetRefused(Exception):
    """The target database must not receive synthetic data; nothing was written."""


@dataclass(frozen=True, slots=True)
class GenerateReport:
    statements: int
    actors: int
    offices: int
    sources: int
    scores: int
    seconds: float
    marker: repository.Marker


@contextmanager
def _silent(label: str, total: int | None) -> Iterator[Advance]:
    yield lambda n: None


def notice(marker: repository.Marker) -> str:
    """What every page of a server on this database says (the app's IW_NOTICE)."""
    return f"Synthetic benchmark data: {marker.statements:,} generated statements, not real statements."


def is_default_database(database_url: str) -> bool:
    """Whether a URL names the app's default SQLite file (however the path is spelled)."""
    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return False
    target, default = Path(url.database), DEFAULT_SQLITE_PATH
    if target.exists() and default.exists():
        return os.path.samefile(target, default)
    return target.resolve() == default.resolve()


def check_target(*, database_url: str, replace: bool) -> repository.TargetState:
    """Refuse the default database, real statements, and (without `replace`) earlier synthetic data."""
    if is_default_database(database_url):
        raise TargetRefused(
            f"{database_url} is the app's default database ({DEFAULT_SQLITE_PATH}); synthetic data never goes there. "
            "Name a separate file, e.g. --database sqlite:///./bench/.cache/synthetic.sqlite3"
        )
    try:
        state = repository.inspect_target(normalise_database_url(database_url))
    except ConnectionError as error:
        raise TargetRefused(f"can't open {database_url}: {error}") from None
    if state.statements and not state.synthetic:
        raise TargetRefused(
            f"{database_url} holds {state.statements:,} real (non-synthetic) statements; "
            "synthetic data goes only into an empty or synthetic database"
        )
    if state.statements and not replace:
        raise TargetRefused(
            f"{database_url} already holds {state.statements:,} synthetic statements; pass --replace to build it anew"
        )
    return state


def _clear(database_url: str) -> None:
    if make_url(database_url).get_backend_name() == "sqlite":
        repository.remove_sqlite_file(database_url)
    else:
        repository.drop_postgres_schema(database_url)


def generate(
    *,
    database_url: str,
    statements: int,
    seed: int = 1,
    actors: int = generator.DEFAULT_ACTORS,
    replace: bool = False,
    today: date | None = None,
    track: Tracker = _silent,
) -> GenerateReport:
    """Build a synthetic database of `statements` statements; refuses (writing nothing) per `check_target`."""
    started = time.monotonic()
    database_url = normalise_database_url(database_url)
    state = check_target(database_url=database_url, replace=replace)
    if state.synthetic:
        _clear(database_url)
    migrations.upgrade(database_url)
    today = today or datetime.now(UTC).date()
    rng = random.Random(seed)
    marker = repository.Marker(statements, seed, actors, generator.GENERATOR_VERSION, datetime.now(UTC))
    database = Database.from_url(database_url)
    try:
        with database.engine.execution_options(iw_write=True).connect() as connection:
            load = repository.bulk_load(connection)
            load.begin()
            session = load.session
            ensure_countries_and_topics(session=session)
            countries = [
                generator.CountryRef(c.id, c.code, c.name) for c in countries_repository.all_countries(session)
            ]
            topics = [generator.TopicRef(t.id, t.slug, t.title) for t in topics_repository.all_topics(session)]
            first = repository.next_ids(session)
            cast = generator.build_cast(
                rng,
                countries,
                actors=actors,
                first_actor_id=first["actor"],
                first_office_id=first["office"],
                taken_slugs=repository.actor_slugs(session),
                today=today,
            )
            load.insert("actor", generator.ACTOR_COLUMNS, cast.actors)
            load.insert("actor_alias", generator.ALIAS_COLUMNS, cast.aliases)
            load.insert("office", generator.OFFICE_COLUMNS, cast.offices)
            load.suspend_statement_indexing()
            sources = published = 0
            with track("Generating statements", statements) as advance:
                for batch in generator.iter_statements(
                    rng,
                    cast,
                    countries,
                    topics,
                    count=statements,
                    first_statement_id=first["statement"],
                    first_source_id=first["source"],
                    today=today,
                ):
                    load.insert("source", generator.SOURCE_COLUMNS, batch.sources)
                    load.insert("statement", generator.STATEMENT_COLUMNS, batch.statements)
                    load.insert("statement_source", generator.LINK_COLUMNS, batch.links)
                    sources += len(batch.sources)
                    published += sum(1 for row in batch.statements if row[generator.STATUS_INDEX] == "published")
                    advance(len(batch.statements))
            with track("Building the full-text index", None):
                load.resume_statement_indexing()
            with track("Building stored scores", published) as advance:
                scores = stances_refresh.rebuild_all(session=session, on_statement=advance)
            session.flush()
            repository.mark_synthetic(load.connection, marker)
            load.finish()
            load.commit()
            load.after_commit()
    finally:
        database.dispose()
    return GenerateReport(
        statements=statements,
        actors=len(cast.actors),
        offices=len(cast.offices),
        sources=sources,
        scores=scores,
        seconds=time.monotonic() - started,
        marker=marker,
    )
