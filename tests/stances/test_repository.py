"""Reads of the stored scores: what the matrix asks the database, and how the database answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event, text

from app.db import Database
from app.stances import repository
from app.topics import repository as topics_repository
from app.topics.models import DEFAULT_TOPIC


def _captured(database: Database, read: Any) -> tuple[str, Any]:
    seen: list[tuple[str, Any]] = []

    def record_sql(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record_sql)
    try:
        with database.read_session() as session:
            rows = read(session)
    finally:
        event.remove(database.engine, "before_cursor_execute", record_sql)
    assert rows, "the seed data has scores in this window"
    [query] = [item for item in seen if "stance_score" in item[0]]
    return query


def test_the_matrix_window_is_read_from_the_index_alone(seeded_db: Database, dialect: str) -> None:
    with seeded_db.read_session() as session:
        topic = topics_repository.get_by_slug(session, DEFAULT_TOPIC)
    assert topic is not None
    statement, parameters = _captured(seeded_db, lambda session: repository.rows_in_window(
        session, topic_id=topic.id, first_month=date(2022, 1, 1), last_month=date(2026, 12, 1)))
    with seeded_db.engine.connect() as connection:
        if dialect == "sqlite":
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "USING COVERING INDEX ix_stance_score_topic_month_cells" in plan, plan
        else:
            connection.execute(text("SET enable_seqscan = off"))
            plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "Index Only Scan using ix_stance_score_topic_month_cells" in plan, plan
