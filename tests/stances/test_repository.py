"""Reads of the stored scores: what the matrix asks the database, and how the database answers."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.actors.rules import ChangeTally
from app.db import Database
from app.stances import repository, scoring
from app.stances.models import PositionChangeRow
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
    """On PostgreSQL the neighbours are read with bitmap scans and JIT off, then both as they were."""
    with seeded_db.write() as session:
        row = session.execute(text("SELECT id, actor_id, topic_id, country_id, said_on FROM statement LIMIT 1")).one()
        statement = (row.id, date.fromisoformat(str(row.said_on)), 0)
        with repository.walking_actor_index(session):
            if dialect == "postgresql":
                assert session.execute(text("SHOW enable_bitmapscan")).scalar_one() == "off"
                assert session.execute(text("SHOW jit")).scalar_one() == "off"
            found = repository.chain_neighbours(session, [((row.actor_id, row.topic_id, row.country_id), statement)])
        if dialect == "postgresql":
            assert session.execute(text("SHOW enable_bitmapscan")).scalar_one() == "on"
            assert session.execute(text("SHOW jit")).scalar_one() == "on"
    before, after = found[row.id]
    assert before is None or before[0] != row.id
    assert after is None or after[0] != row.id


def test_chain_neighbours_are_each_statements_neighbours_in_its_whole_chain(
    seeded_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every published statement's neighbours, read together in batches, are the ones its whole chain puts beside
    it (by date, then id; statements of one day in a chain included), on both databases."""
    monkeypatch.setattr(repository, "_NEIGHBOURS_BATCH", 5)
    with seeded_db.write() as session:
        rows = session.execute(
            text(
                "SELECT id, actor_id, topic_id, country_id, said_on, stance FROM statement "
                "WHERE status = 'published' ORDER BY actor_id, topic_id, country_id, said_on, id"
            )
        ).all()
        expected: dict[int, tuple[Any, Any]] = {}
        asked: list[repository.ChainedStatement] = []
        chains: dict[tuple[int, int, int], list[tuple[int, date, int]]] = {}
        for row in rows:
            said_on = date.fromisoformat(str(row.said_on))
            chains.setdefault((row.actor_id, row.topic_id, row.country_id), []).append((row.id, said_on, row.stance))
        for key, chain in chains.items():
            for index, statement in enumerate(chain):
                expected[statement[0]] = (
                    chain[index - 1] if index > 0 else None,
                    chain[index + 1] if index + 1 < len(chain) else None,
                )
                asked.append((key, statement))
        assert len(asked) > 2 * repository._NEIGHBOURS_BATCH, "several batches"
        same_day = [chain for chain in chains.values() if len({said_on for _, said_on, _ in chain}) < len(chain)]
        assert same_day, "the seed data has a chain with two statements on one day"
        with repository.walking_actor_index(session):
            found = repository.chain_neighbours(session, asked)
    assert found == expected


def _series_months(session: Session) -> list[tuple[int, int, date]]:
    """(country_id, topic_id, month) of every stored row: every series' months that brought statements."""
    return [tuple(row) for row in session.execute(text("SELECT country_id, topic_id, month FROM stance_score"))]  # type: ignore[misc]


def test_a_month_so_far_equals_its_statements_up_to_the_day(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        series = _series_months(session)
        assert len(series) >= 10, "the seed data has stored months to compare"
        for country_id, topic_id, month in series:
            month = month if isinstance(month, date) else date.fromisoformat(month)
            statements = repository.published_evidence(
                session, country_id=country_id, topic_id=topic_id, since=month, until=scoring.month_end(month)
            )
            for day in {month, month.replace(day=10), month.replace(day=20), scoring.month_end(month)}:
                series_key = {"country_id": country_id, "topic_id": topic_id}
                read = repository.month_so_far(session, **series_key, month=month, until=day)
                assert read == scoring.MonthSoFar.of(statements, day)


def test_the_states_before_a_month_are_the_stored_rows_before_it(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        series = _series_months(session)
        for _, topic_id, month in series[:: max(1, len(series) // 12)]:
            month = month if isinstance(month, date) else date.fromisoformat(month)
            counted = repository.month_start_counted(session, topic_id=topic_id, month=month)
            for country_id in range(1, 40):
                stored = repository.last_row_before(session, topic_id=topic_id, country_id=country_id, month=month)
                found = repository.state_before(session, topic_id=topic_id, country_id=country_id, month=month)
                assert found == (stored.month if stored else None, repository.state_from_row(stored))
                state = found[1]
                total, items = counted.get(country_id, (0, []))
                assert total == state.total
                assert [tuple(item) for item in items] == [
                    (e.statement_id, e.actor_id, e.said_on.isoformat(), e.stance, e.office_weight, int(e.conditional))
                    for e in state.counted
                ]


def test_a_topics_month_so_far_is_each_series_month_so_far(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        series = _series_months(session)
        for topic_id, month in sorted({(topic_id, month) for _, topic_id, month in series}):
            month = month if isinstance(month, date) else date.fromisoformat(month)
            for day in (month, month.replace(day=12), scoring.month_end(month)):
                found = repository.topic_month_so_far(session, topic_id=topic_id, month=month, until=day)
                for country_id in range(1, 40):
                    each = repository.month_so_far(
                        session, country_id=country_id, topic_id=topic_id, month=month, until=day
                    )
                    count, latest = found.get(country_id, (0, []))
                    assert count == each.count
                    assert [
                        scoring.Evidence(id_, actor, repository._day(on), stance, weight, bool(conditional))
                        for id_, actor, on, stance, weight, conditional in latest
                    ] == list(each.latest)


def test_a_month_so_far_is_read_from_the_series_index_alone(seeded_db: Database, dialect: str) -> None:
    params = {"country_id": 1, "topic_id": 1, "since": date(2024, 9, 1), "until": date(2024, 9, 15)}
    statement, parameters = repository._MONTH_SO_FAR.sql(seeded_db.engine.dialect, params)
    with seeded_db.engine.connect() as connection:
        if dialect == "sqlite":
            # SQLite's plan names the index without saying "covering" (it is partial); its program shows that
            # no column is read from the table itself.
            root = connection.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'statement'").scalar()
            program = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            table = {row[2] for row in program if row[1] == "OpenRead" and row[3] == root}
            index = connection.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE name = 'ix_statement_country_topic_said_on'"
            ).scalar()
            assert any(row[1] == "OpenRead" and row[3] == index for row in program), program
            assert not [row for row in program if row[1] == "Column" and row[2] in table], program
        else:
            connection.execute(text("SET enable_seqscan = off"))
            connection.execute(text("SET enable_bitmapscan = off"))
            plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "Index Only Scan using ix_statement_country_topic_said_on" in plan, plan


def test_a_countrys_changes_by_day_count_its_stored_changes(seeded_db: Database) -> None:
    with seeded_db.read_session() as session:
        stored = session.execute(select(PositionChangeRow.country_id, PositionChangeRow.changed_on)).all()
        assert stored, "the seed has changes of position"
        for country_id in {row.country_id for row in stored}:
            days = sorted(row.changed_on for row in stored if row.country_id == country_id)
            per_day = repository.country_changes_by_day(session, country_id=country_id)
            assert per_day == sorted(Counter(days).items())
            tally = ChangeTally.of(per_day)
            for day in {*days, days[0] - timedelta(days=1), days[-1] + timedelta(days=1)}:
                assert tally.up_to(day) == sum(1 for on in days if on <= day)
