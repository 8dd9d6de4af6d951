"""Every query on statements and their sources."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session, joinedload, selectinload

from app.actors.models import Actor, ActorKind, Office, OfficeRank
from app.countries.models import Country
from app.db import insert_many_returning_ids, insert_rows, postgres_planner
from app.perf.driver import DriverRead
from app.sources.models import Source
from app.stances.models import StanceScore
from app.statements import search
from app.statements.cards import (
    ActorCard,
    CountryCard,
    OfficeCard,
    SourceCard,
    StatementCard,
    StatementMark,
    TopicCard,
)
from app.statements.filters import HistoryFilters
from app.statements.models import (
    PUBLISHED,
    RETRACTED,
    DatePrecision,
    Statement,
    StatementSource,
    StatementStatus,
)
from app.statements.paging import Cursor
from app.text import MONTH_ABBR, signed
from app.topics.models import Topic

_CHUNK = 500


def _full() -> tuple[Any, ...]:
    """Loader options for showing or exporting a statement whole."""
    return (
        joinedload(Statement.actor),
        joinedload(Statement.country),
        joinedload(Statement.office),
        joinedload(Statement.topic),
        selectinload(Statement.source_links).joinedload(StatementSource.source),
    )


def existing_fingerprints(session: Session, fingerprints: Iterable[str]) -> set[str]:
    """Which of these fingerprints a stored statement already has."""
    wanted = list(set(fingerprints))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(session.execute(select(Statement.fingerprint).where(Statement.fingerprint.in_(chunk))).scalars())
    return found


# Core, built once: the ORM's bulk insert adds nothing here but its cost.
_INSERT = insert(Statement).returning(Statement.id, sort_by_parameter_order=True)
_LINK = insert(StatementSource)


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert statements in one round trip per batch; their ids, in the order given."""
    return insert_many_returning_ids(session.connection(), _INSERT, rows)


def link_sources(session: Session, links: Sequence[dict[str, Any]]) -> None:
    insert_rows(session.connection(), _LINK, links)


def load_full(session: Session, ids: Sequence[int]) -> list[Statement]:
    """Statements by id, whole, in the order given."""
    found: dict[int, Statement] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = select(Statement).where(Statement.id.in_(chunk)).options(*_full())
        found.update((statement.id, statement) for statement in session.execute(query).unique().scalars())
    return [found[statement_id] for statement_id in ids]


def iter_for_export(session: Session) -> Iterator[Statement]:
    """Every statement, published or retracted, in the export's stable order."""
    query = (
        select(Statement)
        .join(Actor, Actor.id == Statement.actor_id)
        .join(Topic, Topic.id == Statement.topic_id)
        .options(*_full())
        .order_by(Statement.said_on, Actor.name, Topic.slug, Statement.quote, Statement.id)
        .execution_options(yield_per=1000)
    )
    # Only many-to-one joins are joined-loaded, so rows need no de-duplication (and yield_per forbids it).
    yield from session.execute(query).scalars()


def count_by_status(session: Session) -> dict[StatementStatus, int]:
    """Published and retracted statements, each counted from an index (no scan of the table)."""
    total = session.execute(select(func.count()).select_from(Statement)).scalar_one()
    published = session.execute(select(func.count()).select_from(Statement).where(PUBLISHED)).scalar_one()
    return {StatementStatus.PUBLISHED: published, StatementStatus.RETRACTED: total - published}


def get_full(session: Session, statement_id: int, *, refresh: bool = False) -> Statement | None:
    """One statement, whole (`refresh` re-reads it after changes in this session)."""
    query = select(Statement).where(Statement.id == statement_id).options(*_full())
    if refresh:
        query = query.execution_options(populate_existing=True)
    return session.execute(query).unique().scalar_one_or_none()


# A save's reads, compiled once and run on the driver's cursor: SQLAlchemy's execute path costs more
# than the read (docs/performance.md, "A save").
_BY_SUBMISSION_KEY = DriverRead(select(Statement.id).where(Statement.submission_key == bindparam("key")))
_SAME_DAY = DriverRead(
    select(Statement.id, Statement.quote, Statement.submission_key)
    .where(
        Statement.actor_id == bindparam("actor_id"),
        Statement.topic_id == bindparam("topic_id"),
        Statement.said_on == bindparam("said_on"),
        PUBLISHED,
    )
    .order_by(Statement.id)
)


def id_by_submission_key(session: Session, key: str) -> int | None:
    """The statement a submission key created, if any."""
    rows = _BY_SUBMISSION_KEY.fetchall(session, {"key": key})
    return int(rows[0][0]) if rows else None  # the key is unique: one row at most


def by_submission_key(session: Session, key: str) -> Statement | None:
    found = id_by_submission_key(session, key)
    return None if found is None else get_full(session, found)


