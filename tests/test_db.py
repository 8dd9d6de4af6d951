"""app/db.py: values read once per data version, and forgotten when the version moves; reads run on the driver;
many rows inserted at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import StatementError

from app.db import Database, postgres_planner, release, utcnow
from app.perf.driver import DriverRead, DriverWrite
from app.perf.versioned import per_data_version
from app.sources import repository as sources_repository
from app.sources.models import Source
from app.stances import matrix as stances_matrix
from app.statements.models import Statement
from app.system import repository as system_repository
from app.topics import service as topics_service
from app.topics.models import Topic
from tests.support import seed_counts


def _loader(session: Any, calls: list[int]) -> Any:
    """Counts the topics, noting each time it actually reads."""

    def load() -> int:
        calls.append(1)
        return session.execute(text("SELECT count(*) FROM topic")).scalar_one()

    return load


def _stamped_read(database: Database, calls: list[int]) -> int:
    """The topic count as a page would get it: in a read that took the data stamp first."""
    with database.read_session() as session:
        system_repository.data_stamp(session)
        return per_data_version(session, "topic count", _loader(session, calls))  # type: ignore[no-any-return]


def test_a_value_is_read_once_while_the_version_stays(seeded_db: Database) -> None:
    calls: list[int] = []
    for _ in range(3):
        assert _stamped_read(seeded_db, calls) == 4
    assert len(calls) == 1


def test_a_write_that_bumps_the_version_is_seen_at_once(seeded_db: Database) -> None:
    calls: list[int] = []
    assert _stamped_read(seeded_db, calls) == 4
    with seeded_db.write() as session:  # adding a topic bumps the data version, as every visible change does
        topics_service.add_topic(session=session, slug="new-topic", title="New", question="A new question?")
    assert _stamped_read(seeded_db, calls) == 5
    assert len(calls) == 2


def test_without_a_data_stamp_or_after_release_the_value_is_always_read(seeded_db: Database) -> None:
    calls: list[int] = []
    with seeded_db.read_session() as session:
        per_data_version(session, "topic count", _loader(session, calls))
        per_data_version(session, "topic count", _loader(session, calls))
        assert len(calls) == 2  # no stamp read: nothing says which version these reads saw
        system_repository.data_stamp(session)
        per_data_version(session, "topic count", _loader(session, calls))
        release(session)  # the next transaction may see a newer version
        per_data_version(session, "topic count", _loader(session, calls))
    assert len(calls) == 4


def test_databases_keep_their_own_values(seeded_db: Database, empty_db: Database) -> None:
    with seeded_db.read_session() as session:
        system_repository.data_stamp(session)
        seeded = stances_matrix.country_refs(session=session)
    with empty_db.read_session() as session:
        system_repository.data_stamp(session)
        empty = stances_matrix.country_refs(session=session)
    assert len(seeded) == seed_counts()["countries"] and empty == ()


# ---- DriverRead: a Core select compiled once, run on the driver's cursor in the session's transaction.

_SAID_SINCE = (
    select(Statement.id, Statement.said_on, Statement.stance)
    .where(Statement.said_on >= bindparam("since"), Statement.id <= 30)
    .order_by(Statement.said_on, Statement.id)
)


def test_a_driver_read_returns_the_rows_sqlalchemy_returns(seeded_db: Database) -> None:
    read = DriverRead(_SAID_SINCE)
    since = date(2024, 9, 1)
    with seeded_db.read_session() as session:
        expected = [
            (row.id, row.said_on.isoformat(), row.stance) for row in session.execute(_SAID_SINCE, {"since": since})
        ]
        got = [(id_, str(said_on), stance) for id_, said_on, stance in read.fetchall(session, {"since": since})]
    assert expected, "the seed data has statements since September 2024 among its first thirty"
    assert got == expected


def test_a_driver_read_binds_values_through_the_column_types(seeded_db: Database, dialect: str) -> None:
    sql, bound = DriverRead(_SAID_SINCE).sql(seeded_db.engine.dialect, {"since": date(2025, 1, 1)})
    if dialect == "sqlite":  # SQLAlchemy's Date stores ISO text on SQLite; the statement's literal comes last
        assert sql.count("?") == 2 and bound == ("2025-01-01", 30)
    else:  # psycopg takes the values by name, as Python objects
        assert "%(since)s" in sql and bound == {"since": date(2025, 1, 1), "id_1": 30}


def test_a_driver_read_sees_its_sessions_uncommitted_writes(seeded_db: Database) -> None:
    count = DriverRead(select(func.count()).select_from(Topic))
    with seeded_db.write() as session:
        topics_service.add_topic(session=session, slug="driver-read", title="New", question="A new question?")
        session.flush()
        [(inside,)] = count.fetchall(session)
        with seeded_db.engine.connect() as other:  # another connection doesn't see it before the commit
            [(outside,)] = count.fetchall(other)
    assert (inside, outside) == (5, 4)


def test_a_driver_read_names_a_missing_parameter_and_refuses_in_lists(seeded_db: Database) -> None:
    with seeded_db.read_session() as session, pytest.raises(ValueError, match=r"needs the parameters \['since'\]"):
        DriverRead(_SAID_SINCE).fetchall(session)
    in_list = DriverRead(select(Statement.id).where(Statement.id.in_(bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="no expanding"):
        in_list.sql(seeded_db.engine.dialect, {"ids": [1, 2]})


@pytest.mark.parametrize("count", [1, 3])
def test_rows_inserted_many_at_once_get_their_ids_in_the_order_given(
    seeded_db: Database, dialect: str, count: int
) -> None:
    """One row through RETURNING; on PostgreSQL several with ids taken from the sequence first, each its own."""
    titles = [f"Inserted {count}-{index}" for index in reversed(range(count))]  # not the order ids would sort them
    rows = [
        {
            "url": None,
            "key": f"k-{count}-{title}",
            "outlet": "Wire",
            "title": title,
            "published_on": None,
            "language": "en",
            "created_at": utcnow(),
        }
        for title in titles
    ]
    with seeded_db.write() as session:
        ids = sources_repository.insert_many(session, rows)
        before = session.execute(select(func.max(Source.id)).where(Source.id.not_in(ids))).scalar_one()
        stored = {
            id_: title for id_, title in session.execute(select(Source.id, Source.title).where(Source.id.in_(ids)))
        }
    assert [stored[id_] for id_ in ids] == titles
    assert ids == sorted(ids) and len(set(ids)) == count and ids[0] > before


@pytest.mark.parametrize("dialect", ["postgresql"], indirect=True)  # SQLite has no planner settings
def test_planner_settings_hold_inside_the_block_and_are_put_back_after(seeded_db: Database) -> None:
    """postgres_planner sets each setting for the block, units and all, and restores what was there before."""

    def shown(session: Any) -> tuple[str, str]:
        return session.execute(text("SELECT current_setting('work_mem'), current_setting('enable_seqscan')")).one()

    with seeded_db.read_session() as session:
        session.execute(text("SET LOCAL work_mem = '3MB'"))
        with postgres_planner(session, work_mem="17MB", enable_seqscan="off"):
            assert tuple(shown(session)) == ("17MB", "off")
        assert tuple(shown(session)) == ("3MB", "on")


def test_a_typed_driver_read_converts_values_as_sqlalchemys_result_does(seeded_db: Database) -> None:
    """Dates, enums, timestamps and booleans come back as SQLAlchemy's result gives them, on either database."""
    from app.actors.models import Office
    from app.countries.models import Country

    for statement in (
        select(*Country.__table__.c).order_by(Country.id),
        select(*Office.__table__.c).order_by(Office.id),
        select(*Source.__table__.c).order_by(Source.id).limit(20),
        select(*Topic.__table__.c).order_by(Topic.id),
    ):
        with seeded_db.read_session() as session:
            expected = [tuple(row) for row in session.execute(statement)]
            got = DriverRead(statement, typed=True).fetchall(session)
            raw = DriverRead(statement).fetchall(session)
        assert expected and got == expected
        assert [type(value) for value in got[0]] == [type(value) for value in expected[0]]
        if seeded_db.dialect == "sqlite":  # untyped, SQLite gives its own values (text dates, 0/1)
            assert raw != expected


