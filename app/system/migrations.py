"""Run the Alembic migrations from code: the same ones in production, in `serve` and in the tests."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError

from app import paths
from app.config import normalise_database_url


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for this project, pointed at `database_url`."""
    config = Config(str(paths.ALEMBIC_INI))
    config.set_main_option("script_location", str(paths.MIGRATIONS))
    # ConfigParser treats % as interpolation; URLs may contain it (escaped passwords).
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate up to `revision`; on PostgreSQL, a database migrated (not made) is vacuumed and analyzed after."""
    if make_url(database_url).get_backend_name() != "postgresql":
        command.upgrade(alembic_config(database_url), revision)
        return
    engine = create_engine(normalise_database_url(database_url))
    try:
        before = current_revision(engine)
        command.upgrade(alembic_config(database_url), revision)
        if before is not None and current_revision(engine) != before:  # a new database has nothing to settle
            settle(engine)
    finally:
        engine.dispose()


def settle(engine: Engine) -> None:
    """`VACUUM (ANALYZE)` on PostgreSQL: what autovacuum would do, but only once enough rows changed.

    A migration that rewrites a table (a stored column added, say) leaves no page marked all-visible
    and no statistics, and autovacuum counts rewritten rows as nothing new: until it came by, every
    count a listing index answers would read the table's rows as well (a cold filtered history's count
    at 1M: 17 ms instead of 2.4).
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE)")


def downgrade(database_url: str, revision: str) -> None:
    """Migrate down to `revision` ("base" empties the database)."""
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise if the models and the migrations disagree (autogenerate finds a difference)."""
    command.check(alembic_config(database_url))


@functools.cache
def head_revision() -> str | None:
    """The newest revision the code ships (read once: the scripts don't change while the app runs)."""
    return ScriptDirectory(str(paths.MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with engine.connect() as connection:
        return revision_on(connection)


def revision_on(connection: Connection) -> str | None:
    """The revision the database is at, read on `connection` from alembic_version's one row alone.

    Alembic's own reader looks the table up in the catalog first; here a missing table is a failed
    read inside a savepoint, so the rest of the transaction goes on.
    """
    try:
        with connection.begin_nested():
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None
