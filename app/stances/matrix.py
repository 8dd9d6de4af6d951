"""The matrix as a reader asks for it: the query checked, the grid read from stored scores, a cell's evidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app import params
from app.countries import repository as countries_repository
from app.countries.models import Country
from app.errors import BadQuery
from app.perf.versioned import per_data_version
from app.stances import grid, repository, scoring
from app.stances.headline import Headline, headline
from app.statements import repository as statements_repository
from app.statements.cards import StatementCard
from app.statements.rules import latest_allowed_date
from app.text import month_key
from app.topics import repository as topics_repository
from app.topics.models import DEFAULT_TOPIC
from app.topics.repository import TopicChoice

MAX_MONTHS = 120
DEFAULT_MONTHS = 24


@dataclass(frozen=True, slots=True)
class MatrixQuery:
    """A validated matrix request; `params` is its canonical query, for shareable URLs."""

    topic: TopicChoice
    first_month: date
    last_month: date
    order: str
    as_of: date | None
    cell: tuple[str, date] | None
    explicit_range: bool
    today: date  # what "now" is: the window ends in its month unless told otherwise, and as_of defaults to it
    hide_empty: bool = False  # leave out the rows with no statement on record
    topics: tuple[TopicChoice, ...] = field(default=(), compare=False)  # every topic, for the page's topic menu

    @property
    def months(self) -> list[date]:
        return scoring.months_between(self.first_month, self.last_month)

    @property
    def params(self) -> dict[str, str]:
        found = {"topic": self.topic.slug}
        if self.explicit_range:
            found |= {"from": f"{self.first_month:%Y-%m}", "to": f"{self.last_month:%Y-%m}"}
        if self.order != "neighbours":
            found["order"] = self.order
        if self.as_of is not None:
            found["as_of"] = self.as_of.isoformat()
        if self.hide_empty:
            found["hide_empty"] = "1"
        return found

    @property
    def current_month(self) -> date:
        return scoring.month_start(self.today)

    @property
    def shown_as_of(self) -> date:
        """The day the positions stand on: as_of, or today."""
        return self.as_of or self.today

    @property
    def partial_month(self) -> date | None:
        """The as_of month, when as_of falls before its month's end (that column is part-month)."""
        if self.as_of is None or self.as_of == scoring.month_end(self.as_of):
            return None
        return scoring.month_start(self.as_of)


def parse_matrix_query(
    *,
    session: Session,
    topic: str | None,
    first: str | None,
    last: str | None,
    order: str | None,
    as_of: str | None,
    cell: str | None = None,
    hide_empty: str | None = None,
) -> MatrixQuery:
    """Check a matrix request's parameters; BadQuery names the first one that can't be used."""
    topics = topics_repository.choices(session)
    chosen = _choose_topic(topics, topic)
    today = latest_allowed_date()
    this_month = scoring.month_start(today)
    as_of_day = params.parse_day(as_of, "as_of")
    if as_of_day is not None and as_of_day > today:
        raise BadQuery("as_of", f"'{as_of}' is in the future")
    if as_of_day == today:
        as_of_day = None  # today is the default: the same positions, and the same URL
    last_month = params.parse_month(last, "to")
    first_month = params.parse_month(first, "from")
    explicit = last_month is not None or first_month is not None
    if last_month is not None and last_month > this_month:
        raise BadQuery("to", f"'{last}' is after this month")
    if last_month is None:  # the window runs to this month; positions carry forward to it
        last_month = max(first_month, this_month) if first_month else this_month
    if as_of_day is not None and last_month > scoring.month_start(as_of_day):
        last_month = scoring.month_start(as_of_day)
    if first_month is None:
        first_month = scoring.months_before(last_month, DEFAULT_MONTHS - 1)
    params.check_order(first_month, last_month)
    span = len(scoring.months_between(first_month, last_month))
    if span > MAX_MONTHS:
        raise BadQuery("from", f"the range spans {span} months; the matrix shows at most {MAX_MONTHS}")
    chosen_order = (order or "neighbours").strip()
    if chosen_order not in grid.ORDERS:
        raise BadQuery("order", f"'{order}' is not an order; use 'neighbours' or 'stance'")
    cell_at = _parse_cell(session, cell)
    hiding = params.parse_flag(hide_empty, "hide_empty")
    return MatrixQuery(
        chosen, first_month, last_month, chosen_order, as_of_day, cell_at, explicit, today, hiding, topics
    )


