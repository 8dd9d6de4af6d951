"""bench/fixture.py: the deep page token names the row N deep in the history's order, signed with the bench secret."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from app.db import Database
from app.statements import paging
from bench.config import BENCH_SECRET
from bench.fixture import read_fixture
from bench.synthetic import service


def test_the_fixture_points_at_real_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'small.sqlite3'}"
    service.generate(database_url=url, statements=400, actors=60)
    fixture = read_fixture(url, deep_rows=150, secret=BENCH_SECRET, datasette_db="small")
    cursor = paging.decode(fixture.deep_token, secret=BENCH_SECRET)
    database = Database.from_url(url)
    try:
        with database.read_session() as session:
            ordered = session.execute(
                text("SELECT said_on, id FROM statement WHERE status = 'published' ORDER BY said_on DESC, id DESC")
            ).all()
            status = session.execute(
                text("SELECT status FROM statement WHERE id = :id"), {"id": fixture.statement_id}
            ).scalar_one()
            codes = (
                session.execute(
                    text("SELECT code FROM country WHERE id IN (:a, :b) ORDER BY code"),
                    {"a": fixture.country_ids[0], "b": fixture.country_ids[1]},
                )
                .scalars()
                .all()
            )
    finally:
        database.dispose()
    assert (cursor.said_on.isoformat(), cursor.statement_id) == (str(ordered[149][0]), ordered[149][1])
    assert fixture.statements == 400 and fixture.published == len(ordered)
    assert status == "published" and sorted(codes) == sorted(fixture.countries)
    assert fixture.date_from < fixture.date_to