# ---- DriverWrite: the same, for the few writes every save makes.


def test_a_driver_write_updates_and_returns_as_core_would(seeded_db: Database) -> None:
    from app.countries.models import Country

    rename = DriverWrite(
        update(Country).where(Country.code == bindparam("code")).values(name=bindparam("name")).returning(Country.id)
    )
    quiet = DriverWrite(update(Country).where(Country.code == bindparam("b_code")), columns=("borders_ukraine",))
    with seeded_db.write() as session:
        expected = session.execute(select(Country.id).where(Country.code == "IS")).scalar_one()
        assert rename.execute(session, {"code": "IS", "name": "Ísland"}) == [(expected,)]
        assert rename.execute(session, {"code": "XX", "name": "Nobody"}) == []
        assert quiet.execute(session, {"b_code": "IS", "borders_ukraine": True}) == []  # no RETURNING
        seen = session.execute(select(Country.name, Country.borders_ukraine).where(Country.code == "IS")).one()
        assert tuple(seen) == ("Ísland", True)  # in the session's own transaction, the boolean as its type stores it
    with seeded_db.read_session() as session:
        stored = session.execute(select(Country.name, Country.borders_ukraine).where(Country.code == "IS")).one()
    assert tuple(stored) == ("Ísland", True)  # and committed with it


