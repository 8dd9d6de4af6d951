"""Versions per scope: a save makes stale only the pages that show what it changed.

One row per scope a page can be keyed by (`topic:<slug>`, `country:<code>`, `actor:<slug>`,
`statement:<id>`, `history`, and `*` for a change every page shows), holding the data version of the
last write that touched it. A write sets its scopes' rows in its own transaction, beside the global
data version in app_state; a page's version is the newer of its scope's and `*`'s
(app/system/repository.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_scope",
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_data_scope")),
    )
    # Every page as of now: the newest write so far touched them all.
    op.execute(
        "INSERT INTO data_scope (scope, version, changed_at) SELECT '*', data_version, changed_at FROM app_state WHERE id = 1"
    )


def downgrade() -> None:
    op.drop_table("data_scope")