def _parse_cell(session: Session, cell: str | None) -> tuple[str, date] | None:
    if params.blank(cell):
        return None
    assert cell is not None
    code, _, month = cell.partition(":")
    country = find_country(session=session, code=code, field="cell")
    parsed = params.parse_month(month, "cell")
    if parsed is None:
        raise BadQuery("cell", f"'{cell}' is not a cell; write it as COUNTRY:YYYY-MM, e.g. PL:2024-09")
    return country.code, parsed


def find_topic(*, session: Session, slug: str | None) -> TopicChoice:
    """The topic named by a query parameter (the main question when absent)."""
    return _choose_topic(topics_repository.choices(session), slug)


def _choose_topic(topics: Sequence[TopicChoice], slug: str | None) -> TopicChoice:
    """The topic a query parameter names, among every topic (the main question when absent)."""
    wanted = (slug or DEFAULT_TOPIC).strip()
    for topic in topics:
        if topic.slug == wanted:
            return topic
    known = ", ".join(topic.slug for topic in topics)
    raise BadQuery("topic", f"unknown topic '{wanted}'; choose one of: {known}")


def find_country(*, session: Session, code: str | None, field: str = "country") -> Country:
    """The country a query parameter names by its code; BadQuery names the parameter otherwise."""
    country = countries_repository.get_by_code(session, (code or "").strip()) if not params.blank(code) else None
    if country is None:
        raise BadQuery(field, f"unknown country code '{code}'")
    return country


def country_refs(*, session: Session) -> tuple[grid.CountryRef, ...]:
    """Every country as the matrix names it, by name (read once per data version)."""
    return per_data_version(
        session, "country_refs", lambda: tuple(grid.CountryRef(*head) for head in countries_repository.heads(session))
    )


def matrix(*, session: Session, query: MatrixQuery) -> grid.Grid:
    """The grid for a validated query, read from stored scores (and one part-month column if as_of asks)."""
    partial = query.partial_month
    full_last = scoring.months_before(partial, 1) if partial else query.last_month
    rows = repository.rows_in_window(
        session, topic_id=query.topic.id, first_month=query.first_month, last_month=full_last
    )
    if partial is not None:
        rows += [row for row in _partial_rows(session, query.topic.id, query.as_of) if row.month >= query.first_month]  # type: ignore[arg-type]
    countries = country_refs(session=session)
    carry: list[grid.ScoreRow] = []
    if grid.needs_carry_in(countries, rows, query.first_month):
        carry = repository.carry_in(session, topic_id=query.topic.id, before=query.first_month)
    return grid.build(
        countries=countries,
        rows=rows,
        carry_in=carry,
        months=query.months,
        topic=query.topic.slug,
        order=query.order,
        query=query.params,
    )