def same_day(session: Session, *, actor_id: int, topic_id: int, said_on: date) -> list[tuple[int, str, str | None]]:
    """(id, quote, submission key) of an actor's published statements on a topic on one day."""
    rows = _SAME_DAY.fetchall(session, {"actor_id": actor_id, "topic_id": topic_id, "said_on": said_on})
    return [(row[0], row[1], row[2]) for row in rows]


def quotes_near(session: Session, *, actor_slug: str, said_on: date, days: int) -> list[tuple[int, str]]:
    """(id, quote) of an actor's published statements within `days` of a day, on any topic."""
    query = (
        select(Statement.id, Statement.quote)
        .join(Actor, Actor.id == Statement.actor_id)
        .where(
            Actor.slug == actor_slug,
            Statement.said_on.between(said_on - timedelta(days=days), said_on + timedelta(days=days)),
            PUBLISHED,
        )
        .order_by(Statement.said_on, Statement.id)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


# A country's published statements on a topic between two days (parameters country_id, topic_id, first, last).
_SERIES_BETWEEN = (
    Statement.country_id == bindparam("country_id"),
    Statement.topic_id == bindparam("topic_id"),
    Statement.said_on >= bindparam("first"),
    Statement.said_on <= bindparam("last"),
    PUBLISHED,
)
_LATEST_BETWEEN = DriverRead(
    select(Statement.id, Statement.said_on, Actor.name)
    .join(Actor, Actor.id == Statement.actor_id)
    .where(*_SERIES_BETWEEN)
    .order_by(Statement.said_on.desc(), Statement.id.desc())
    .limit(1)
)


def latest_between(
    session: Session, *, country_id: int, topic_id: int, first: date, last: date
) -> tuple[int, date, str] | None:
    """(id, day, actor's name) of a country's latest published statement on a topic between two days, if any.

    On the driver's cursor: the matrix asks it for every country that moved in its month.
    """
    params = {"country_id": country_id, "topic_id": topic_id, "first": first, "last": last}
    rows = _LATEST_BETWEEN.fetchall(session, params)
    if not rows:
        return None
    statement_id, said_on, name = rows[0]
    return statement_id, said_on if isinstance(said_on, date) else date.fromisoformat(said_on), name


_LATEST_ON_TOPIC = DriverRead(
    select(Statement.id)
    .where(Statement.topic_id == bindparam("topic_id"), Statement.said_on <= bindparam("until"), PUBLISHED)
    .order_by(Statement.said_on.desc(), Statement.id.desc())
    .limit(bindparam("limit"))
)


def latest_on_topic(session: Session, *, topic_id: int, until: date, limit: int) -> list[int]:
    """The ids of a topic's latest published statements up to a day, newest first (read from the topic's index).

    On the driver's cursor: every matrix shows them.
    """
    rows = _LATEST_ON_TOPIC.fetchall(session, {"topic_id": topic_id, "until": until, "limit": limit})
    return [statement_id for (statement_id,) in rows]


def sources_cited_earlier(session: Session, statement_id: int) -> set[tuple[str | None, str | None]]:
    """(url, key) of this statement's sources that an earlier statement already cited: the ones it reused."""
    earlier = select(StatementSource.source_id).where(StatementSource.statement_id < statement_id)
    query = (
        select(Source.url, Source.key)
        .join(StatementSource, StatementSource.source_id == Source.id)
        .where(StatementSource.statement_id == statement_id, Source.id.in_(earlier))
    )
    return {(row[0], row[1]) for row in session.execute(query)}


def replace_source_links(session: Session, statement_id: int, links: Sequence[dict[str, Any]]) -> None:
    """Point a statement at a new list of sources (its revisions keep the old list)."""
    session.execute(delete(StatementSource).where(StatementSource.statement_id == statement_id))
    link_sources(session, links)


# ---- The statement history: keyset pages, never OFFSET.

_FTS_KEY: ColumnElement[int] = literal_column("statement_fts.rowid")


def _fts_match(words: Sequence[str], index: str = "statement_fts") -> ColumnElement[bool]:
    return literal_column(index).op("MATCH")(bindparam(f"{index}_match", search.sqlite_match(words)))


def _as_is(name: str, value: Any) -> Any:
    """A value written into the query (SQLAlchemy binds it)."""
    return value


class _Named:
    """A query's values as named parameters, gathered here: for a read compiled once per shape of filters."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def __call__(self, name: str, value: Any) -> Any:
        self.params[name] = value
        return bindparam(name, value, required=True)  # typed by its value, given at every run


def _indexed(
    filters: HistoryFilters, *, by_country: bool, status: ColumnElement[bool] = PUBLISHED, value: Any = _as_is
) -> list[ColumnElement[bool]]:
    """Conditions the listing indexes answer (for published statements; the retracted index has the dates)."""
    found: list[ColumnElement[bool]] = [status]
    if by_country and filters.countries:
        found.append(Statement.country_id.in_([value(f"country_{n}", c.id) for n, c in enumerate(filters.countries)]))
    if filters.actor is not None:
        found.append(Statement.actor_id == value("actor_id", filters.actor.id))
    if filters.topic is not None:
        found.append(Statement.topic_id == value("topic_id", filters.topic.id))
    if filters.first is not None:
        found.append(Statement.said_on >= value("first", filters.first))
    if filters.last is not None:
        found.append(Statement.said_on <= value("last", filters.last))
    return found


def _residual(filters: HistoryFilters, dialect: str, value: Any = _as_is) -> list[ColumnElement[bool]]:
    """Conditions no listing index answers: checked row by row (on SQLite, words use the FTS index instead)."""
    found: list[ColumnElement[bool]] = []
    if filters.stances:
        found.append(Statement.stance.in_([value(f"stance_{n}", stance) for n, stance in enumerate(filters.stances)]))
    if filters.conditional:
        found.append(Statement.condition.is_not(None))
    if filters.words and dialect != "sqlite":
        found.append(search.postgresql_match(filters.words, value=value))
    return found


def _conditions(
    filters: HistoryFilters, dialect: str, *, by_country: bool, value: Any = _as_is
) -> list[ColumnElement[bool]]:
    return _indexed(filters, by_country=by_country, value=value) + _residual(filters, dialect, value)


# Listing reads without words, compiled once per shape of filters (which filters, how many countries and
# stances) and run on the driver's cursor: SQLAlchemy's execute path cost three times SQLite's answer
# for a filtered page's ids and count (docs/performance.md, "DriverRead"). Shapes are few; past
# _SHAPES_KEPT, a new one is run without being kept.
_SHAPED: dict[tuple[Any, ...], DriverRead] = {}
_SHAPES_KEPT = 2_000


def _shaped(shape: tuple[Any, ...], build: Any) -> DriverRead:
    found = _SHAPED.get(shape)
    if found is None:
        found = DriverRead(build())
        if len(_SHAPED) < _SHAPES_KEPT:
            found = _SHAPED.setdefault(shape, found)
    return found


# ---- Searching on SQLite: one FTS5 query. The other filters are among its words, as the facets column's
# tokens (migration 0018), and the dates are a range of rowids (search keys): the statement table is
# never read (docs/performance.md, "Searching with other filters"). Compiled once, run on the driver's cursor.
_FTS_LOWEST, _FTS_HIGHEST = -(1 << 63), (1 << 63) - 1


def _fts_read(*, newer_first: bool | None) -> DriverRead:
    """Search keys of matches in a range of keys, newest or oldest first; or (newer_first None) their count."""
    matches = (
        select(_FTS_KEY)
        .select_from(table("statement_fts"))
        .where(
            literal_column("statement_fts").op("MATCH")(bindparam("match", type_=String)),
            _FTS_KEY >= bindparam("lowest", type_=Integer),
            _FTS_KEY < bindparam("highest", type_=Integer),
        )
        .limit(bindparam("limit", type_=Integer))
    )
    if newer_first is None:
        return DriverRead(select(func.count()).select_from(matches.subquery()))
    return DriverRead(matches.order_by(_FTS_KEY.desc() if newer_first else _FTS_KEY.asc()))


_FTS_NEWER, _FTS_OLDER, _FTS_COUNT = (_fts_read(newer_first=order) for order in (True, False, None))


def _facets(filters: HistoryFilters) -> list[list[str]]:
    """The search index's tokens for the filters other than words and dates: one of each group must match."""
    facets: list[list[str]] = []
    if filters.countries:
        facets.append([search.facet(search.COUNTRY, country.id) for country in filters.countries])
    if filters.topic is not None:
        facets.append([search.facet(search.TOPIC, filters.topic.id)])
    if filters.actor is not None:
        facets.append([search.facet(search.ACTOR, filters.actor.id)])
    if filters.stances:
        facets.append([search.facet(search.STANCE, stance) for stance in filters.stances])
    if filters.conditional:
        facets.append([search.facet(search.CONDITIONAL)])
    return facets


def _fts_params(
    filters: HistoryFilters, *, after: Cursor | None = None, before: Cursor | None = None
) -> dict[str, Any]:
    """The FTS5 query of the words and filters, and the range of search keys the dates and the page leave."""
    lowest = _FTS_LOWEST if filters.first is None else search.search_key(filters.first, 0)
    highest = _FTS_HIGHEST if filters.last is None else search.search_key(filters.last + timedelta(days=1), 0)
    if after is not None:
        highest = min(highest, search.search_key(after.said_on, after.statement_id))
    if before is not None:
        lowest = max(lowest, search.search_key(before.said_on, before.statement_id) + 1)
    return {"match": search.sqlite_match(filters.words, _facets(filters)), "lowest": lowest, "highest": highest}


def history_ids(
    session: Session, filters: HistoryFilters, *, after: Cursor | None = None, before: Cursor | None = None, limit: int
) -> list[tuple[int, date]]:
    """(id, said_on) of one page, newest first: rows after `after`, or (going back) rows before `before`."""
    dialect = session.get_bind().dialect.name
    newer_first = before is None
    if filters.words and dialect == "sqlite":
        read = _FTS_NEWER if newer_first else _FTS_OLDER
        keys = read.fetchall(session, _fts_params(filters, after=after, before=before) | {"limit": limit})
        rows = [search.key_parts(row[0]) for row in keys]
        return rows if newer_first else rows[::-1]

    if filters.words:
        if _expected_matches(session, filters) <= MANY_EXPECTED:
            counted, page = _word_page(session, filters, after, before, limit)
            session.info.setdefault(_WORD_COUNTS, {})[_search(filters)] = counted
            if counted <= FEW_MATCHES:
                return page
        # Many matches: walking the listing index meets a page of them soon. The word match is a constant
        # the planner folds, so it stays in the SQL.
        return _listing_ids(session, filters, after, before, limit, _as_is)
    return _listing_ids(session, filters, after, before, limit, _Named())


# PostgreSQL: a word search the planner expects to match at most MANY_EXPECTED statements is read from
# its search index, and if it has at most FEW_MATCHES, paged and counted from that read alone. Others
# walk the listing for their pages (docs/performance.md, "Word searches on PostgreSQL").
FEW_MATCHES = 1_000
MANY_EXPECTED = 5_000
_WORD_COUNTS = "iw_word_counts"  # session.info key: this unit of work's word searches' counts, from the index
_EXPECTED = "iw_expected_matches"  # session.info key: the planner's estimates of this unit of work's searches


def _expected_matches(session: Session, filters: HistoryFilters) -> float:
    """PostgreSQL's estimate of a word search's matches, from its statistics (EXPLAIN's rows, not run).

    Reading the index costs every entry of the words and filters: about 30 ms for a word a sixth of the
    statements hold, whose newest page the listing's walk meets in a few hundred rows. The estimate
    only picks the way; either gives the same pages, and the count says "at least" when it is not exact.
    """
    known: dict[tuple[Any, ...], float] = session.info.setdefault(_EXPECTED, {})
    key = _search(filters)
    if key not in known:
        value = _Named()
        conditions = _conditions(filters, "postgresql", by_country=True, value=value)
        read = _shaped(("expected", *value.params), lambda: select(literal(1)).where(*conditions))
        sql, bound = read.sql(session.get_bind().dialect, value.params)
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", bound, prepare=False)
            plan = cursor.fetchone()[0]
        finally:
            cursor.close()
        known[key] = float((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])
    return known[key]


def _search(filters: HistoryFilters) -> tuple[Any, ...]:
    return (
        filters.words,
        tuple(country.id for country in filters.countries),
        filters.actor.id if filters.actor is not None else None,
        filters.topic.id if filters.topic is not None else None,
        filters.stances,
        filters.first,
        filters.last,
        filters.conditional,
    )


def _word_page(
    session: Session, filters: HistoryFilters, after: Cursor | None, before: Cursor | None, limit: int
) -> tuple[int, list[tuple[int, date]]]:
    """On PostgreSQL: how many statements match a word search, up to FEW_MATCHES + 1, and one page of them
    (as _listing_ids gives it), which is the page when they are at most FEW_MATCHES.

    The GIN index holds each statement's filters as lexemes beside its words (migration 0019), so the
    words and filters are one index read, and the statement rows read are the matches. The planner,
    guessing a word's matches from its statistics, would rather walk the date index checking each
    statement (for a word few statements hold, the whole index: 670 ms at 1M), so index walks and
    sequential scans are off for this read, and its bitmap gets the memory to stay exact (a lossy one
    checks every statement on its pages again). The matches are sorted and paged in the database,
    compiled once per shape (docs/performance.md, "Word searches on PostgreSQL").
    """
    value = _Named()
    document = search.postgresql_document()
    conditions = [PUBLISHED, search.postgresql_match(filters.words, document, value)]
    facets = _facets(filters)
    if facets:
        conditions.append(document.op("@@")(cast(value("facets", search.postgresql_facets(facets)), TSQUERY)))
    if filters.first is not None:
        conditions.append(Statement.said_on >= value("first", filters.first))
    if filters.last is not None:
        conditions.append(Statement.said_on <= value("last", filters.last))
    most_matches = value("most_matches", FEW_MATCHES + 1)
    newer_first = before is None
    edge = after if newer_first else before
    edge_on = None if edge is None else value("edge_on", edge.said_on)
    edge_id = None if edge is None else value("edge_id", edge.statement_id)
    most = value("limit", limit)

    def query() -> Any:
        matches = select(Statement.id, Statement.said_on).where(*conditions).limit(most_matches).cte("matches")
        key = tuple_(matches.c.said_on, matches.c.id)
        page = select(matches.c.id, matches.c.said_on)
        if edge_on is not None:
            page = page.where(key < tuple_(edge_on, edge_id) if newer_first else key > tuple_(edge_on, edge_id))
        ordering = (matches.c.said_on, matches.c.id)
        page = page.order_by(*[column.desc() for column in ordering] if newer_first else ordering).limit(most)
        paged = page.subquery("page")
        total = select(func.count().label("total")).select_from(matches).subquery("total")
        return select(total.c.total, paged.c.id, paged.c.said_on).select_from(total.outerjoin(paged, literal(True)))

    shape: tuple[Any, ...] = ("word page", newer_first, *value.params)
    read = _shaped(shape, query)
    with postgres_planner(session, enable_indexscan="off", enable_seqscan="off", work_mem="16MB"):
        rows = read.fetchall(session, value.params)
    found = [(row[1], row[2]) for row in rows if row[1] is not None]
    return rows[0][0], found if newer_first else found[::-1]


def _listing_ids(
    session: Session, filters: HistoryFilters, after: Cursor | None, before: Cursor | None, limit: int, value: Any
) -> list[tuple[int, date]]:
    """history_ids read from the listing indexes; with `_Named` values, compiled once per shape."""
    dialect = session.get_bind().dialect.name
    newer_first = before is None
    key = tuple_(Statement.said_on, Statement.id)
    ordering = (Statement.said_on.desc(), Statement.id.desc()) if newer_first else (Statement.said_on, Statement.id)
    conditions = _conditions(filters, dialect, by_country=False, value=value)
    if after is not None:
        conditions.append(key < tuple_(value("after_on", after.said_on), value("after_id", after.statement_id)))
    if before is not None:
        conditions.append(key > tuple_(value("before_on", before.said_on), value("before_id", before.statement_id)))
    countries = [value(f"country_{n}", c.id) for n, c in enumerate(filters.countries)]
    most = value("limit", limit)

    def query() -> Any:
        def page(*extra: ColumnElement[bool]) -> Any:
            return select(Statement.id, Statement.said_on).where(*conditions, *extra).order_by(*ordering).limit(most)

        if len(countries) <= 1:
            return page(*[Statement.country_id == country for country in countries])
        # One index range scan per country (country_id, said_on, id), merged: never a sort of every match.
        parts = [page(Statement.country_id == country).subquery() for country in countries]
        merged = union_all(*[select(part.c.id, part.c.said_on) for part in parts]).subquery()
        outer = (merged.c.said_on.desc(), merged.c.id.desc()) if newer_first else (merged.c.said_on, merged.c.id)
        return select(merged.c.id, merged.c.said_on).order_by(*outer).limit(most)

    if isinstance(value, _Named):
        shape: tuple[Any, ...] = ("ids", newer_first, filters.conditional, *value.params)
        fetched = _shaped(shape, query).fetchall(session, value.params)
        rows = [(row[0], _day(row[1])) for row in fetched]
    else:
        rows = [(row[0], row[1]) for row in session.execute(query())]
    return rows if newer_first else rows[::-1]  # type: ignore[return-value]  # said_on is never null


def retracted_ids(
    session: Session, filters: HistoryFilters, *, since: Cursor | None, limit: int
) -> list[tuple[int, date]]:
    """(id, said_on) of retracted statements matching the filters, newest first, from `since` on (inclusive).

    Retracted statements are few: their own index finds them by date, and each is checked in full.
    """
    dialect = session.get_bind().dialect.name
    conditions = _indexed(filters, by_country=True, status=RETRACTED) + _residual(filters, dialect)
    if filters.words and dialect == "sqlite":
        index = search.RETRACTED_TABLE
        matching: Any = select(literal_column(f"{index}.rowid")).select_from(table(index))
        conditions.append(Statement.id.in_(matching.where(_fts_match(filters.words, index))))
    if since is not None:
        conditions.append(
            tuple_(Statement.said_on, Statement.id) >= tuple_(literal(since.said_on), literal(since.statement_id))
        )
    query = (
        select(Statement.id, Statement.said_on)
        .where(*conditions)
        .order_by(Statement.said_on.desc(), Statement.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in session.execute(query)]


@dataclass(frozen=True, slots=True)
class MatchCount:
    """How many statements match: exact up to the cap, or at least `count` when counting stopped early."""

    count: int
    stopped_early: bool


def count_matches(
    session: Session, filters: HistoryFilters, *, cap: int, indexed_budget: int, row_budget: int
) -> MatchCount:
    """How many statements match, counting no further than cap + 1.

    When a filter is checked candidate by candidate, at most `indexed_budget` index entries (when
    only the stance is checked) or `row_budget` rows are examined; a count stopped there is a lower bound.
    On PostgreSQL a word search is counted in its search index, exactly up to FEW_MATCHES, or (when many
    are expected) among the newest `row_budget` candidates if those hold more than FEW_MATCHES.
    """
    dialect = session.get_bind().dialect.name
    if filters.words and dialect == "sqlite":  # every filter is in the search index: counted there, exactly
        counted = _FTS_COUNT.fetchall(session, _fts_params(filters) | {"limit": cap + 1})[0][0]
        return MatchCount(counted, False)
    if not filters.words:
        return _listing_count(session, filters, cap=cap, indexed_budget=indexed_budget, row_budget=row_budget)
    counted = session.info.get(_WORD_COUNTS, {}).get(_search(filters))
    if counted is None and _expected_matches(session, filters) > MANY_EXPECTED:
        # Expected to be many: counted among the newest statements, unless that finds FEW_MATCHES or fewer,
        # which only the index can tell from all there are.
        examined, matched = _newest_count(session, filters, budget=row_budget)
        if examined < row_budget or matched > FEW_MATCHES:
            return MatchCount(min(matched, cap + 1), examined >= row_budget and matched <= cap)
    if counted is None:
        counted = _word_page(session, filters, None, None, 0)[0]
    return MatchCount(min(counted, cap + 1), FEW_MATCHES < counted <= cap)


def _newest_count(session: Session, filters: HistoryFilters, *, budget: int) -> tuple[int, int]:
    """How many of the newest `budget` statements a word search's other filters allow it matches, and how
    many those were: the walk of the listing its pages take. Compiled once per shape of filters."""
    value = _Named()
    indexed = _indexed(filters, by_country=False, value=value)
    residual = _residual(filters, "postgresql", value)
    countries = [value(f"country_{n}", c.id) for n, c in enumerate(filters.countries)]
    most = value("budget", budget)

    def query() -> Any:
        def newest(*extra: ColumnElement[bool]) -> Any:
            hit = case((and_(*residual), 1), else_=0).label("hit")
            ordering = (Statement.said_on.desc(), Statement.id.desc())
            return select(Statement.said_on, Statement.id, hit).where(*indexed, *extra).order_by(*ordering).limit(most)

        if len(countries) <= 1:
            scanned = newest(*[Statement.country_id == country for country in countries]).subquery()
        else:  # one index range per country, merged, as _listing_ids reads them
            parts = [newest(Statement.country_id == country).subquery() for country in countries]
            merged = union_all(*[select(part.c.said_on, part.c.id, part.c.hit) for part in parts]).subquery()
            ordering = (merged.c.said_on.desc(), merged.c.id.desc())
            scanned = select(merged.c.hit).order_by(*ordering).limit(most).subquery()
        return select(func.count(), func.coalesce(func.sum(scanned.c.hit), 0))

    found = _shaped(("newest count", *value.params), query).fetchall(session, value.params)[0]
    return found[0], found[1]


def _listing_count(
    session: Session, filters: HistoryFilters, *, cap: int, indexed_budget: int, row_budget: int
) -> MatchCount:
    """count_matches without words: from the listing indexes, compiled once per shape of filters."""
    value = _Named()
    residual = _residual(filters, session.get_bind().dialect.name, value)
    if not residual and filters.actor is None:
        return MatchCount(min(_stored_count(session, filters), cap + 1), False)
    indexed = _indexed(filters, by_country=True, value=value)
    if not residual:
        most = value("cap", cap + 1)
        shape: tuple[Any, ...] = ("count", *value.params)
        count = _shaped(
            shape, lambda: select(func.count()).select_from(select(literal(1)).where(*indexed).limit(most).subquery())
        )
        return MatchCount(count.fetchall(session, value.params)[0][0], False)
    # The stance is in every listing index: counting by it alone reads no row, so it may look further.
    budget = row_budget if filters.conditional else indexed_budget
    most = value("budget", budget)

    def query() -> Any:
        candidates = select(case((and_(*residual), 1), else_=0).label("hit")).where(*indexed)
        scanned = candidates.limit(most).subquery()
        return select(func.count(), func.coalesce(func.sum(scanned.c.hit), 0))

    shape = ("scan", filters.conditional, *value.params)
    examined, matched = _shaped(shape, query).fetchall(session, value.params)[0]
    return MatchCount(min(matched, cap + 1), examined >= budget and matched <= cap)


# Counting countries, a topic and dates from the stored scores: each (country, topic, month) row holds
# how many published statements its series has up to the month's end (`total`), so a count over whole
# months is a few index seeks, and only the part-months at either end are counted in a listing index,
# from the nearer end of each month (docs/performance.md, "Keyset pages and listing indexes").
_FAR_PAST, _FAR_FUTURE = date(1, 1, 1), date(9999, 12, 1)


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _before(day: date) -> tuple[date, date, date, int]:
    """How to count the statements said up to `day`: the stored totals of the months before the returned
    month, then the statements between the two returned days, added (1) or taken away (-1)."""
    month = day.replace(day=1)
    following = _month_after(month)
    if (day - month).days < (following - day).days:
        return month, month, day, 1
    return following, day + timedelta(days=1), following - timedelta(days=1), -1


def _stored_count(session: Session, filters: HistoryFilters) -> int:
    """How many published statements match countries, a topic and dates: exactly, from the stored scores."""
    value = _Named()
    countries = [value(f"country_{n}", c.id) for n, c in enumerate(filters.countries)]
    topic = None if filters.topic is None else value("topic_id", filters.topic.id)
    # Those said up to `last`, less those said before `first`.
    ends = {
        1: (_FAR_FUTURE, _FAR_FUTURE, _FAR_PAST, 1) if filters.last is None else _before(filters.last),
        -1: (_FAR_PAST, _FAR_FUTURE, _FAR_PAST, 1)
        if filters.first is None
        else _before(filters.first - timedelta(days=1)),
    }
    bound = {
        end: [value(f"{name}_{n}", part) for name, part in zip(("month", "first", "last", "sign"), found, strict=True)]
        for n, (end, found) in enumerate(ends.items())
    }

    def query() -> Any:
        counted: Any = literal(0)
        for end, (month, first, last, sign) in bound.items():
            latest = (
                select(StanceScore.total)
                .where(
                    StanceScore.topic_id == Topic.id, StanceScore.country_id == Country.id, StanceScore.month < month
                )
                .order_by(StanceScore.month.desc())
                .limit(1)
                .scalar_subquery()
            )
            totals = select(func.coalesce(func.sum(latest), 0)).select_from(Topic, Country)
            part = select(func.count()).where(PUBLISHED, Statement.said_on >= first, Statement.said_on <= last)
            if countries:
                totals = totals.where(Country.id.in_(countries))
                part = part.where(Statement.country_id.in_(countries))
            if topic is not None:
                totals = totals.where(Topic.id == topic)
                part = part.where(Statement.topic_id == topic)
            counted = counted + (totals.scalar_subquery() + part.scalar_subquery() * sign) * end
        return select(counted)

    shape: tuple[Any, ...] = ("stored count", *value.params)
    found: int = _shaped(shape, query).fetchall(session, value.params)[0][0]
    return found


# A chart's points, built once: building this select costs about as much as running it.
_CHART_MARKS = DriverRead(
    select(Statement.id, Statement.said_on, Statement.stance, Statement.quote, Actor.name)
    .join(Actor, Actor.id == Statement.actor_id)
    .where(*_SERIES_BETWEEN)
    .order_by(Statement.said_on.desc(), Statement.id.desc())
    .limit(bindparam("limit"))
)
_SIGNED = {stance: signed(stance) for stance in range(-2, 3)}


def chart_marks(
    session: Session, *, country_id: int, topic_id: int, first: date, last: date, limit: int
) -> list[StatementMark]:
    """The latest `limit` published statements of a series in a date range, as chart points.

    On the driver's cursor, and the date written without strftime: a country page labels up to 200
    points, and SQLAlchemy's rows and strftime cost several times the query.
    """
    params = {"country_id": country_id, "topic_id": topic_id, "first": first, "last": last, "limit": limit}
    marks = []
    for statement_id, said, stance, quote, name in _CHART_MARKS.fetchall(session, params):
        said_on = said if isinstance(said, date) else date.fromisoformat(said)
        excerpt = quote if len(quote) <= 120 else quote[:117].rstrip() + "…"
        label = f"{name}, {said_on.day} {MONTH_ABBR[said_on.month]} {said_on.year}: {_SIGNED[stance]}. {excerpt}"
        marks.append(StatementMark(statement_id, said_on, stance, label))
    return marks


def stance_records(
    session: Session, *, actor_id: int | None = None, country_id: int | None = None
) -> list[tuple[int, int, int, date, int]]:
    """(id, actor_id, topic_id, said_on, stance) of an actor's or a country's published statements."""
    query = select(Statement.id, Statement.actor_id, Statement.topic_id, Statement.said_on, Statement.stance).where(
        PUBLISHED
    )
    if actor_id is not None:
        query = query.where(Statement.actor_id == actor_id)
    if country_id is not None:
        query = query.where(Statement.country_id == country_id)
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def count_by_office(session: Session, *, actor_id: int) -> dict[int, int]:
    """How many published statements an actor made in each office they held: office id -> count."""
    query = (
        select(Statement.office_id, func.count())
        .where(Statement.actor_id == actor_id, PUBLISHED)
        .group_by(Statement.office_id)
    )
    return {office_id: count for office_id, count in session.execute(query)}


# A card's columns: the statement's, its actor's, country's, office's and topic's, then one source's.
_CARD_COLUMNS = (
    Statement.id,
    Actor.name,
    Actor.slug,
    Actor.kind,
    Country.code,
    Country.name,
    Office.title,
    Office.rank,
    Topic.slug,
    Topic.title,
    Topic.is_context,
    Statement.said_on,
    Statement.date_precision,
    Statement.date_is_report_date,
    Statement.date_note,
    Statement.quote,
    Statement.quote_is_verbatim,
    Statement.language,
    Statement.translation,
    Statement.stance,
    Statement.condition,
    Statement.rationale,
    Statement.status,
    Statement.retraction_reason,
    Statement.version,
    Statement.created_at,
    Statement.updated_at,
    Source.url,
    Source.key,
    Source.outlet,
    Source.title,
    Source.published_on,
    Source.language,
    StatementSource.position,
)


def _cards_read(wanted: ColumnElement[bool]) -> DriverRead:
    """Cards with their sources in one query: a row per source (one row for a statement without any)."""
    return DriverRead(
        select(*_CARD_COLUMNS)
        .join(Actor, Actor.id == Statement.actor_id)
        .join(Country, Country.id == Statement.country_id)
        .join(Office, Office.id == Statement.office_id)
        .join(Topic, Topic.id == Statement.topic_id)
        .outerjoin(StatementSource, StatementSource.statement_id == Statement.id)
        .outerjoin(Source, Source.id == StatementSource.source_id)
        .where(wanted)
    )  # unordered: sorting the rows would copy every quote; a card's sources are put in order below


# The ids as one parameter, so the SQL is compiled once (DriverRead): a JSON array on SQLite, an array on PostgreSQL.
_CARDS = {
    "sqlite": _cards_read(
        Statement.id.in_(select(literal_column("value")).select_from(func.json_each(bindparam("ids", type_=String))))
    ),
    "postgresql": _cards_read(Statement.id == any_(bindparam("ids", type_=ARRAY(Integer)))),
}
_ACTOR_KINDS = {kind.value: kind for kind in ActorKind}
_OFFICE_RANKS = {rank.value: rank for rank in OfficeRank}
_PRECISIONS = {precision.value: precision for precision in DatePrecision}
_STATUSES = {status.value: status for status in StatementStatus}


def _day(value: date | str | None) -> date | None:
    """A date as the driver gives it: ISO text on SQLite."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _utc(value: datetime | str) -> datetime:
    """A timestamp as UTCDateTime reads it: on SQLite stored as UTC text without an offset."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _first(pair: tuple[int, SourceCard]) -> int:
    return pair[0]


def cards(session: Session, ids: Sequence[int]) -> list[StatementCard]:
    """Statements as read-only cards with their sources, in the order given: one query on the driver's cursor.

    Listings show 50 at a time; SQLAlchemy's execute path and result types cost more than the query
    (docs/performance.md, "Light reads").
    """
    if not ids:
        return []
    connection = session.connection()
    dialect = connection.dialect.name
    wanted = json.dumps(list(ids)) if dialect == "sqlite" else list(ids)
    rows = _CARDS[dialect].fetchall(connection, {"ids": wanted})
    first_rows: dict[int, Any] = {}
    sources: dict[int, list[tuple[int, SourceCard]]] = {}
    for row in rows:
        first_rows.setdefault(row[0], row)
        if row[29] is not None:  # the source's outlet, which every source has: this row carries one
            url, key, outlet, title, published_on, language, position = row[27:]
            source = SourceCard(url, key, outlet, title, _day(published_on), language)
            sources.setdefault(row[0], []).append((position, source))
    # Actors, countries, offices and topics recur on a page: each is made once.
    actors: dict[tuple[Any, ...], ActorCard] = {}
    countries: dict[tuple[Any, ...], CountryCard] = {}
    offices: dict[tuple[Any, ...], OfficeCard] = {}
    topics: dict[tuple[Any, ...], TopicCard] = {}
    found = []
    for statement_id in ids:
        row = first_rows.get(statement_id)
        if row is None:
            continue
        actor = actors.get(row[1:4])
        if actor is None:
            actor = actors[row[1:4]] = ActorCard(row[1], row[2], _ACTOR_KINDS[row[3]])
        country = countries.get(row[4:6])
        if country is None:
            country = countries[row[4:6]] = CountryCard(row[4], row[5])
        office = offices.get(row[6:8])
        if office is None:
            office = offices[row[6:8]] = OfficeCard(row[6], _OFFICE_RANKS[row[7]])
        topic = topics.get(row[8:11])
        if topic is None:
            topic = topics[row[8:11]] = TopicCard(row[8], row[9], bool(row[10]))
        found.append(
            StatementCard(
                statement_id,
                actor,
                country,
                office,
                topic,
                _day(row[11]),  # type: ignore[arg-type]  # never null
                _PRECISIONS[row[12]],
                bool(row[13]),
                row[14],
                row[15],
                bool(row[16]),
                row[17],
                row[18],
                row[19],
                row[20],
                row[21],
                _STATUSES[row[22]],
                row[23],
                row[24],
                _utc(row[25]),
                _utc(row[26]),
                tuple(source for _, source in sorted(sources[statement_id], key=_first))
                if statement_id in sources
                else (),
            )
        )
    return found
