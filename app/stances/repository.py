"""Every query on stored stance scores, and the statement reads that feed them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import groupby
from operator import itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, Row, String, bindparam, delete, func, insert, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from app.actors.models import Office
from app.countries.models import Country
from app.db import insert_rows as db_insert_rows
from app.db import postgres_planner
from app.perf.driver import DriverRead, DriverWrite
from app.perf.versioned import per_data_version
from app.stances import grid, scoring
from app.stances.models import PositionChangeRow, StanceScore
from app.stances.scoring import ORDER_KEY
from app.statements.models import PUBLISHED, Statement

_EVIDENCE_COLUMNS = (
    Statement.id,
    Statement.actor_id,
    Statement.said_on,
    Statement.stance,
    Office.rank,
    Statement.conditional,
)


def _evidence(row: Any) -> scoring.Evidence:
    return scoring.Evidence(
        statement_id=row.id,
        actor_id=row.actor_id,
        said_on=row.said_on,
        stance=row.stance,
        office_weight=scoring.office_weight(row.rank),
        conditional=bool(row.conditional),
    )


# A series' evidence over some days, on the driver's cursor (app.perf.driver).
_SERIES_EVIDENCE = DriverRead(
    select(*_EVIDENCE_COLUMNS)
    .join(Office, Office.id == Statement.office_id)
    .where(
        Statement.country_id == bindparam("country_id"),
        Statement.topic_id == bindparam("topic_id"),
        Statement.said_on >= bindparam("since"),
        Statement.said_on <= bindparam("until"),
        PUBLISHED,
    )
    .order_by(Statement.said_on, Statement.id)
)


def _driver_evidence(
    statement_id: int, actor_id: int, said_on: Any, stance: int, rank: str, conditional: Any
) -> scoring.Evidence:
    """Evidence from a driver's row: SQLite gives the date as ISO text and the flag as 0/1."""
    day = said_on if isinstance(said_on, date) else date.fromisoformat(said_on)
    return scoring.Evidence(statement_id, actor_id, day, stance, scoring.office_weight(rank), bool(conditional))


def published_evidence(
    session: Session, *, country_id: int, topic_id: int, since: date, until: date | None = None
) -> list[scoring.Evidence]:
    """One series' published statements from `since` (to `until`), in the order the rule folds them."""
    params = {"country_id": country_id, "topic_id": topic_id, "since": since, "until": until or date.max}
    return [_driver_evidence(*row) for row in _SERIES_EVIDENCE.fetchall(session, params)]


def all_published_evidence(session: Session) -> Iterator[tuple[int, int, scoring.Evidence]]:
    """(country_id, topic_id, evidence) for every published statement, series by series, in fold order."""
    query = (
        select(Statement.country_id, Statement.topic_id, *_EVIDENCE_COLUMNS)
        .join(Office, Office.id == Statement.office_id)
        .where(PUBLISHED)
        .order_by(Statement.country_id, Statement.topic_id, Statement.said_on, Statement.id)
        .execution_options(yield_per=5000)
    )
    for row in session.execute(query):
        yield row.country_id, row.topic_id, _evidence(row)


# ---- A series as writes see it: plain rows on the session's connection, never ORM objects, so the
# deletes and inserts below (Core statements, cheaper than ORM-enabled ones) leave no stale object
# in the session.

# What a fold resumes from (state_from_row).
_SERIES_COLUMNS = (
    StanceScore.month,
    StanceScore.new,
    StanceScore.total,
    StanceScore.first_on,
    StanceScore.last_on,
    StanceScore.evidence,
)
SeriesRow = Row[date, int, int, date, date, str]


class SeriesValues(NamedTuple):
    """A series' newest stored row as a save reads it (`latest_row`): _SERIES_COLUMNS, typed."""

    month: date
    new: int
    total: int
    first_on: date
    last_on: date
    evidence: str


# The columns a cell's row holds besides its key (topic, country, month): what `replace_cell` overwrites.
_CELL_VALUES = (
    "score",
    "band",
    "counted",
    "new",
    "total",
    "divided",
    "conditional",
    "first_on",
    "last_on",
    "evidence",
    "rule_version",
)


