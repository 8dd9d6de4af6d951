"""Search knows word forms: "drone" finds "drones", "intercepting" finds "intercept".

SQLite: the FTS5 table is made again with the porter stemmer around `unicode61 remove_diacritics 2`,
and fed text in which the letters unicode61 does not fold (ł, ø, ß ...) are replaced first; the
index is rebuilt. Its rowids (the history order of migration 0003) and its triggers are as before.
PostgreSQL: the tsvector column is rebuilt as the 'english' configuration (stemmed) of the folded
quote and translation, beside the 'simple' configuration (words as written) of the folded quote.
iw_search_fold() folds: unaccent where the server has that extension (it is created if missing and
allowed), otherwise translate() with the fixed table of migration 0005. The GIN index is rebuilt.
app/statements/search.py builds queries the same way.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# ---- SQLite

# Keep in step with app/statements/search.py (SEARCH_KEY_SQL and SQLITE_FOLDS).
KEY = "((CAST(strftime('%s', {row}.said_on) AS INTEGER) / 86400) * 4294967296 + {row}.id)"
SQLITE_FOLDS = {
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "ı": "i", "Ǡ": "A", "ǡ": "a",
    "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "TH", "þ": "th",
}  # fmt: skip


def _folded(expression: str) -> str:
    for letter, plain in SQLITE_FOLDS.items():
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _fts(tokenize: str, fold) -> list[str]:  # type: ignore[no-untyped-def]
    """The FTS5 table, its triggers and its filling, as migration 0003 made them, with this tokenizer and folding."""

    def values(row: str) -> str:
        translation = f"coalesce({row}.translation, '')"
        return f"{KEY.format(row=row)}, {fold(f'{row}.quote')}, {fold(translation)}"

    return [
        f"CREATE VIRTUAL TABLE statement_fts USING fts5(quote, translation, content='', tokenize='{tokenize}')",
        f"""CREATE TRIGGER statement_fts_after_insert AFTER INSERT ON statement WHEN new.status = 'published' BEGIN
        INSERT INTO statement_fts(rowid, quote, translation) VALUES ({values("new")});
    END""",
        # Remove the old entry (if it was indexed) before adding the new one: rowids are unique.
        f"""CREATE TRIGGER statement_fts_after_update AFTER UPDATE OF quote, translation, said_on, status ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, quote, translation)
        SELECT 'delete', {values("old")} WHERE old.status = 'published';
        INSERT INTO statement_fts(rowid, quote, translation)
        SELECT {values("new")} WHERE new.status = 'published';
    END""",
        f"""INSERT INTO statement_fts(rowid, quote, translation)
        SELECT {values("statement")} FROM statement WHERE status = 'published'""",
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS statement_fts_after_update",
    "DROP TRIGGER IF EXISTS statement_fts_after_insert",
    "DROP TABLE IF EXISTS statement_fts",
]
SQLITE_CREATE = _fts("porter unicode61 remove_diacritics 2", _folded)
SQLITE_PREVIOUS = _fts("unicode61 remove_diacritics 2", lambda expression: expression)

# ---- PostgreSQL

# The fold of migration 0005, for servers without unaccent. Keep in step with app/statements/search.py.
ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
PLAIN = "AAAAAACEEEEIIIINOOOOOOUUUUYaaaaaaceeeeiiiinoooooouuuuyyAaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIiJjKkLlLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzsOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwysAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy"

TEXT = "coalesce(quote, '') || ' ' || coalesce(translation, '')"
VECTOR = f"to_tsvector('english'::regconfig, iw_search_fold({TEXT})) || to_tsvector('simple'::regconfig, iw_search_fold(coalesce(quote, '')))"
PREVIOUS_VECTOR = f"to_tsvector('simple', translate({TEXT}, '{ACCENTED}', '{PLAIN}'))"


def fold_function(unaccent_schema: str | None) -> str:
    """iw_search_fold(text): unaccent's dictionary from its schema, or the fixed table without it.

    unaccent() is only STABLE (its dictionary could change), and a generated column takes IMMUTABLE
    functions alone: this wrapper promises that the dictionary won't change under the index.
    """
    if unaccent_schema is None:
        body = f"SELECT translate($1, '{ACCENTED}', '{PLAIN}')"
    else:
        body = f"SELECT {unaccent_schema}.unaccent('{unaccent_schema}.unaccent'::regdictionary, $1)"
    return (
        "CREATE OR REPLACE FUNCTION iw_search_fold(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$ {body} $fold$"
    )


def vector(expression: str) -> list[str]:
    """The search_vector column and its GIN index, made again from `expression`."""
    return [
        "DROP INDEX IF EXISTS ix_statement_search_vector",
        "ALTER TABLE statement DROP COLUMN IF EXISTS search_vector",
        f"ALTER TABLE statement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expression}) STORED",
        "CREATE INDEX ix_statement_search_vector ON statement USING gin (search_vector)",
    ]


def _unaccent_schema() -> str | None:
    """The schema of the unaccent extension, created here if the server has it and we may; else None."""
    bind = op.get_bind()
    installed = "SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
    found = bind.exec_driver_sql(installed).scalar()
    if found is not None:
        return str(found)
    if bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").scalar() is None:
        return None
    try:
        with bind.begin_nested():  # a refusal (no privilege) must not abort the migration's transaction
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DBAPIError:
        return None
    found = bind.exec_driver_sql(installed).scalar()
    return None if found is None else str(found)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DROP + SQLITE_CREATE:
            bind.exec_driver_sql(sql)
    elif bind.dialect.name == "postgresql":
        bind.exec_driver_sql(fold_function(_unaccent_schema()))
        for sql in vector(VECTOR):
            bind.exec_driver_sql(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in SQLITE_DROP + SQLITE_PREVIOUS:
            bind.exec_driver_sql(sql)
    elif bind.dialect.name == "postgresql":
        for sql in vector(PREVIOUS_VECTOR):
            bind.exec_driver_sql(sql)
        # The unaccent extension stays: it may have been there before, and other things may use it.
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS iw_search_fold(text)")
