"""PostgreSQL's search index knows the history's other filters, as SQLite's has since 0018.

The GIN index is made over the statement's tsvector plus a lexeme for its country, topic, actor and
stance, and one when it has a condition (`iw_search_facets()`, the tokens of SQLite's facets column:
U+E000, which PostgreSQL's parser never keeps in a word, then the filter's letter and value). It holds
published statements only. A search for "drone" in Poland reads the entries of "drone" and of Poland's
lexeme together, skipping through the longer list, instead of every statement holding "drone" and
every statement from Poland, intersected afterwards (docs/performance.md, "Word searches on
PostgreSQL"). The tsvector column is unchanged; its own GIN index goes, as nothing else reads through
it. SQLite is unchanged.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keep in step with app/statements/search.py (FACET, facet, FACETS_FUNCTION and postgresql_document).
FACET = "\ue000"
FACETS_FUNCTION = f"""CREATE OR REPLACE FUNCTION iw_search_facets(country integer, topic integer, actor integer,
    stance integer, conditional boolean) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $facets$
    SELECT array_to_tsvector(ARRAY['{FACET}c' || country, '{FACET}t' || topic, '{FACET}a' || actor,
        '{FACET}s' || (stance + 2)] || CASE WHEN conditional THEN ARRAY['{FACET}k'] ELSE ARRAY[]::text[] END)
$facets$"""
DOCUMENT = "(search_vector || iw_search_facets(country_id, topic_id, actor_id, stance, conditional))"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(FACETS_FUNCTION)
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_statement_search_vector")
        bind.exec_driver_sql(
            f"CREATE INDEX ix_statement_search ON statement USING gin ({DOCUMENT}) WHERE status = 'published'"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_statement_search")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS iw_search_facets(integer, integer, integer, integer, boolean)")
        bind.exec_driver_sql("CREATE INDEX ix_statement_search_vector ON statement USING gin (search_vector)")
