"""Stored changes of position: a country's page reads its newest changes from an index.

One row per published statement whose stance differs from the same actor's previous published
statement on the same topic among the same country's statements (actors/rules.py `position_changes`),
kept by every write in its own transaction (stances/refresh.py). Filled here in one pass with a
window function, which SQLite and PostgreSQL both have.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "position_change",
        sa.Column("after_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("before_id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("stance_before", sa.Integer(), nullable=False),
        sa.Column("stance_after", sa.Integer(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False, comment="the date of the statement that made the change"),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], name=op.f("fk_position_change_actor_id_actor")),
        sa.ForeignKeyConstraint(["after_id"], ["statement.id"], name=op.f("fk_position_change_after_id_statement")),
        sa.ForeignKeyConstraint(["before_id"], ["statement.id"], name=op.f("fk_position_change_before_id_statement")),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"], name=op.f("fk_position_change_country_id_country")),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], name=op.f("fk_position_change_topic_id_topic")),
        sa.PrimaryKeyConstraint("after_id", name=op.f("pk_position_change")),
    )
    op.execute(
        """
        INSERT INTO position_change
            (after_id, before_id, country_id, actor_id, topic_id, stance_before, stance_after, changed_on)
        SELECT id, before_id, country_id, actor_id, topic_id, stance_before, stance, said_on
        FROM (
            SELECT id, country_id, actor_id, topic_id, stance, said_on,
                   LAG(id) OVER chain AS before_id,
                   LAG(stance) OVER chain AS stance_before
            FROM statement
            WHERE status = 'published'
            WINDOW chain AS (PARTITION BY actor_id, topic_id, country_id ORDER BY said_on, id)
        ) AS chained
        WHERE before_id IS NOT NULL AND stance_before <> stance
        """
    )
    op.create_index(
        "ix_position_change_country_changed_on", "position_change", ["country_id", "changed_on", "after_id"]
    )
    op.create_index("ix_position_change_chain", "position_change", ["actor_id", "topic_id", "country_id", "changed_on"])


def downgrade() -> None:
    op.drop_index("ix_position_change_chain", table_name="position_change")
    op.drop_index("ix_position_change_country_changed_on", table_name="position_change")
    op.drop_table("position_change")
