"""Helpers tests share: comparing stored scores with a rebuild, reading tables, parsing pages."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from bs4 import BeautifulSoup
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db import Database
from app.interchange.schemas import StatementRecord
from app.stances import repository as stances_repository
from app.stances import scoring
from app.stances.models import StanceScore

SCORE_COLUMNS = [column.name for column in StanceScore.__table__.columns]


def stored_score_rows(session: Session) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in SCORE_COLUMNS} for row in stances_repository.all_rows(session)]


def rebuilt_score_rows(session: Session) -> list[dict[str, Any]]:
    """What the pure rule gives from scratch for every series, without touching the store."""
    rows = []
    for (country_id, topic_id), group in groupby(stances_repository.all_published_evidence(session), key=lambda item: item[:2]):
        for cell in scoring.fold_months(scoring.SeriesState(), [evidence for _, _, evidence in group]):
            rows.append(stances_repository.cell_to_row(country_id=country_id, topic_id=topic_id, cell=cell))
    return sorted(rows, key=lambda row: (row["topic_id"], row["country_id"], row["month"]))


def assert_scores_match_rebuild(database: Database) -> None:
    with database.read_session() as session:
        stored = stored_score_rows(session)
        rebuilt = rebuilt_score_rows(session)
    assert stored == rebuilt
    assert stored, "expected some stored scores"


def table_counts(database: Database, *tables: str) -> dict[str, int]:
    with database.read_session() as session:
        return {table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in tables}


ALL_TABLES = ("country", "topic", "actor", "actor_alias", "office", "source", "statement", "statement_source",
              "revision", "stance_score", "app_user", "user_session", "api_token", "login_attempt")


def snapshot_tables(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, to prove a refused write changed nothing."""
    with database.read_session() as session:
        found = {}
        for table in ALL_TABLES + ("app_state",):
            columns = [c for c in session.execute(text(f"SELECT * FROM {table} WHERE 1 = 0")).keys() if c != "search_vector"]
            rows = session.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).all()
            found[table] = sorted((tuple(row) for row in rows), key=repr)
        return found


def record(**overrides: Any) -> StatementRecord:
    """A valid statement record by an actor already in the seed data, changed by `overrides`."""
    values: dict[str, Any] = {
        "actor": "Radosław Sikorski",
        "country": "PL",
        "office": "Minister of Foreign Affairs",
        "topic": "intercept-over-ukraine",
        "said_on": "2024-10-15",
        "stance": 2,
        "quote": "A test quote that the seed data does not contain.",
        "sources": [{"url": "https://example.org/news/1", "outlet": "Example News", "title": "A test article", "published_on": "2024-10-15"}],
    }
    values.update(overrides)
    return StatementRecord.model_validate(values)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def statement_ids(session: Session) -> list[int]:
    from app.statements.models import Statement

    return list(session.execute(select(Statement.id).order_by(Statement.id)).scalars())