# Built once, with bound parameters: a save runs several of these, and building a statement per call
# costs more than running it (docs/performance.md, "A save").
_IN_SERIES = (StanceScore.topic_id == bindparam("topic_id"), StanceScore.country_id == bindparam("country_id"))
# Every save reads it: a typed DriverRead, about 20 µs where the Core read took 100.
_LATEST = DriverRead(
    select(*_SERIES_COLUMNS).where(*_IN_SERIES).order_by(StanceScore.month.desc()).limit(1), typed=True
)
_LAST_BEFORE_MONTH = (
    select(*_SERIES_COLUMNS)
    .where(*_IN_SERIES, StanceScore.month < bindparam("month"))
    .order_by(StanceScore.month.desc())
    .limit(1)
)
_FROM_MONTH = (
    select(*_SERIES_COLUMNS).where(*_IN_SERIES, StanceScore.month >= bindparam("month")).order_by(StanceScore.month)
)
_DELETE_FROM_MONTH = delete(StanceScore).where(*_IN_SERIES, StanceScore.month >= bindparam("month"))
_INSERT = insert(StanceScore)
_REPLACE_CELL = (
    update(StanceScore).where(
        StanceScore.topic_id == bindparam("b_topic_id"),
        StanceScore.country_id == bindparam("b_country_id"),
        StanceScore.month == bindparam("b_month"),
    )
    # No values(): the SET clause is the parameters given, the _CELL_VALUES columns.
)
_REPLACE_CELL_ON_DRIVER = DriverWrite(_REPLACE_CELL, columns=_CELL_VALUES)  # every save overwrites its month's row


def last_row_before(session: Session, *, topic_id: int, country_id: int, month: date) -> SeriesRow | None:
    """The series' stored row for the latest month before `month`."""
    params = {"topic_id": topic_id, "country_id": country_id, "month": month}
    found: SeriesRow | None = session.connection().execute(_LAST_BEFORE_MONTH, params).one_or_none()
    return found


def stored_months_from(session: Session, *, topic_id: int, country_id: int, month: date) -> list[scoring.StoredMonth]:
    """The series' stored months from `month` on, oldest first, as a write that adds to them reads them."""
    params = {"topic_id": topic_id, "country_id": country_id, "month": month}
    rows = session.connection().execute(_FROM_MONTH, params)
    return [scoring.StoredMonth(row.month, row.new, state_from_row(row)) for row in rows]


def delete_series_from(session: Session, *, topic_id: int, country_id: int, month: date) -> None:
    session.connection().execute(_DELETE_FROM_MONTH, {"topic_id": topic_id, "country_id": country_id, "month": month})


def delete_all(session: Session) -> None:
    session.execute(delete(StanceScore))


