"""The SQLite search index knows the history's other filters: a search with them reads that index alone.

statement_fts gets a third column, `facets`: a token for the statement's country, topic, actor and
stance, and one when it has a condition, each starting with U+E000 (a private-use character: the
tokenizer keeps it in the word, and a search's words, runs of letters and digits, never hold it).
So "drone" in Poland is the FTS5 query `"drone" "<E000>c23"`, and FTS5 walks the two lists together
instead of the app looking every match of "drone" up in a listing index (docs/performance.md,
"Searching with other filters"). U+E000 in a quote or translation is indexed as a space, so no
quote holds a facet's token. The triggers re-index a statement when any of those columns changes.
The rowids (migration 0003), the tokenizer and the folding (migration 0012) are as before.
PostgreSQL is unchanged: its tsvector column sits in the statement's row, beside the filters.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keep in step with app/statements/search.py (SEARCH_KEY_SQL, SQLITE_FOLDS, FACET and facets_sql).
KEY = "((CAST(strftime('%s', {row}.said_on) AS INTEGER) / 86400) * 4294967296 + {row}.id)"
SQLITE_FOLDS = {
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "ı": "i", "Ǡ": "A", "ǡ": "a",
    "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "TH", "þ": "th",
}  # fmt: skip
FACET = "\ue000"
TOKENIZE = "porter unicode61 remove_diacritics 2"


def _folded(expression: str, *, facets: bool) -> str:
    if facets:
        expression = f"replace({expression}, '{FACET}', ' ')"
    for letter, plain in SQLITE_FOLDS.items():
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _facets(row: str) -> str:
    return (
        f"'{FACET}c' || {row}.country_id || ' {FACET}t' || {row}.topic_id || ' {FACET}a' || {row}.actor_id"
        f" || ' {FACET}s' || ({row}.stance + 2) || CASE WHEN {row}.condition IS NULL THEN '' ELSE ' {FACET}k' END"
    )


def _fts(*, facets: bool) -> list[str]:
    """The FTS5 table, its triggers and its filling: with the facets column, or as migration 0012 made them."""
    columns = "quote, translation, facets" if facets else "quote, translation"
    watched = "quote, translation, said_on, status"
    if facets:
        watched += ", country_id, topic_id, actor_id, stance, condition"

    def values(row: str) -> str:
        translation = f"coalesce({row}.translation, '')"
        found = (
            f"{KEY.format(row=row)}, {_folded(f'{row}.quote', facets=facets)}, {_folded(translation, facets=facets)}"
        )
        return f"{found}, {_facets(row)}" if facets else found

    return [
        f"CREATE VIRTUAL TABLE statement_fts USING fts5({columns}, content='', tokenize='{TOKENIZE}')",
        f"""CREATE TRIGGER statement_fts_after_insert AFTER INSERT ON statement WHEN new.status = 'published' BEGIN
        INSERT INTO statement_fts(rowid, {columns}) VALUES ({values("new")});
    END""",
        # Remove the old entry (if it was indexed) before adding the new one: rowids are unique.
        f"""CREATE TRIGGER statement_fts_after_update AFTER UPDATE OF {watched} ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, {columns})
        SELECT 'delete', {values("old")} WHERE old.status = 'published';
        INSERT INTO statement_fts(rowid, {columns})
        SELECT {values("new")} WHERE new.status = 'published';
    END""",
        f"""INSERT INTO statement_fts(rowid, {columns})
        SELECT {values("statement")} FROM statement WHERE status = 'published'""",
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS statement_fts_after_update",
    "DROP TRIGGER IF EXISTS statement_fts_after_insert",
    "DROP TABLE IF EXISTS statement_fts",
]
SQLITE_CREATE = _fts(facets=True)
SQLITE_PREVIOUS = _fts(facets=False)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DROP + SQLITE_CREATE:
            bind.exec_driver_sql(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DROP + SQLITE_PREVIOUS:
            bind.exec_driver_sql(sql)
