"""Users get a display name, shown to the public on their revisions instead of their email address.

Every existing user is named "Editor <id>", the name new users get too until they choose one on /account.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column(
                "display_name",
                sa.String(length=80),
                nullable=True,
                comment="the name revisions show the public; unset reads as 'Editor <id>'",
            )
        )
    op.execute(sa.text("UPDATE app_user SET display_name = 'Editor ' || CAST(id AS VARCHAR(20))"))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("display_name")
