"""The words of every actor alias, so the add-statement form finds actors by any word's prefix.

A prefix is then one index range on `word` (compared byte by byte, collation "C", on PostgreSQL),
never a LIKE '%…%' scan of every alias.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.actors.rules.name_words splits a key that is already folded.
_WORD_BREAK = re.compile(r"[^\w]+")
WORD = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")


def upgrade() -> None:
    word_table = op.create_table(
        "actor_alias_word",
        sa.Column("word", WORD, nullable=False),
        sa.Column("alias_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alias_id"], ["actor_alias.id"], name=op.f("fk_actor_alias_word_alias_id_actor_alias")
        ),
        sa.PrimaryKeyConstraint("word", "alias_id", name=op.f("pk_actor_alias_word")),
    )
    with op.batch_alter_table("actor_alias_word", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_alias_word_alias_id"), ["alias_id"], unique=False)
    aliases = op.get_bind().execute(sa.text("SELECT id, key FROM actor_alias")).all()
    rows = [
        {"word": word, "alias_id": alias_id}
        for alias_id, key in aliases
        for word in dict.fromkeys(part for part in _WORD_BREAK.split(key) if part)
    ]
    if rows:
        op.bulk_insert(word_table, rows)


def downgrade() -> None:
    with op.batch_alter_table("actor_alias_word", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_alias_word_alias_id"))
    op.drop_table("actor_alias_word")
