"""Full-text search over quotes and translations, in the history's order, on both databases.

Words match whole and in any form of the same word ("drone" finds "drones", "intercepting" finds
"intercept"), ignoring case and Latin diacritics. Each database stems and folds the words itself,
the query exactly as the index, so this module only says which of its tools to use:

SQLite: a contentless FTS5 table of published statements (migration 0012) with the porter tokenizer
around `unicode61 remove_diacritics 2`, fed text in which the few letters unicode61 leaves as they
are ("ł", "ø", "ß") are replaced first (SQLITE_FOLDS). Its rowid is the statement's place in the
history (days since 1970 of said_on x 2^32 + id, migration 0003), so reading it by descending rowid
gives matches newest first, and a page never needs every match sorted. A third column holds a token
per filter (country, topic, actor, stance, condition; migration 0018), so a search with filters is
one FTS5 query, and its dates a range of rowids: the statement table is never read.
PostgreSQL: a generated tsvector column with a GIN index: the 'english' configuration (stemmed) of
the folded quote and translation, beside the 'simple' one (words as written) of the folded quote,
for words of other languages that English would drop as stop words. iw_search_fold() folds: the
unaccent extension where the server has it, else a fixed table of Latin letters (ACCENTED, PLAIN).
The GIN index is over the tsvector and a lexeme per filter, the facets column's tokens (migration 0019),
so a search with filters is one index read there too; the planner's estimate picks it or the listing walk.

A prefix search is not offered: it would have to merge the index entries of every word it starts,
tens of milliseconds for a common prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, literal_column

ID_BITS = 32
_EPOCH = date(1970, 1, 1)
# Keep in step with migrations/versions/0003_search_in_history_order.py.
SEARCH_KEY_SQL = "((CAST(strftime('%s', {row}.said_on) AS INTEGER) / 86400) * 4294967296 + {row}.id)"


def sqlite_key_day(key: str) -> str:
    """SQLite SQL for the day in a search key, as said_on is stored ('2024-07-13')."""
    return f"date(({key} >> {ID_BITS}) * 86400, 'unixepoch')"


def search_key(said_on: date, statement_id: int) -> int:
    """A statement's place in the history, as the SQLite index's rowid."""
    return ((said_on - _EPOCH).days << ID_BITS) + statement_id


_ID_MASK = (1 << ID_BITS) - 1


def key_parts(key: int) -> tuple[int, date]:
    """(statement id, said_on) of a search key."""
    return key & _ID_MASK, _EPOCH + timedelta(days=key >> ID_BITS)


# Letters FTS5's unicode61 tokenizer does not fold (they have no Unicode decomposition), each with
# the plain form PostgreSQL's unaccent gives it. Keep in step with migration 0012, which folds the
# indexed text with the same table before the tokenizer sees it.
SQLITE_FOLDS = {
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "ı": "i", "Ǡ": "A", "ǡ": "a",
    "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "TH", "þ": "th",
}  # fmt: skip
_SQLITE_FOLDING = str.maketrans(SQLITE_FOLDS)


def sqlite_folded(expression: str) -> str:
    """SQL that replaces SQLITE_FOLDS's letters in `expression` (the text the FTS5 index is fed)."""
    for letter, plain in SQLITE_FOLDS.items():
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def sqlite_match(words: Sequence[str], facets: Sequence[Sequence[str]] = ()) -> str:
    """An FTS5 query: every word, folded as the index was, quoted so no word is read as an operator; and
    one of each group of facet tokens (`facet`)."""
    found = [f'"{word.translate(_SQLITE_FOLDING)}"' for word in words]
    for group in facets:
        either = " OR ".join(f'"{token}"' for token in group)
        found.append(either if len(group) == 1 else f"({either})")
    return " AND ".join(found)  # FTS5 reads no implicit AND before a parenthesis


# The facets column's tokens (migration 0018): a private-use character, which the tokenizer keeps in a
# word and a search's words (runs of letters and digits) never hold, then the filter's letter and value.
# The indexed quote and translation have it replaced by a space, so no quote holds a facet's token.
FACET = "\ue000"
COUNTRY, TOPIC, ACTOR, STANCE, CONDITIONAL = "c", "t", "a", "s", "k"


def facet(kind: str, value: int | None = None) -> str:
    """A facets token: a country, topic or actor by id, a stance (-2..2), or the condition's (no value)."""
    if kind == STANCE:
        assert value is not None
        value += 2  # tokens hold letters and digits only
    return f"{FACET}{kind}{'' if value is None else value}"