def _partial_rows(session: Session, topic_id: int, as_of: date) -> list[grid.ScoreRow]:
    """Positions on a day inside a month: each country's state at the month's start plus its statements so far."""
    month = scoring.month_start(as_of)
    so_far = repository.topic_month_so_far(session, topic_id=topic_id, month=month, until=as_of)
    if not so_far:
        return []  # no statement yet this month: the grid carries the last stored rows forward
    # Each country's state at the month's start, decoded per request. Kept per topic and month they saved
    # 4 of 25 ms of CPU a cold matrix at 1M, but held 76 MB more after 1,000 URLs (every counted statement
    # of 35 countries, for each topic and month asked for): the worker's memory matters more.
    before = repository.month_start_counted(session, topic_id=topic_id, month=month)
    weights = scoring.AgeWeights(as_of)
    found = []
    for country in country_refs(session=session):
        country_id = country.id
        month_rows = so_far.get(country_id)
        if month_rows is None:
            continue  # no statement yet this month: the grid carries the last stored row forward
        new, latest = month_rows
        total, counted = before.get(country_id, (0, []))
        position = scoring.position_on_day(counted, latest, weights)
        if position is not None:
            found.append(
                grid.ScoreRow(
                    country_id,
                    month,
                    position.score,
                    position.band.value,
                    position.counted,
                    new,
                    total + new,
                    position.divided,
                    position.conditional,
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class CellPosition:
    """A cell's position: the day it stands on, its score (None: no statement on record), and the month of the
    stored row it carries forward (None: the cell's month brought statements)."""

    as_of: date
    cell: scoring.CellScore | None
    carried_from: date | None


@dataclass(frozen=True, slots=True)
class CellEvidence:
    """Why a cell shows what it shows: the counted statements, each with its weights."""

    country: Country
    topic: TopicChoice
    month: date
    as_of: date
    cell: scoring.CellScore | None
    carried_from: date | None
    weighed: list[scoring.Weighed]


def cell_position(
    *, session: Session, topic: TopicChoice, country: Country, month: date, as_of: date | None = None
) -> CellPosition:
    """A matrix cell's position, at its month's end or on `as_of` inside it."""
    cell_date = scoring.month_end(month)
    if as_of is not None and as_of < month:  # the matrix ends its window at as_of's month: no such cell yet
        raise BadQuery("as_of", f"'{as_of.isoformat()}' is before the cell's month ({month_key(month)})")
    if as_of is not None and as_of < cell_date:
        cell_date = as_of
    if cell_date < scoring.month_end(month):  # a part-month: recompute from the month's start
        prior, state = repository.state_before(session, topic_id=topic.id, country_id=country.id, month=month)
        so_far = repository.month_so_far(
            session, country_id=country.id, topic_id=topic.id, month=month, until=cell_date
        )
        cell = scoring.score_as_of(state, so_far, cell_date)
        return CellPosition(cell_date, cell, prior if cell is not None and cell.new == 0 else None)
    row = repository.row_at_or_before(session, topic_id=topic.id, country_id=country.id, month=month)
    if row is None:
        return CellPosition(cell_date, None, None)
    cell = scoring.CellScore(
        month=row.month,
        position=scoring.position(repository.decode_evidence(row.evidence), cell_date),  # type: ignore[arg-type]
        new=row.new,
        total=row.total,
        first_on=row.first_on,
        last_on=row.last_on,
    )
    return CellPosition(cell_date, cell, row.month if row.month != month else None)


def cell_evidence(
    *, session: Session, topic: TopicChoice, country: Country, month: date, as_of: date | None = None
) -> CellEvidence:
    """The statements behind one matrix cell, with the weights the rule gave them."""
    found = cell_position(session=session, topic=topic, country=country, month=month, as_of=as_of)
    cell = found.cell
    weighed = scoring.weigh(cell.position.counted, found.as_of) if cell is not None else []
    weighed.sort(key=lambda item: (-item.weight, item.evidence.order_key))
    return CellEvidence(country, topic, month, found.as_of, cell, found.carried_from, weighed)


LATEST_SHOWN = 3  # the topic's latest statements, beside the headline


@dataclass(frozen=True, slots=True)
class Glance:
    """The headline of a matrix, with the latest statement behind each move ((id, day, actor) by country id),
    and the topic's latest statements up to the day the positions stand on."""

    headline: Headline
    because: dict[int, tuple[int, date, str]]
    latest: list[StatementCard]


def glance(*, session: Session, query: MatrixQuery, built: grid.Grid) -> Glance:
    """The grid's headline, and for each country that moved, its latest statement of that month."""
    found = headline(built)
    first, last = found.month, min(scoring.month_end(found.month), query.shown_as_of)
    because = {}
    for move in found.moved:
        latest = statements_repository.latest_between(
            session, country_id=move.country.id, topic_id=query.topic.id, first=first, last=last
        )
        if latest is not None:
            because[move.country.id] = latest
    newest = statements_repository.latest_on_topic(
        session, topic_id=query.topic.id, until=query.shown_as_of, limit=LATEST_SHOWN
    )
    return Glance(found, because, statements_repository.cards(session, newest))
