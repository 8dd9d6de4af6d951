"""Retracted statements in history order, and their words on SQLite: the Atom feed keeps them, marked.

The listing indexes and the FTS5 index hold published statements only. The feed also shows the
retracted statements among its latest entries, so readers learn of a retraction: a partial index on
(said_on, id) of retracted statements finds them (a handful among a million) without a scan, and on
SQLite a second contentless FTS5 table, made like statement_fts (migration 0012) but keyed by the
statement's id, finds their words. PostgreSQL's tsvector column already covers every statement.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RETRACTED = sa.text("status = 'retracted'")

# Keep in step with migration 0012 and app/statements/search.py (SQLITE_FOLDS).
SQLITE_FOLDS = {
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "ı": "i", "Ǡ": "A", "ǡ": "a",
    "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "TH", "þ": "th",
}  # fmt: skip


def _folded(expression: str) -> str:
    for letter, plain in SQLITE_FOLDS.items():
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _values(row: str) -> str:
    translation = f"coalesce({row}.translation, '')"
    return f"{row}.id, {_folded(f'{row}.quote')}, {_folded(translation)}"


SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE statement_fts_retracted USING fts5(
        quote, translation, content='', tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER statement_fts_retracted_after_insert AFTER INSERT ON statement
    WHEN new.status = 'retracted' BEGIN
        INSERT INTO statement_fts_retracted(rowid, quote, translation) VALUES ({_values("new")});
    END""",
    f"""CREATE TRIGGER statement_fts_retracted_after_update AFTER UPDATE OF quote, translation, status ON statement BEGIN
        INSERT INTO statement_fts_retracted(statement_fts_retracted, rowid, quote, translation)
        SELECT 'delete', {_values("old")} WHERE old.status = 'retracted';
        INSERT INTO statement_fts_retracted(rowid, quote, translation)
        SELECT {_values("new")} WHERE new.status = 'retracted';
    END""",
    f"""INSERT INTO statement_fts_retracted(rowid, quote, translation)
        SELECT {_values("statement")} FROM statement WHERE status = 'retracted'""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS statement_fts_retracted_after_update",
    "DROP TRIGGER IF EXISTS statement_fts_retracted_after_insert",
    "DROP TABLE IF EXISTS statement_fts_retracted",
]


def upgrade() -> None:
    op.create_index(
        "ix_statement_retracted_said_on",
        "statement",
        ["said_on", "id"],
        sqlite_where=RETRACTED,
        postgresql_where=RETRACTED,
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_CREATE:
            bind.exec_driver_sql(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DROP:
            bind.exec_driver_sql(sql)
    op.drop_index("ix_statement_retracted_said_on", table_name="statement")