def test_a_driver_write_refuses_a_statement_that_needs_a_python_side_value(seeded_db: Database) -> None:
    """Topic.updated_at is set by SQLAlchemy on every UPDATE (onupdate): on the driver's cursor it would be
    left out, so such a statement is refused when compiled, before anything is written."""
    retitle = DriverWrite(update(Topic).where(Topic.slug == bindparam("slug")).values(title=bindparam("title")))
    with seeded_db.write() as session, pytest.raises(ValueError, match=r"onupdate value \(updated_at\)"):
        retitle.execute(session, {"slug": "no-fly-zone", "title": "Never written"})


def test_a_driver_write_runs_an_upsert_for_many_rows_with_their_types(seeded_db: Database) -> None:
    """The data scopes' upsert, as every save runs it: new rows inserted, existing ones updated, each
    value converted by its column's type (a timestamp read back as the same moment)."""
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from app.system.models import DataScope

    dialect = seeded_db.dialect
    insert = (sqlite_insert if dialect == "sqlite" else postgresql_insert)(DataScope)
    upsert = DriverWrite(
        insert.on_conflict_do_update(index_elements=[DataScope.scope], set_={"version": insert.excluded.version}),
        columns=("scope", "version", "changed_at"),
    )
    moment = utcnow()
    with seeded_db.write() as session:
        upsert.executemany(session, [{"scope": name, "version": 7, "changed_at": moment} for name in ("t:a", "t:b")])
        upsert.executemany(session, [{"scope": "t:a", "version": 9, "changed_at": moment}])
        upsert.executemany(session, [])
    with seeded_db.read_session() as session:
        rows = session.execute(
            select(DataScope.scope, DataScope.version, DataScope.changed_at).where(DataScope.scope.like("t:%"))
        ).all()
    assert sorted(tuple(row) for row in rows) == [("t:a", 9, moment), ("t:b", 7, moment)]


@pytest.mark.parametrize("count", [1, 3, 25])  # a save's few rows on the driver's cursor; an import's by Core
def test_rows_inserted_few_or_many_are_stored_whole(seeded_db: Database, count: int) -> None:
    from app.revisions.models import Revision, RevisionAction
    from app.revisions.repository import insert_many as insert_revisions

    moment = utcnow()
    rows = [
        {
            "statement_id": 1,
            "version": 100 + index,
            "action": RevisionAction.EDIT,
            "user_id": None,
            "via": "test",
            "note": f"note {index}" if index % 2 else None,
            "created_at": moment,
            "before": "{}",
            "after": '{"quote": "ł"}',
        }
        for index in range(count)
    ]
    with seeded_db.write() as session:
        insert_revisions(session, rows)
    with seeded_db.read_session() as session:
        stored = session.execute(select(Revision).where(Revision.version >= 100).order_by(Revision.version)).scalars()
        got = [{name: getattr(revision, name) for name in rows[0]} for revision in stored]
    assert got == rows


def test_a_few_rows_not_all_giving_the_same_columns_are_refused_and_nothing_is_written(seeded_db: Database) -> None:
    """As Core refuses them: no row is stored with a column silently left out."""
    rows = [
        {"url": None, "key": "k-one", "outlet": "Wire", "title": "One", "published_on": None, "language": "en",
         "created_at": utcnow()},
        {"key": "k-two", "outlet": "Wire", "title": "Two", "published_on": None, "language": "de",
         "created_at": utcnow()},
    ]  # fmt: skip
    with pytest.raises(StatementError, match="A value is required for bind parameter 'url'"), seeded_db.write() as s:
        sources_repository.insert_many(s, rows)
    with seeded_db.read_session() as session:
        assert session.execute(select(func.count()).select_from(Source).where(Source.key.like("k-%"))).scalar_one() == 0
