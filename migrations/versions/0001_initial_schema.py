"""The initial schema: every table, full-text search, and append-only guards.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Full-text search over quotes and translations: FTS5 on SQLite, a generated tsvector with a
# GIN index on PostgreSQL. app/statements/repository.py's search clause must match these.
FULL_TEXT_SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE statement_fts USING fts5(
        quote, translation,
        content='statement', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER statement_fts_after_insert AFTER INSERT ON statement BEGIN
        INSERT INTO statement_fts(rowid, quote, translation)
        VALUES (new.id, new.quote, coalesce(new.translation, ''));
    END""",
    """CREATE TRIGGER statement_fts_after_update AFTER UPDATE OF quote, translation ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, quote, translation)
        VALUES ('delete', old.id, old.quote, coalesce(old.translation, ''));
        INSERT INTO statement_fts(rowid, quote, translation)
        VALUES (new.id, new.quote, coalesce(new.translation, ''));
    END""",
    "INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')",
]

FULL_TEXT_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS statement_fts_after_update",
    "DROP TRIGGER IF EXISTS statement_fts_after_insert",
    "DROP TABLE IF EXISTS statement_fts",
]

FULL_TEXT_POSTGRESQL_CREATE = [
    """ALTER TABLE statement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(quote, '') || ' ' || coalesce(translation, ''))
    ) STORED""",
    "CREATE INDEX ix_statement_search_vector ON statement USING gin (search_vector)",
]

FULL_TEXT_POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS ix_statement_search_vector",
    "ALTER TABLE statement DROP COLUMN IF EXISTS search_vector",
]

# Nothing is lost: revisions are append-only and statements are retracted, never deleted.
GUARDS_SQLITE_CREATE = [
    """CREATE TRIGGER revision_no_update BEFORE UPDATE ON revision BEGIN
        SELECT RAISE(ABORT, 'revisions are append-only');
    END""",
    """CREATE TRIGGER revision_no_delete BEFORE DELETE ON revision BEGIN
        SELECT RAISE(ABORT, 'revisions are append-only');
    END""",
    """CREATE TRIGGER statement_no_delete BEFORE DELETE ON statement BEGIN
        SELECT RAISE(ABORT, 'statements are never deleted; retract them');
    END""",
]

GUARDS_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS statement_no_delete",
    "DROP TRIGGER IF EXISTS revision_no_delete",
    "DROP TRIGGER IF EXISTS revision_no_update",
]

GUARDS_POSTGRESQL_CREATE = [
    """CREATE FUNCTION iw_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING MESSAGE = TG_ARGV[0];
    END
    $$""",
    """CREATE TRIGGER revision_append_only BEFORE UPDATE OR DELETE ON revision
        FOR EACH ROW EXECUTE FUNCTION iw_refuse_change('revisions are append-only')""",
    """CREATE TRIGGER statement_no_delete BEFORE DELETE ON statement
        FOR EACH ROW EXECUTE FUNCTION iw_refuse_change('statements are never deleted; retract them')""",
]

GUARDS_POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS statement_no_delete ON statement",
    "DROP TRIGGER IF EXISTS revision_append_only ON revision",
    "DROP FUNCTION IF EXISTS iw_refuse_change()",
]


def _run(statements: dict[str, list[str]]) -> None:
    bind = op.get_bind()
    for sql in statements[bind.dialect.name]:
        bind.exec_driver_sql(sql)


