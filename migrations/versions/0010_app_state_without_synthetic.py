"""app_state loses synthetic and synthetic_note: the benchmark marks its databases itself.

A synthetic benchmark database now says what it is in a table its generator makes
(bench_synthetic, bench/synthetic/repository.py), and a server shows a banner when IW_NOTICE is
set. The product's schema keeps no benchmark-only column.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_state", schema=None) as batch_op:
        batch_op.drop_column("synthetic_note")
        batch_op.drop_column("synthetic")


def downgrade() -> None:
    with op.batch_alter_table("app_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("synthetic", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("synthetic_note", sa.Text(), nullable=True))
    with op.batch_alter_table("app_state", schema=None) as batch_op:
        batch_op.alter_column("synthetic", server_default=None)
