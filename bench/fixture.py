"""What the targets' URLs are made of, read from the benchmarked database once per run.

The harness may use OFFSET here (to find the row 500,000 deep); the app never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import create_engine, text

from app.config import normalise_database_url
from app.statements import paging

FILTER_COUNTRIES = ("PL", "HU")
SEARCH_WORDS = ("Uzhhorod", "drones")  # a place a few statements name; a common word as fallback
FILTER_MONTHS_DAYS = 182


@dataclass(frozen=True, slots=True)
class Fixture:
    statements: int
    published: int
    countries: tuple[str, str]
    country_ids: tuple[int, int]
    date_from: date
    date_to: date
    word: str
    statement_id: int
    country: str
    actor_slug: str
    deep_rows: int
    deep_token: str
    datasette_db: str  # Datasette's name for the database: the SQLite file's stem


def read_fixture(database_url: str, *, deep_rows: int, secret: str, datasette_db: str = "") -> Fixture:
    """Pick the countries, dates, word, statement, actor and deep page token the targets use."""
    engine = create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:

            def one(sql: str, **params: object) -> object:
                return connection.execute(text(sql), params).scalar_one()

            statements = int(one("SELECT count(*) FROM statement"))  # type: ignore[call-overload]
            published = int(one("SELECT count(*) FROM statement WHERE status = 'published'"))  # type: ignore[call-overload]
            latest = _as_date(one("SELECT max(said_on) FROM statement"))
            ids = tuple(
                int(one("SELECT id FROM country WHERE code = :code", code=code))  # type: ignore[call-overload]
                for code in FILTER_COUNTRIES
            )
            middle = int(
                one(  # type: ignore[call-overload]
                    "SELECT id FROM statement WHERE status = 'published' ORDER BY id LIMIT 1 OFFSET :n",
                    n=published // 2,
                )
            )
            actor_slug = str(
                one("SELECT a.slug FROM actor a JOIN statement s ON s.actor_id = a.id WHERE s.id = :id", id=middle)
            )
            deep = connection.execute(
                text(
                    "SELECT said_on, id FROM statement WHERE status = 'published' "
                    "ORDER BY said_on DESC, id DESC LIMIT 1 OFFSET :n"
                ),
                {"n": max(0, deep_rows - 1)},
            ).one()
            word = next((w for w in SEARCH_WORDS if _matches(connection, w)), SEARCH_WORDS[-1])
    finally:
        engine.dispose()
    date_to = latest - timedelta(days=90)
    token = paging.encode(paging.Cursor(_as_date(deep.said_on), int(deep.id)), secret=secret)
    return Fixture(
        statements=statements,
        published=published,
        countries=FILTER_COUNTRIES,
        country_ids=ids,  # type: ignore[arg-type]
        date_from=date_to - timedelta(days=FILTER_MONTHS_DAYS),
        date_to=date_to,
        word=word,
        statement_id=middle,
        country=FILTER_COUNTRIES[0],
        actor_slug=actor_slug,
        deep_rows=deep_rows,
        deep_token=token,
        datasette_db=datasette_db,
    )


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _matches(connection: object, word: str) -> bool:
    dialect = connection.dialect.name  # type: ignore[attr-defined]
    if dialect == "sqlite":
        sql = "SELECT 1 FROM statement_fts WHERE statement_fts MATCH :w LIMIT 1"
    else:
        sql = "SELECT 1 FROM statement WHERE search_vector @@ plainto_tsquery('simple', :w) LIMIT 1"
    return connection.execute(text(sql), {"w": word}).first() is not None  # type: ignore[attr-defined]
