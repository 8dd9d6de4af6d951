"""Full-text search over quotes and translations, in the history's order, on both databases.

SQLite: a contentless FTS5 table of published statements whose rowid is the statement's place in
the history (days since 1970 of said_on x 2^32 + id, kept by triggers from migration 0003). Reading
it by descending rowid gives matches newest first, so a page never needs every match sorted.
Words are matched whole, ignoring case and Latin diacritics on both databases: a prefix search
would have to merge the index entries of every word it starts, tens of milliseconds for a common
prefix. Each database folds the words itself (FTS5's tokenizer; translate() on PostgreSQL), so the
query is folded exactly as the index was.
PostgreSQL: a generated tsvector column with a GIN index; the planner picks the date index or the
GIN index from its statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, bindparam, func, literal_column

ID_BITS = 32
_EPOCH = date(1970, 1, 1)
# Keep in step with migrations/versions/0003_search_in_history_order.py.
SEARCH_KEY_SQL = "((CAST(strftime('%s', {row}.said_on) AS INTEGER) / 86400) * 4294967296 + {row}.id)"


def search_key(said_on: date, statement_id: int) -> int:
    """A statement's place in the history, as the SQLite index's rowid."""
    return ((said_on - _EPOCH).days << ID_BITS) + statement_id


def sqlite_match(words: Sequence[str]) -> str:
    """An FTS5 query: every word, quoted so no word is read as an operator."""
    return " ".join(f'"{word}"' for word in words)


# Latin letters with diacritics and their plain forms, as the tsvector column is built with them
# (migration 0005): PostgreSQL's 'simple' configuration does not remove diacritics itself.
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


def postgresql_match(words: Sequence[str]) -> ColumnElement[bool]:
    """The tsvector condition: every word (words are letters, digits and _, so nothing to escape)."""
    query = func.translate(bindparam("ts_query", " & ".join(words)), ACCENTED, PLAIN)
    return literal_column("statement.search_vector").op("@@")(func.to_tsquery("simple", query))


def statement_id(key_column: ColumnElement[int]) -> ColumnElement[int]:
    """The statement id inside a search key."""
    return key_column.op("&")(literal_column(str((1 << ID_BITS) - 1)))


REBUILD_SQLITE = f"""INSERT INTO statement_fts(rowid, quote, translation)
    SELECT {SEARCH_KEY_SQL.format(row="statement")}, quote, coalesce(translation, '') FROM statement
    WHERE status = 'published'"""


def rebuild_sqlite(connection) -> None:  # type: ignore[no-untyped-def]
    """Refill the SQLite index from every statement (after a bulk load that bypassed the triggers)."""
    connection.exec_driver_sql("INSERT INTO statement_fts(statement_fts) VALUES ('delete-all')")
    connection.exec_driver_sql(REBUILD_SQLITE)
