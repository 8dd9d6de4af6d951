"""A series' listing index carries what the scoring rule folds, so positions inside a month read it alone.

The matrix and a country page as of a day inside a month fold that month's statements up to the day,
series by series (docs/performance.md, "Positions on a day inside a month"). Besides the date, id and
stance, the rule needs each statement's actor, office and whether a condition is attached; with those
in the index, no statement row is read. Whether a condition is attached becomes a generated column
(`conditional`), which the database keeps, so the index holds a plain column on both databases.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_statement_country_topic_said_on"
PUBLISHED = sa.text("status = 'published'")
LISTING = ["country_id", "topic_id", "said_on", "id", "stance"]


def _index(columns: list[str]) -> None:
    op.drop_index(NAME, table_name="statement")
    op.create_index(NAME, "statement", columns, sqlite_where=PUBLISHED, postgresql_where=PUBLISHED)


def upgrade() -> None:
    # Computed on read on SQLite (which can't add a stored one to a table), stored on PostgreSQL (which has
    # only those before version 18).
    stored = op.get_bind().dialect.name == "postgresql"
    computed = sa.Computed("condition IS NOT NULL", persisted=stored)
    op.add_column("statement", sa.Column("conditional", sa.Boolean(), computed, nullable=False))
    _index([*LISTING, "actor_id", "office_id", "conditional"])


def downgrade() -> None:
    _index(LISTING)
    with op.batch_alter_table("statement") as batch:
        batch.drop_column("conditional")
