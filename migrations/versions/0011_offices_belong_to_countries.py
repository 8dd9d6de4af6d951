"""Offices belong to countries and institutions, not actors: an actor's career may cross countries.

Mark Rutte was Prime Minister of the Netherlands, then NATO's Secretary General. Each office now
names the member state or institution it belongs to (office.country_id), and a statement counts
for the office its speaker held that day. Today's data carries over unchanged: every office takes
the country its actor spoke for, which is also the country of every statement made in it. The
actor's own country goes.

Country kinds gain 'institution', for institutions besides NATO that an admin adds (the EU, say).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("member", "alliance", "partner")
KINDS_WITH_INSTITUTION = (*KINDS, "institution")


def _kinds(kinds: Sequence[str]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "country_id", sa.Integer(), nullable=True, comment="the member state or institution it belongs to"
            )
        )
    op.execute("UPDATE office SET country_id = (SELECT actor.country_id FROM actor WHERE actor.id = office.actor_id)")
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.alter_column("country_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f("fk_office_country_id_country"), "country", ["country_id"], ["id"])
        batch_op.create_index(op.f("ix_office_country_id"), ["country_id"], unique=False)
    with op.batch_alter_table("actor", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_actor_country_id"))
        batch_op.drop_constraint(op.f("fk_actor_country_id_country"), type_="foreignkey")
        batch_op.drop_column("country_id")
    with op.batch_alter_table("country", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_country_kind"), type_="check")
        batch_op.alter_column("kind", existing_type=sa.String(8), type_=sa.String(11), existing_nullable=False)
        batch_op.create_check_constraint(op.f("ck_country_kind"), _kinds(KINDS_WITH_INSTITUTION))


def downgrade() -> None:
    # The older schema has no 'institution' kind: an institution added since is kept, as NATO's kind.
    op.execute("UPDATE country SET kind = 'alliance' WHERE kind = 'institution'")
    with op.batch_alter_table("country", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_country_kind"), type_="check")
        batch_op.alter_column("kind", existing_type=sa.String(11), type_=sa.String(8), existing_nullable=False)
        batch_op.create_check_constraint(op.f("ck_country_kind"), _kinds(KINDS))
    with op.batch_alter_table("actor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country_id", sa.Integer(), nullable=True))
    # The country of the office each actor held last (by start, then id): one country per actor again.
    op.execute(
        "UPDATE actor SET country_id = (SELECT office.country_id FROM office WHERE office.actor_id = actor.id "
        "ORDER BY office.started_on IS NOT NULL DESC, office.started_on DESC, office.id DESC LIMIT 1)"
    )
    with op.batch_alter_table("actor", schema=None) as batch_op:
        batch_op.alter_column("country_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(op.f("fk_actor_country_id_country"), "country", ["country_id"], ["id"])
        batch_op.create_index(op.f("ix_actor_country_id"), ["country_id"], unique=False)
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_office_country_id"))
        batch_op.drop_constraint(op.f("fk_office_country_id_country"), type_="foreignkey")
        batch_op.drop_column("country_id")
