"""Alembic's environment: the app's metadata, its engine settings, and batch mode for SQLite."""

from alembic import context
from sqlalchemy.engine import Connection

from app.config import Settings
from app.db import make_engine
from app.models import Base

config = context.config
target_metadata = Base.metadata

# Full-text search objects are dialect-specific and created by hand in the migrations
# (FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL). The models do not
# declare them, so autogenerate must not see them.
FULL_TEXT_TABLE_PREFIX = "statement_fts"
FULL_TEXT_COLUMN = "search_vector"
FULL_TEXT_INDEXES = {"ix_statement_search_vector", "ix_statement_search"}  # before and since 0019


def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    if type_ == "table":
        return not (name or "").startswith(FULL_TEXT_TABLE_PREFIX)
    if type_ == "column":
        return name != FULL_TEXT_COLUMN
    if type_ == "index":
        return name not in FULL_TEXT_INDEXES
    return True


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run(connection: Connection) -> None:
    """Run the migrations in one transaction.

    SQLite's batch mode recreates a table to change it, and a table other tables refer to can't be
    dropped while foreign keys are enforced. So on SQLite they are off while migrating (a pragma
    that only takes effect outside a transaction), and checked before the transaction commits
    when a migration ran.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
    _configure(connection)
    with context.begin_transaction():
        migration = context.get_context()
        before = set(migration.get_current_heads())
        context.run_migrations()
        # Only a migration that ran can have broken a key, and the check reads every row of the
        # database: 3 s at 1M statements, which every `intercept-watch import` paid to find nothing.
        if sqlite and set(migration.get_current_heads()) != before:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run them against a database.")
run_migrations_online()
