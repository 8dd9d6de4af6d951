"""Reads of the stored scores: what the matrix asks the database, and how the database answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from app.db import Database
from app.stances import repository
from app.topics import repository as topics_repository
from app.topics.models import DEFAULT_TOPIC


def test_the_matrix_window_is_read_from_the_index_alone(seeded_db: Database, dialect: str) -> None:
    with seeded_db.read_session() as session:
        topic = topics_repository.get_by_slug(session, DEFAULT_TOPIC)
        assert topic is not None
        window = {"topic_id": topic.id, "first_month": date(2022, 1, 1), "last_month": date(2026, 12, 1)}
        rows = repository.rows_in_window(session, **window)
    # The SQL the read sends (app.db.DriverRead runs it on the driver's cursor, where statement events don't see it).
    statement, parameters = repository._WINDOW.sql(seeded_db.engine.dialect, window)
    with seeded_db.engine.connect() as connection:
        sent = connection.exec_driver_sql(statement, parameters).all()
        assert rows and len(rows) == len(sent), "the seed data has scores in this window, and the read returns them all"
        assert {(row.country_id, row.month.isoformat()[:7]) for row in rows} == {
            (row[0], str(row[1])[:7]) for row in sent
        }
        if dialect == "sqlite":
            plan = " ".join(
                str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            )
            assert "USING COVERING INDEX ix_stance_score_topic_month_cells" in plan, plan
        else:
            connection.execute(text("SET enable_seqscan = off"))
            plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "Index Only Scan using ix_stance_score_topic_month_cells" in plan, plan


def test_chain_neighbours_are_read_walking_the_actors_index(seeded_db: Database, dialect: str) -> None:
    """On PostgreSQL the neighbours are read with bitmap scans off (a plan that reads the actor whole), then back on."""
    with seeded_db.write() as session:
        row = session.execute(text("SELECT id, actor_id, topic_id, country_id, said_on FROM statement LIMIT 1")).one()
        with repository.walking_actor_index(session):
            if dialect == "postgresql":
                assert session.execute(text("SHOW enable_bitmapscan")).scalar_one() == "off"
            before, after = repository.chain_neighbours(
                session,
                key=(row.actor_id, row.topic_id, row.country_id),
                said_on=date.fromisoformat(str(row.said_on)),
                statement_id=row.id,
            )
        if dialect == "postgresql":
            assert session.execute(text("SHOW enable_bitmapscan")).scalar_one() == "on"
    assert before is None or before[0] != row.id
    assert after is None or after[0] != row.id