def upgrade() -> None:
    op.create_table(
        "app_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("synthetic_note", sa.Text(), nullable=True),
        sa.Column("secret", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_state")),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False, comment="stored lower-cased"),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role", sa.Enum("editor", "admin", name="role", native_enum=False, create_constraint=True), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    op.create_table(
        "country",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("member", "alliance", "partner", name="kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("joined_on", sa.Date(), nullable=True, comment="NATO accession date, for member states"),
        sa.Column("borders_ukraine", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_country")),
        sa.UniqueConstraint("code", name=op.f("uq_country_code")),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_address_attempted_at", ["address", "attempted_at"], unique=False)
        batch_op.create_index("ix_login_attempt_email_key_attempted_at", ["email_key", "attempted_at"], unique=False)

    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("url IS NOT NULL OR key IS NOT NULL", name=op.f("ck_source_url_or_key")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
        sa.UniqueConstraint("url", name=op.f("uq_source_url")),
    )
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("is_context", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic")),
        sa.UniqueConstraint("slug", name=op.f("uq_topic_slug")),
    )
    op.create_table(
        "actor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("person", "institution", name="kind", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"], name=op.f("fk_actor_country_id_country")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor")),
        sa.UniqueConstraint("slug", name=op.f("uq_actor_slug")),
    )
    with op.batch_alter_table("actor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_country_id"), ["country_id"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False, comment="the token's first characters, for display"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_api_token_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "stance_score",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False, comment="first day of the month"),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(length=16), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False, comment="statements counted: each actor's latest"),
        sa.Column("new", sa.Integer(), nullable=False, comment="published statements said in this month"),
        sa.Column("total", sa.Integer(), nullable=False, comment="published statements up to the end of this month"),
        sa.Column("divided", sa.Boolean(), nullable=False),
        sa.Column("conditional", sa.Boolean(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False, comment="the earliest statement's date"),
        sa.Column("last_on", sa.Date(), nullable=False, comment="the latest statement's date up to this month"),
        sa.Column("evidence", sa.Text(), nullable=False, comment="JSON: the counted statements and weights"),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"], name=op.f("fk_stance_score_country_id_country")),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], name=op.f("fk_stance_score_topic_id_topic")),
        sa.PrimaryKeyConstraint("topic_id", "country_id", "month", name=op.f("pk_stance_score")),
    )
    with op.batch_alter_table("stance_score", schema=None) as batch_op:
        batch_op.create_index("ix_stance_score_topic_month", ["topic_id", "month"], unique=False)

    op.create_table(
        "user_session",
        sa.Column("id", sa.String(length=64), nullable=False, comment="sha256 of the cookie token"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_user_session_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "actor_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], name=op.f("fk_actor_alias_actor_id_actor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_alias")),
        sa.UniqueConstraint("actor_id", "key", name=op.f("uq_actor_alias_actor_id_key")),
    )
    with op.batch_alter_table("actor_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_alias_key"), ["key"], unique=False)

    op.create_table(
        "office",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "rank",
            sa.Enum("head", "minister", "other", name="rank", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True, comment="exclusive: the successor's first day"),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], name=op.f("fk_office_actor_id_actor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office")),
    )
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_office_actor_id"), ["actor_id"], unique=False)

    op.create_table(
        "statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("said_on", sa.Date(), nullable=False),
        sa.Column(
            "date_precision",
            sa.Enum("day", "month", name="date_precision", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("date_is_report_date", sa.Boolean(), nullable=False),
        sa.Column("date_note", sa.Text(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("quote_is_verbatim", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("translation", sa.Text(), nullable=True),
        sa.Column("stance", sa.SmallInteger(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("published", "retracted", name="status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("retraction_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("stance BETWEEN -2 AND 2", name=op.f("ck_statement_stance_range")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_statement_version_positive")),
        sa.ForeignKeyConstraint(["actor_id"], ["actor.id"], name=op.f("fk_statement_actor_id_actor")),
        sa.ForeignKeyConstraint(["country_id"], ["country.id"], name=op.f("fk_statement_country_id_country")),
        sa.ForeignKeyConstraint(["created_by_id"], ["app_user.id"], name=op.f("fk_statement_created_by_id_app_user")),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"], name=op.f("fk_statement_office_id_office")),
        sa.ForeignKeyConstraint(["topic_id"], ["topic.id"], name=op.f("fk_statement_topic_id_topic")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["app_user.id"], name=op.f("fk_statement_updated_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_statement_submission_key")),
    )
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.create_index("ix_statement_actor_said_on", ["actor_id", "said_on"], unique=False)
        batch_op.create_index("ix_statement_country_said_on", ["country_id", "said_on", "id"], unique=False)
        batch_op.create_index("ix_statement_country_topic_said_on", ["country_id", "topic_id", "said_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_fingerprint"), ["fingerprint"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_office_id"), ["office_id"], unique=False)
        batch_op.create_index("ix_statement_said_on", ["said_on", "id"], unique=False)
        batch_op.create_index("ix_statement_topic_said_on", ["topic_id", "said_on", "id"], unique=False)

    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, comment="the statement's version after this change"),
        sa.Column(
            "action",
            sa.Enum("create", "edit", "retract", "restore", name="action", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=32), nullable=False, comment="form, api, import, seed or cli"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"], name=op.f("fk_revision_statement_id_statement")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_revision_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
        sa.UniqueConstraint("statement_id", "version", name=op.f("uq_revision_statement_id_version")),
    )
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revision_user_id"), ["user_id"], unique=False)

    op.create_table(
        "statement_source",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_statement_source_source_id_source")),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statement.id"], name=op.f("fk_statement_source_statement_id_statement")
        ),
        sa.PrimaryKeyConstraint("statement_id", "source_id", name=op.f("pk_statement_source")),
    )
    with op.batch_alter_table("statement_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_source_source_id"), ["source_id"], unique=False)

    op.bulk_insert(
        sa.table(
            "app_state",
            sa.column("id", sa.Integer()),
            sa.column("data_version", sa.BigInteger()),
            sa.column("changed_at", sa.DateTime(timezone=True)),
            sa.column("synthetic", sa.Boolean()),
        ),
        [{"id": 1, "data_version": 1, "changed_at": datetime.now(UTC), "synthetic": False}],
    )
    _run({"sqlite": FULL_TEXT_SQLITE_CREATE, "postgresql": FULL_TEXT_POSTGRESQL_CREATE})
    _run({"sqlite": GUARDS_SQLITE_CREATE, "postgresql": GUARDS_POSTGRESQL_CREATE})


def downgrade() -> None:
    _run({"sqlite": GUARDS_SQLITE_DROP, "postgresql": GUARDS_POSTGRESQL_DROP})
    _run({"sqlite": FULL_TEXT_SQLITE_DROP, "postgresql": FULL_TEXT_POSTGRESQL_DROP})
    with op.batch_alter_table("statement_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_source_source_id"))

    op.drop_table("statement_source")
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revision_user_id"))

    op.drop_table("revision")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_topic_said_on")
        batch_op.drop_index("ix_statement_said_on")
        batch_op.drop_index(batch_op.f("ix_statement_office_id"))
        batch_op.drop_index(batch_op.f("ix_statement_fingerprint"))
        batch_op.drop_index("ix_statement_country_topic_said_on")
        batch_op.drop_index("ix_statement_country_said_on")
        batch_op.drop_index("ix_statement_actor_said_on")

    op.drop_table("statement")
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_actor_id"))

    op.drop_table("office")
    with op.batch_alter_table("actor_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_alias_key"))

    op.drop_table("actor_alias")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))

    op.drop_table("user_session")
    with op.batch_alter_table("stance_score", schema=None) as batch_op:
        batch_op.drop_index("ix_stance_score_topic_month")

    op.drop_table("stance_score")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("actor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_country_id"))

    op.drop_table("actor")
    op.drop_table("topic")
    op.drop_table("source")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_email_key_attempted_at")
        batch_op.drop_index("ix_login_attempt_address_attempted_at")

    op.drop_table("login_attempt")
    op.drop_table("country")
    op.drop_table("app_user")
    op.drop_table("app_state")
