"""Listing indexes hold published statements only, and end with the id for keyset order.

Counts and keyset scans of the history then stay inside an index instead of reading each row
to check its status (measured at 1,000,000 statements: a two-country count fell from 25 ms).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLISHED = sa.text("status = 'published'")
INDEXES = {
    "ix_statement_country_topic_said_on": (
        ["country_id", "topic_id", "said_on", "id"],
        ["country_id", "topic_id", "said_on"],
    ),
    "ix_statement_country_said_on": (["country_id", "said_on", "id"], ["country_id", "said_on", "id"]),
    "ix_statement_topic_said_on": (["topic_id", "said_on", "id"], ["topic_id", "said_on", "id"]),
    "ix_statement_actor_said_on": (["actor_id", "said_on", "id"], ["actor_id", "said_on"]),
    "ix_statement_said_on": (["said_on", "id"], ["said_on", "id"]),
}


def upgrade() -> None:
    with op.batch_alter_table("statement") as batch:
        for name, (columns, _) in INDEXES.items():
            batch.drop_index(name)
            batch.create_index(name, columns, sqlite_where=PUBLISHED, postgresql_where=PUBLISHED)


def downgrade() -> None:
    with op.batch_alter_table("statement") as batch:
        for name, (_, columns) in INDEXES.items():
            batch.drop_index(name)
            batch.create_index(name, columns)