def facets_sql(row: str) -> str:
    """SQLite SQL for the facets column's text of a statement row (as `facet` writes each token)."""
    return (
        f"'{FACET}{COUNTRY}' || {row}.country_id || ' {FACET}{TOPIC}' || {row}.topic_id"
        f" || ' {FACET}{ACTOR}' || {row}.actor_id || ' {FACET}{STANCE}' || ({row}.stance + 2)"
        f" || CASE WHEN {row}.condition IS NULL THEN '' ELSE ' {FACET}{CONDITIONAL}' END"
    )


def sqlite_indexed(expression: str) -> str:
    """SQL for a quote's or translation's text as the search index is fed it: folded, and no facet marker."""
    return sqlite_folded(f"replace({expression}, '{FACET}', ' ')")


# Latin letters with diacritics and their plain forms: how iw_search_fold() folds on a PostgreSQL server
# without the unaccent extension (migrations 0005 and 0012). Text search configurations keep diacritics.
ACCENTED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘ"
    "ęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶ"
    "ŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧ"
    "ȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃ"
    "ṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓ"
    "ẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨ"
    "ứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
)
PLAIN = (
    "AAAAAACEEEEIIIINOOOOOOUUUUYaaaaaaceeeeiiiinoooooouuuuyyAaAaAaCcCcCcCcDdDdEeEeEeE"
    "eEeGgGgGgGgHhIiIiIiIiIiJjKkLlLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwY"
    "yYZzZzZzsOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAa"
    "EeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMm"
    "NnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZz"
    "ZzhtwysAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuU"
    "uUuUuUuUuYyYyYyYy"
)


FOLD_FUNCTION = "iw_search_fold"  # made by migration 0012: unaccent, or translate() with the table above
_ENGLISH: ColumnElement[str] = literal_column("'english'")
_SIMPLE: ColumnElement[str] = literal_column("'simple'")


def _bound(name: str, value: Any) -> Any:
    return bindparam(name, value)


def postgresql_match(
    words: Sequence[str], document: ColumnElement[Any] | None = None, value: Any = _bound
) -> ColumnElement[bool]:
    """The tsvector condition: every word, in any English form ('english') or as written ('simple'); in the
    statement's tsvector, or in `document` (postgresql_document). `value` makes each word's parameter."""
    fold = getattr(func, FOLD_FUNCTION)
    query: ColumnElement[Any] | None = None
    for number, word in enumerate(words):
        folded = fold(value(f"ts_word_{number}", word))
        either = func.plainto_tsquery(_ENGLISH, folded).op("||")(func.plainto_tsquery(_SIMPLE, folded))
        query = either if query is None else query.op("&&")(either)
    return (literal_column("statement.search_vector") if document is None else document).op("@@")(query)


# PostgreSQL's search index (migration 0019) is over the tsvector plus a lexeme per filter, the facets
# column's tokens: a facet lexeme never matches a word (the parser drops U+E000), so a search is the
# words and one of each group of facets, matched against this document.
FACETS_FUNCTION = "iw_search_facets"


def postgresql_document() -> ColumnElement[Any]:
    """The statement's tsvector and its facets' lexemes, as the GIN index of migration 0019 holds them."""
    facets = getattr(func, FACETS_FUNCTION)(
        *(literal_column(f"statement.{name}") for name in ("country_id", "topic_id", "actor_id", "stance")),
        literal_column("statement.conditional"),
    )
    return literal_column("statement.search_vector").op("||")(facets)


def postgresql_facets(facets: Sequence[Sequence[str]]) -> str:
    """A tsquery's text: one of each group of facet lexemes (`facet`)."""
    return " & ".join("(" + " | ".join(f"'{token}'" for token in group) + ")" for group in facets)


def statement_id(key_column: ColumnElement[int]) -> ColumnElement[int]:
    """The statement id inside a search key."""
    return key_column.op("&")(literal_column(str((1 << ID_BITS) - 1)))


# Retracted statements' words, for the Atom feed (migration 0013): rowid is the statement's id.
RETRACTED_TABLE = "statement_fts_retracted"

REBUILD_SQLITE = (
    f"""INSERT INTO statement_fts(rowid, quote, translation, facets)
    SELECT {SEARCH_KEY_SQL.format(row="statement")}, {sqlite_indexed("quote")},
        {sqlite_indexed("coalesce(translation, '')")}, {facets_sql("statement")}
    FROM statement WHERE status = 'published'""",
    f"""INSERT INTO {RETRACTED_TABLE}(rowid, quote, translation)
    SELECT id, {sqlite_folded("quote")}, {sqlite_folded("coalesce(translation, '')")}
    FROM statement WHERE status = 'retracted'""",
)


def rebuild_sqlite(connection) -> None:  # type: ignore[no-untyped-def]
    """Refill the SQLite indexes from every statement (after a bulk load that bypassed the triggers)."""
    for name, fill in zip(("statement_fts", RETRACTED_TABLE), REBUILD_SQLITE, strict=True):
        connection.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('delete-all')")
        connection.exec_driver_sql(fill)