def insert_rows(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    db_insert_rows(session.connection(), _INSERT, rows)


def replace_cell(session: Session, row: dict[str, Any]) -> None:
    """Overwrite the stored row of the row's own series and month (which must exist) with `row`."""
    params = {name: row[name] for name in _CELL_VALUES}
    params |= {"b_topic_id": row["topic_id"], "b_country_id": row["country_id"], "b_month": row["month"]}
    _REPLACE_CELL_ON_DRIVER.execute(session, params)


def stale_rule_versions(session: Session) -> list[int]:
    """Rule versions among stored rows that differ from the code's."""
    query = select(StanceScore.rule_version).where(StanceScore.rule_version != scoring.RULE_VERSION).distinct()
    return list(session.execute(query).scalars())


def count_rows(session: Session) -> int:
    return session.execute(select(func.count()).select_from(StanceScore)).scalar_one()


def all_rows(session: Session) -> list[StanceScore]:
    """Every stored row, in a stable order (used to compare stored scores with a fresh rebuild)."""
    query = select(StanceScore).order_by(StanceScore.topic_id, StanceScore.country_id, StanceScore.month)
    return list(session.execute(query).scalars())


def encode_evidence(counted: Sequence[scoring.Evidence]) -> str:
    """The counted statements as compact JSON: [id, actor, date, stance, office weight, conditional]."""
    return json.dumps(
        [
            [
                item.statement_id,
                item.actor_id,
                item.said_on.isoformat(),
                item.stance,
                item.office_weight,
                int(item.conditional),
            ]
            for item in counted
        ],
        separators=(",", ":"),
    )


def decode_evidence(text: str) -> tuple[scoring.Evidence, ...]:
    # Positional, in encode_evidence's order: a save decodes its month's counted statements.
    evidence, day = scoring.Evidence, date.fromisoformat
    return tuple([evidence(a, b, day(c), d, e, bool(f)) for a, b, c, d, e, f in json.loads(text)])


def state_from_row(row: StanceScore | SeriesRow | SeriesValues | None) -> scoring.SeriesState:
    """Where a series stood at the end of a stored month: what a fold resumes from."""
    if row is None:
        return scoring.SeriesState()
    return scoring.SeriesState(decode_evidence(row.evidence), row.total, row.first_on, row.last_on)


def cell_to_row(*, country_id: int, topic_id: int, cell: scoring.CellScore) -> dict[str, Any]:
    position = cell.position
    return {
        "topic_id": topic_id,
        "country_id": country_id,
        "month": cell.month,
        "score": position.score,
        "band": position.band.value,
        "counted": len(position.counted),
        "new": cell.new,
        "total": cell.total,
        "divided": position.divided,
        "conditional": position.conditional,
        "first_on": cell.first_on,
        "last_on": cell.last_on,
        "evidence": encode_evidence(position.counted),
        "rule_version": scoring.RULE_VERSION,
    }


# ---- Reads for the pages: stored rows only, never statements aggregated on request.

_SCALAR_COLUMNS = (
    StanceScore.country_id,
    StanceScore.month,
    StanceScore.score,
    StanceScore.band,
    StanceScore.counted,
    StanceScore.new,
    StanceScore.total,
    StanceScore.divided,
    StanceScore.conditional,
)


class _Months(dict[str, date]):
    """Dates by their ISO text, each parsed on first use."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


def _score_rows(fetched: list[Any]) -> list[grid.ScoreRow]:
    # The driver's own tuples (DriverRead), with the month as the driver gives it (SQLite: text, parsed once
    # per distinct month) and the flags as 0/1 on SQLite, which compare and look up as
    # False/True. tuple.__new__ skips the named tuple's Python-level constructor: this runs for every cell.
    make, new = grid.ScoreRow, tuple.__new__
    if fetched and isinstance(fetched[0][1], str):  # SQLite gives the month as text
        months = _Months()  # a window has a few dozen months, each parsed once
        return [
            new(make, (country, months[month], score, band, counted, fresh, total, divided, conditional))
            for country, month, score, band, counted, fresh, total, divided, conditional in fetched
        ]
    return [new(make, tuple(row)) for row in fetched]


# The matrix's and the chart's reads, compiled once and run on the driver's cursor (app.db.DriverRead):
# a select with a subquery costs more to build than to run, and SQLAlchemy's execute path more than SQLite's answer.
_WINDOW = DriverRead(
    select(*_SCALAR_COLUMNS).where(
        StanceScore.topic_id == bindparam("topic_id"),
        StanceScore.month >= bindparam("first_month"),
        StanceScore.month <= bindparam("last_month"),
    )
)
_LAST_BEFORE = (
    select(StanceScore.country_id, func.max(StanceScore.month).label("month"))
    .where(StanceScore.topic_id == bindparam("topic_id"), StanceScore.month < bindparam("before"))
    .group_by(StanceScore.country_id)
    .subquery()
)


def _last_rows_before(*columns: Any) -> DriverRead:
    """`columns` of each country's last stored row on a topic before a month."""
    return DriverRead(
        select(*columns)
        .join(
            _LAST_BEFORE,
            (StanceScore.country_id == _LAST_BEFORE.c.country_id) & (StanceScore.month == _LAST_BEFORE.c.month),
        )
        .where(StanceScore.topic_id == bindparam("topic_id"))
    )


_CARRY_IN = _last_rows_before(*_SCALAR_COLUMNS)
_SERIES = DriverRead(
    select(*_SCALAR_COLUMNS)
    .where(
        StanceScore.topic_id == bindparam("topic_id"),
        StanceScore.country_id == bindparam("country_id"),
        StanceScore.month <= bindparam("last_month"),
    )
    .order_by(StanceScore.month)
)


def rows_in_window(session: Session, *, topic_id: int, first_month: date, last_month: date) -> list[grid.ScoreRow]:
    """Every stored row of a topic in a month range (each a month that brought statements)."""
    return _score_rows(
        _WINDOW.fetchall(session, {"topic_id": topic_id, "first_month": first_month, "last_month": last_month})
    )


def carry_in(session: Session, *, topic_id: int, before: date) -> list[grid.ScoreRow]:
    """Each country's last stored row before `before`: where its position stood coming into a window."""
    return _score_rows(_CARRY_IN.fetchall(session, {"topic_id": topic_id, "before": before}))


def row_at_or_before(session: Session, *, topic_id: int, country_id: int, month: date) -> StanceScore | None:
    """The stored row that gives a country's position at the end of `month` (its own, or carried)."""
    query = (
        select(StanceScore)
        .where(StanceScore.topic_id == topic_id, StanceScore.country_id == country_id, StanceScore.month <= month)
        .order_by(StanceScore.month.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def series_rows(session: Session, *, topic_id: int, country_id: int, last_month: date) -> list[grid.ScoreRow]:
    """All of one country's stored rows on a topic up to a month, oldest first (for its chart)."""
    return _score_rows(
        _SERIES.fetchall(session, {"topic_id": topic_id, "country_id": country_id, "last_month": last_month})
    )


# ---- Positions on a day inside a month: where each series stood at the month's start, and the month so far.

_STATE_COLUMNS = (StanceScore.month, StanceScore.total, StanceScore.first_on, StanceScore.last_on, StanceScore.evidence)
_SERIES_STATE_BEFORE = DriverRead(
    select(*_STATE_COLUMNS)
    .where(*_IN_SERIES, StanceScore.month < bindparam("before"))
    .order_by(StanceScore.month.desc())
    .limit(1)
)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _driver_state(total: int, first_on: Any, last_on: Any, evidence: str) -> scoring.SeriesState:
    return scoring.SeriesState(decode_evidence(evidence), total, _day(first_on), _day(last_on))


def state_before(
    session: Session, *, topic_id: int, country_id: int, month: date
) -> tuple[date | None, scoring.SeriesState]:
    """The series' latest stored month before `month` (None: there is none) and where it stood at its end."""
    params = {"topic_id": topic_id, "country_id": country_id, "before": month}
    for stored, total, first_on, last_on, evidence in _SERIES_STATE_BEFORE.fetchall(session, params):
        return _day(stored), _driver_state(total, first_on, last_on, evidence)
    return None, scoring.SeriesState()


# A series' statements in a month up to a day, as a position needs them: the matrix and a country page as
# of a day inside a month read every one (a few thousand a matrix at 1M statements). On the driver's cursor
# and from the series' index alone, which carries these columns (migration 0017); the office's weight comes
# from `office_weights`, not a join.
_MONTH_COLUMNS = (
    Statement.id,
    Statement.actor_id,
    Statement.said_on,
    Statement.stance,
    Statement.office_id,
    Statement.conditional,
)
_IN_TOPIC_AND_DAYS = (
    Statement.topic_id == bindparam("topic_id"),
    Statement.said_on >= bindparam("since"),
    Statement.said_on <= bindparam("until"),
    PUBLISHED,
)
_MONTH_SO_FAR = DriverRead(
    select(*_MONTH_COLUMNS)
    .where(Statement.country_id == bindparam("country_id"), *_IN_TOPIC_AND_DAYS)
    .order_by(Statement.said_on, Statement.id)
)


def office_weights(session: Session) -> Mapping[int, int]:
    """Each office's weight under the rule, by office id (read once per data version)."""

    def load() -> Mapping[int, int]:
        ranks = session.execute(select(Office.id, Office.rank))
        return MappingProxyType({office_id: scoring.office_weight(rank) for office_id, rank in ranks})

    return per_data_version(session, "office_weights", load)


def month_so_far(session: Session, *, country_id: int, topic_id: int, month: date, until: date) -> scoring.MonthSoFar:
    """One series' published statements from the start of `month` up to `until`, as a position on `until` needs them."""
    params = {"country_id": country_id, "topic_id": topic_id, "since": month, "until": until}
    rows = _MONTH_SO_FAR.fetchall(session, params)
    if not rows:
        return scoring.MonthSoFar()
    weights = office_weights(session)
    latest = {row[1]: row for row in rows}  # in fold order: each actor's last row is their latest statement
    evidence = [
        scoring.Evidence(statement_id, actor_id, _day(said_on), stance, weights[office_id], bool(conditional))
        for statement_id, actor_id, said_on, stance, office_id, conditional in latest.values()
    ]
    evidence.sort(key=ORDER_KEY)
    return scoring.MonthSoFar(tuple(evidence), len(rows), _day(rows[0][2]), _day(rows[-1][2]))


# The matrix's part-month column: where every series of a topic stood at the month's start, and the month so far,
# each in one read, as plain rows (scoring.position_on_day weighs them without making Evidence).
_MONTH_START_COUNTED = _last_rows_before(StanceScore.country_id, StanceScore.total, StanceScore.evidence)
_TOPIC_MONTH_SO_FAR = DriverRead(
    select(Statement.country_id, *_MONTH_COLUMNS)
    .where(
        # Country by country, each from the series' index alone (migration 0017), as month_so_far reads one.
        Statement.country_id.in_(select(Country.id)),
        *_IN_TOPIC_AND_DAYS,
    )
    .order_by(Statement.country_id, Statement.said_on, Statement.id)
)
MonthRows = tuple[int, list[tuple[Any, ...]]]  # (statements, each actor's latest in Evidence's field order)


def month_start_counted(session: Session, *, topic_id: int, month: date) -> dict[int, tuple[int, list[list[Any]]]]:
    """Per country, its series' total and counted statements at the end of its latest stored month before `month`,
    the statements as encode_evidence writes them: [id, actor, ISO day, stance, office weight, conditional]."""
    rows = _MONTH_START_COUNTED.fetchall(session, {"topic_id": topic_id, "before": month})
    loads = json.loads
    return {country_id: (total, loads(evidence)) for country_id, total, evidence in rows}


def topic_month_so_far(session: Session, *, topic_id: int, month: date, until: date) -> dict[int, MonthRows]:
    """Per country with published statements on a topic from the start of `month` up to `until`: how many, and
    each actor's latest as (id, actor, said_on, stance, office weight, conditional), in (said_on, id) order
    (the day as the driver gives it)."""
    rows = _TOPIC_MONTH_SO_FAR.fetchall(session, {"topic_id": topic_id, "since": month, "until": until})
    weights = office_weights(session)
    found = {}
    for country_id, series in groupby(rows, key=_FIRST):
        said = list(series)
        latest = {row[2]: row for row in said}  # in fold order: each actor's last row is their latest statement
        found[country_id] = (
            len(said),
            [
                (statement_id, actor_id, said_on, stance, weights[office_id], conditional)
                for _, statement_id, actor_id, said_on, stance, office_id, conditional in sorted(
                    latest.values(), key=_FOLD_ORDER
                )
            ],
        )
    return found


_FIRST = itemgetter(0)
_FOLD_ORDER = itemgetter(3, 1)  # (said_on, id): ISO days sort as the dates do


def richest_recent_row(session: Session, *, topic_id: int) -> StanceScore | None:
    """The latest stored row with the most counted statements: a fallback worked example."""
    query = (
        select(StanceScore)
        .where(StanceScore.topic_id == topic_id, StanceScore.counted >= 2)
        .order_by(StanceScore.month.desc(), StanceScore.counted.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def latest_row(session: Session, *, topic_id: int, country_id: int) -> SeriesValues | None:
    """The series' newest stored row."""
    rows = _LATEST.fetchall(session, {"topic_id": topic_id, "country_id": country_id})
    return SeriesValues(*rows[0]) if rows else None


# ---- Stored changes of position (refresh.py keeps them; the country page reads them).

ChainKey = tuple[int, int, int]  # (actor_id, topic_id, country_id)
# (id, actor_id, topic_id, said_on, stance): what actors.rules.StanceRecord is made from.
ChainRecord = tuple[int, int, int, date, int]
_CHAIN_COLUMNS = (Statement.id, Statement.actor_id, Statement.topic_id, Statement.said_on, Statement.stance)


# An actor has a few hundred statements; a country's topic thousands. The "+ 0" keeps the planner
# off the country-and-topic index (it would walk every one of those back from the date) and on
# the actor's (ix_statement_actor_said_on), checking topic and country on the actor's rows alone.
_IN_CHAIN = (
    (Statement.actor_id == bindparam("actor_id"))
    & ((Statement.topic_id + 0) == bindparam("topic_id"))
    & ((Statement.country_id + 0) == bindparam("country_id"))
)


def _chain_read(*, before: bool) -> DriverRead:
    """A chain's published statements before a date (the newest one) or from it on (all), built once."""
    query = select(*_CHAIN_COLUMNS).where(_IN_CHAIN, PUBLISHED)
    if before:
        query = query.where(Statement.said_on < bindparam("since"))
        return DriverRead(query.order_by(Statement.said_on.desc(), Statement.id.desc()).limit(1))
    return DriverRead(query.where(Statement.said_on >= bindparam("since")).order_by(Statement.said_on, Statement.id))


_CHAIN_BEFORE = _chain_read(before=True)
_CHAIN_SINCE = _chain_read(before=False)


def chain_from(session: Session, *, key: ChainKey, since: date) -> list[ChainRecord]:
    """A chain's published statements from `since` on, after the last one before it (if any), in date order.

    On the driver's cursor, as every save reads the chains it touched.
    """
    actor_id, topic_id, country_id = key
    params = {"actor_id": actor_id, "topic_id": topic_id, "country_id": country_id, "since": since}
    rows = [*_CHAIN_BEFORE.fetchall(session, params), *_CHAIN_SINCE.fetchall(session, params)]
    return [
        (id_, actor, topic, said_on if isinstance(said_on, date) else date.fromisoformat(said_on), stance)
        for id_, actor, topic, said_on, stance in rows
    ]


# Statements' neighbours in their chains, by (said_on, id): the published statement just before each and just
# after. Many statements in one read, their chains and dates one parameter (a JSON array on SQLite, arrays on
# PostgreSQL), so the SQL is compiled once: an import asked for 39,800 neighbours one read each, a round trip
# each on PostgreSQL (bench/README.md, "Where an import's time goes").
def _given_sqlite() -> Any:
    each = func.json_each(bindparam("given", type_=String)).table_valued("value").alias("each")
    fields = ("statement_id", "actor_id", "topic_id", "country_id", "said_on")
    return select(
        *(func.json_extract(each.c.value, f"$[{index}]").label(name) for index, name in enumerate(fields))
    ).cte("given")


def _given_postgresql() -> Any:
    arrays = (
        bindparam("statement_ids", type_=ARRAY(Integer)),
        bindparam("actor_ids", type_=ARRAY(Integer)),
        bindparam("topic_ids", type_=ARRAY(Integer)),
        bindparam("country_ids", type_=ARRAY(Integer)),
        bindparam("days", type_=ARRAY(Date)),
    )
    fields = ("statement_id", "actor_id", "topic_id", "country_id", "said_on")
    return func.unnest(*arrays).table_valued(*fields).render_derived().alias("given")


def _neighbours_read(given: Any, *, lateral: bool) -> DriverRead:
    """Each given statement's id, then its previous and next neighbour's (id, said_on, stance), or NULLs.

    PostgreSQL reads each neighbour in a LATERAL subquery; SQLite, which has none, finds its id in a
    subquery and joins the row by it (PostgreSQL's planner would hash-join the whole table for that).
    """
    in_chain = (
        (Statement.actor_id == given.c.actor_id)
        & ((Statement.topic_id + 0) == given.c.topic_id)
        & ((Statement.country_id + 0) == given.c.country_id)
        & PUBLISHED
    )
    previous = (
        select(*_NEIGHBOUR_COLUMNS)
        .where(
            in_chain,
            Statement.said_on <= given.c.said_on,
            (Statement.said_on < given.c.said_on) | (Statement.id < given.c.statement_id),
        )
        .order_by(Statement.said_on.desc(), Statement.id.desc())
        .limit(1)
    )
    following = (
        select(*_NEIGHBOUR_COLUMNS)
        .where(
            in_chain,
            Statement.said_on >= given.c.said_on,
            (Statement.said_on > given.c.said_on) | (Statement.id > given.c.statement_id),
        )
        .order_by(Statement.said_on, Statement.id)
        .limit(1)
    )
    if lateral:
        before, after = previous.lateral("previous"), following.lateral("following")
        query = select(given.c.statement_id, *before.c, *after.c).select_from(given)
        return DriverRead(query.outerjoin(before, true()).outerjoin(after, true()))
    earlier, later = aliased(Statement, name="previous"), aliased(Statement, name="following")
    query = (
        select(given.c.statement_id, earlier.id, earlier.said_on, earlier.stance, later.id, later.said_on, later.stance)
        .select_from(given)
        .outerjoin(earlier, earlier.id == previous.with_only_columns(Statement.id).correlate(given).scalar_subquery())
        .outerjoin(later, later.id == following.with_only_columns(Statement.id).correlate(given).scalar_subquery())
    )
    return DriverRead(query)


_NEIGHBOUR_COLUMNS = (Statement.id, Statement.said_on, Statement.stance)
_NEIGHBOURS = {
    "sqlite": _neighbours_read(_given_sqlite(), lateral=False),
    "postgresql": _neighbours_read(_given_postgresql(), lateral=True),
}
_NEIGHBOURS_BATCH = 1000
Neighbour = tuple[int, date, int]  # (id, said_on, stance)
ChainedStatement = tuple[ChainKey, Neighbour]  # a statement's chain, and the statement as its neighbours see it


def _neighbour(statement_id: int | None, said_on: Any, stance: int | None) -> Neighbour | None:
    if statement_id is None:
        return None
    assert stance is not None
    return statement_id, said_on if isinstance(said_on, date) else date.fromisoformat(said_on), stance


@contextmanager
def walking_actor_index(session: Session) -> Iterator[None]:
    """Chain reads inside walk the actor's index from the date to the first match, on PostgreSQL too.

    PostgreSQL's planner can't know how many of an actor's statements are in one chain and guesses
    almost none, so for a neighbour it read all of the actor's statements on one side of the date
    and sorted them (a bitmap scan, 250–350 rows) instead of walking the index to the first match (a
    handful). SQLite walks the index already. From those guesses it also costs a read of a thousand
    neighbours high enough to compile it first (JIT), which took longer than the read.
    """
    with postgres_planner(session, enable_bitmapscan="off", jit="off"):
        yield


def chain_neighbours(
    session: Session, statements: Sequence[ChainedStatement]
) -> dict[int, tuple[Neighbour | None, Neighbour | None]]:
    """The published statements just before and just after each (by date, then id) in its chain, by its id."""
    connection = session.connection()
    dialect = connection.dialect.name
    found: dict[int, tuple[Neighbour | None, Neighbour | None]] = {}
    for start in range(0, len(statements), _NEIGHBOURS_BATCH):
        batch = statements[start : start + _NEIGHBOURS_BATCH]
        if dialect == "sqlite":
            given = [[id_, *key, said_on.isoformat()] for key, (id_, said_on, _) in batch]
            params: dict[str, Any] = {"given": json.dumps(given)}
        else:
            params = {
                "statement_ids": [id_ for _, (id_, _, _) in batch],
                "actor_ids": [key[0] for key, _ in batch],
                "topic_ids": [key[1] for key, _ in batch],
                "country_ids": [key[2] for key, _ in batch],
                "days": [said_on for _, (_, said_on, _) in batch],
            }
        for row in _NEIGHBOURS[dialect].fetchall(connection, params):
            found[row[0]] = (_neighbour(*row[1:4]), _neighbour(*row[4:7]))
    return found


def all_chains(session: Session) -> Iterator[tuple[ChainKey, ChainRecord]]:
    """Every published statement, chain by chain, in date order."""
    query = (
        select(Statement.country_id, *_CHAIN_COLUMNS)
        .where(PUBLISHED)
        .order_by(Statement.actor_id, Statement.topic_id, Statement.country_id, Statement.said_on, Statement.id)
        .execution_options(yield_per=5000)
    )
    for row in session.execute(query):
        country_id, *record = row
        yield (row.actor_id, row.topic_id, country_id), tuple(record)  # type: ignore[misc]


_DELETE_CHANGES_FROM = delete(PositionChangeRow).where(
    PositionChangeRow.actor_id == bindparam("actor_id"),
    PositionChangeRow.topic_id == bindparam("topic_id"),
    PositionChangeRow.country_id == bindparam("country_id"),
    PositionChangeRow.changed_on >= bindparam("since"),
)
_INSERT_CHANGES = insert(PositionChangeRow)


def delete_changes_from(session: Session, *, key: ChainKey, since: date) -> None:
    actor_id, topic_id, country_id = key
    params = {"actor_id": actor_id, "topic_id": topic_id, "country_id": country_id, "since": since}
    session.connection().execute(_DELETE_CHANGES_FROM, params)


_DELETE_CHANGE = delete(PositionChangeRow).where(PositionChangeRow.after_id == bindparam("after_id"))


def delete_changes_of(session: Session, after_ids: Iterable[int]) -> None:
    """Delete the stored changes made by these statements (those that have one)."""
    params = [{"after_id": after_id} for after_id in after_ids]
    if params:
        session.connection().execute(_DELETE_CHANGE, params)


def delete_all_changes(session: Session) -> None:
    session.execute(delete(PositionChangeRow))


def insert_changes(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    db_insert_rows(session.connection(), _INSERT_CHANGES, rows)


_COUNTRY_CHANGES = DriverRead(
    select(
        PositionChangeRow.before_id,
        PositionChangeRow.after_id,
        PositionChangeRow.stance_before,
        PositionChangeRow.stance_after,
        PositionChangeRow.changed_on,
    )
    .where(PositionChangeRow.country_id == bindparam("country_id"), PositionChangeRow.changed_on <= bindparam("last"))
    .order_by(PositionChangeRow.changed_on.desc(), PositionChangeRow.after_id.desc())
    .limit(bindparam("limit"))
)
_COUNTRY_CHANGES_BY_DAY = DriverRead(
    select(PositionChangeRow.changed_on, func.count())
    .where(PositionChangeRow.country_id == bindparam("country_id"))
    .group_by(PositionChangeRow.changed_on)
    .order_by(PositionChangeRow.changed_on)
)


ChangeRow = tuple[int, int, int, int, date]  # (before_id, after_id, stance_before, stance_after, changed_on)


def country_changes(session: Session, *, country_id: int, last: date, limit: int) -> list[ChangeRow]:
    """(before_id, after_id, stance_before, stance_after, changed_on) of a country's newest changes up to `last`."""
    rows = _COUNTRY_CHANGES.fetchall(session, {"country_id": country_id, "last": last, "limit": limit})
    return [(b, a, sb, sa, on if isinstance(on, date) else date.fromisoformat(on)) for b, a, sb, sa, on in rows]


def country_changes_by_day(session: Session, *, country_id: int) -> list[tuple[date, int]]:
    """How many changes of position a country has on each day that has one, by day (from the index alone)."""
    rows = _COUNTRY_CHANGES_BY_DAY.fetchall(session, {"country_id": country_id})
    return [(on if isinstance(on, date) else date.fromisoformat(on), count) for on, count in rows]
