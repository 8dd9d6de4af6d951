"""The aggregation rule: how a country's statements become its stance on a topic, month by month.

Pure functions only, with no database and no I/O. This module is the one place the methodology
lives: /methodology renders its constants and a worked example from them, the stored scores are
written by `fold_months`, and `intercept-watch scores rebuild` re-applies it to every statement.
Changing the rule means changing this module, raising RULE_VERSION, and rebuilding the scores.

Rule, version 1
---------------
1. Which statements count. For each actor of the country, only their latest published statement
   on the topic up to the cell's date counts ("latest" by date, then by id). Earlier ones are
   superseded. A statement known only to the month is placed on the month's first day.
2. Weight by office. Head of state or government, or NATO Secretary General: 3. Foreign or
   defence minister: 2. Other officials, parliaments, spokespersons and institutions: 1. The
   office is the one the actor held on the statement's date.
3. Weight by age. A half-life of 180 days, from the statement's date to the cell's date: a
   statement half a year old weighs half as much as one made on the cell's date.
4. Score. The weighted mean of the counted stances (each from -2 to +2), weight = office x age.
5. Band. >= 1.5 supports; >= 0.5 leans support; > -0.5 mixed or neutral; > -1.5 leans against;
   otherwise opposes. The score is rounded to 9 decimals first, so 1.5 computed as 1.4999999999
   still lands in "supports".
6. Divided. Two counted actors, both with office weight >= 2, stand 2 or more points apart.
7. Conditional. The heaviest counted statement carries a condition (ties go to the later one).
8. No statement on record. A country with no counted statement up to the cell's date has no
   score at all. It is never shown as neutral.

A consequence worth knowing: every counted statement's age weight shrinks by the same factor as
time passes, and a common factor cancels out of a weighted mean. So a position does not fade on
its own. It changes only when a new statement arrives, and a month with no new statement carries
the previous month's score forward unchanged (`carry_forward`). The half-life decides how much a
recent statement outweighs an older one from another actor.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from operator import itemgetter
from typing import Any, NamedTuple

RULE_VERSION = 1
HALF_LIFE_DAYS = 180
OFFICE_WEIGHTS: Mapping[str, int] = {"head": 3, "minister": 2, "other": 1}
DIVIDED_MIN_OFFICE_WEIGHT = 2
DIVIDED_MIN_GAP = 2
SCORE_DECIMALS = 9


class Band(enum.StrEnum):
    SUPPORTS = "supports"
    LEANS_SUPPORT = "leans support"
    MIXED = "mixed or neutral"
    LEANS_AGAINST = "leans against"
    OPPOSES = "opposes"


# (lowest score in the band, whether that edge is included, band), from the top down.
BAND_EDGES: tuple[tuple[float, bool, Band], ...] = (
    (1.5, True, Band.SUPPORTS),
    (0.5, True, Band.LEANS_SUPPORT),
    (-0.5, False, Band.MIXED),
    (-1.5, False, Band.LEANS_AGAINST),
)


class Evidence(NamedTuple):
    """What the rule needs to know about one statement.

    A named tuple: a position on a day inside a month is made from a few thousand of these per matrix,
    and tuples are the cheapest to make.
    """

    statement_id: int
    actor_id: int
    said_on: date
    stance: int
    office_weight: int
    conditional: bool

    @property
    def order_key(self) -> tuple[date, int]:
        return (self.said_on, self.statement_id)


ORDER_KEY = itemgetter(2, 0)  # Evidence.order_key, (said_on, statement_id), as a sort key made in C


@dataclass(frozen=True, slots=True)
class Weighed:
    """A counted statement with its weights on a given date."""

    evidence: Evidence
    age_weight: float

    @property
    def weight(self) -> float:
        return self.evidence.office_weight * self.age_weight


@dataclass(frozen=True, slots=True)
class Position:
    """A country's position on a date, from its counted statements."""

    score: float
    band: Band
    divided: bool
    conditional: bool
    counted: tuple[Evidence, ...]
    heaviest: Evidence


@dataclass(frozen=True, slots=True)
class CellScore:
    """A position at the end of a month, with the bookkeeping the matrix shows beside it."""

    month: date  # first day of the month
    position: Position
    new: int  # published statements said in this month
    total: int  # published statements up to the end of this month
    first_on: date
    last_on: date
    carried: bool = False  # no new statement this month: carried forward

    @property
    def score(self) -> float:
        return self.position.score

    @property
    def band(self) -> Band:
        return self.position.band


def office_weight(rank: str) -> int:
    """The weight of an office class ('head', 'minister' or 'other')."""
    return OFFICE_WEIGHTS[rank]


def age_weight(said_on: date, as_of: date) -> float:
    """Half-life decay from the statement's date to the cell's date."""
    age_days = (as_of - said_on).days
    if age_days < 0:
        raise ValueError(f"a statement of {said_on} cannot count on {as_of}")
    return float(0.5 ** (age_days / HALF_LIFE_DAYS))


def band_for(score: float) -> Band:
    """The band a score falls in."""
    rounded = round(score, SCORE_DECIMALS)
    for edge, inclusive, band in BAND_EDGES:
        if rounded > edge or (inclusive and rounded == edge):
            return band
    return Band.OPPOSES


def latest_per_actor(statements: Iterable[Evidence]) -> list[Evidence]:
    """Each actor's latest statement; the rest are superseded."""
    latest: dict[int, Evidence] = {}
    for item in statements:
        current = latest.get(item.actor_id)
        if current is None or item.order_key > current.order_key:
            latest[item.actor_id] = item
    return sorted(latest.values(), key=lambda item: item.order_key)


def weigh(counted: Iterable[Evidence], as_of: date) -> list[Weighed]:
    """Each counted statement with its age weight on `as_of`."""
    return [Weighed(item, age_weight(item.said_on, as_of)) for item in counted]


def is_divided(counted: Iterable[Evidence]) -> bool:
    """Whether two heavyweight actors (office weight >= 2) stand 2 or more points apart."""
    stances = [item.stance for item in counted if item.office_weight >= DIVIDED_MIN_OFFICE_WEIGHT]
    return len(stances) >= 2 and max(stances) - min(stances) >= DIVIDED_MIN_GAP


def position(counted: Sequence[Evidence], as_of: date) -> Position | None:
    """The position that counted statements give on `as_of`, or None when there are none."""
    if not counted:
        return None
    # Each statement's weight as `weigh` gives it (Weighed.weight), as plain floats in the same order, without
    # an object per statement: a save refolds its month's counted statements, an import every month it touches.
    weights = [item.office_weight * age_weight(item.said_on, as_of) for item in counted]
    total_weight = sum(weights)
    score = sum(weight * item.stance for weight, item in zip(weights, counted, strict=True)) / total_weight
    heaviest = max(zip(weights, counted, strict=True), key=lambda pair: (pair[0], pair[1].order_key))[1]
    return Position(
        score=round(score, SCORE_DECIMALS),
        band=band_for(score),
        divided=is_divided(counted),
        conditional=heaviest.conditional,
        counted=tuple(counted),
        heaviest=heaviest,
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_before(month: date, count: int) -> date:
    """The first day of the month `count` months before `month`'s."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from `first`'s month to `last`'s month, inclusive."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


@dataclass(frozen=True, slots=True)
class SeriesState:
    """Where a country's series on a topic stands at the end of a month: what a fold resumes from."""

    counted: tuple[Evidence, ...] = ()
    total: int = 0
    first_on: date | None = None
    last_on: date | None = None

    @classmethod
    def from_cell(cls, cell: CellScore | None) -> SeriesState:
        if cell is None:
            return cls()
        return cls(cell.position.counted, cell.total, cell.first_on, cell.last_on)


def _advance(state: SeriesState, statements: Sequence[Evidence]) -> SeriesState:
    counted = latest_per_actor([*state.counted, *statements])
    dates = [item.said_on for item in statements]
    first = min(dates, default=None)
    last = max(dates, default=None)
    return SeriesState(
        counted=tuple(counted),
        total=state.total + len(statements),
        first_on=min(filter(None, (state.first_on, first)), default=None),
        last_on=max(filter(None, (state.last_on, last)), default=None),
    )


def fold_months(state: SeriesState, statements: Iterable[Evidence]) -> Iterator[CellScore]:
    """Score each month that brings statements, resuming from `state` at the end of the month before.

    `statements` are one country's published statements on one topic, all later than the months
    `state` covers, sorted by (said_on, statement_id). One CellScore is yielded per month that has
    any; months between them carry forward (see `carry_forward`).
    """
    batch: list[Evidence] = []
    month: date | None = None
    for item in statements:
        item_month = month_start(item.said_on)
        if month is not None and item_month != month:
            state, cell = _close_month(state, month, batch)
            yield cell
            batch = []
        month = item_month
        batch.append(item)
    if month is not None:
        yield _close_month(state, month, batch)[1]


def _close_month(state: SeriesState, month: date, batch: list[Evidence]) -> tuple[SeriesState, CellScore]:
    state = _advance(state, batch)
    found = position(state.counted, month_end(month))
    assert found is not None and state.first_on is not None and state.last_on is not None
    return state, CellScore(month, found, len(batch), state.total, state.first_on, state.last_on)


def carry_forward(cell: CellScore, month: date) -> CellScore:
    """The cell for a later month with no new statement: the same position, marked as carried.

    Exact under this rule, because age weights shrink by a common factor (see the module notes).
    A rule whose positions fade would recompute `position(cell.position.counted, month_end(month))`.
    """
    return replace(cell, month=month, new=0, carried=True)


@dataclass(frozen=True, slots=True)
class MonthSoFar:
    """A series' statements in a month up to a day, as a position on that day needs them: each actor's
    latest, how many there are, and the first and last of their dates."""

    latest: tuple[Evidence, ...] = ()
    count: int = 0
    first_on: date | None = None
    last_on: date | None = None

    @classmethod
    def of(cls, statements: Sequence[Evidence], until: date) -> MonthSoFar:
        """From one month's statements of a series, those said up to `until`."""
        said = [item for item in statements if item.said_on <= until]
        if not said:
            return cls()
        dates = [item.said_on for item in said]
        return cls(tuple(latest_per_actor(said)), len(said), min(dates), max(dates))


def score_as_of(state: SeriesState, month: MonthSoFar, as_of: date) -> CellScore | None:
    """The position on a date inside a month: the state at the month's start plus its statements so far.

    Each actor's latest statement of the month supersedes their counted one in `state`, which is older:
    the same counted statements as folding every statement of the month, without reading them all.
    """
    spoke = {item.actor_id for item in month.latest}
    counted = sorted([*(item for item in state.counted if item.actor_id not in spoke), *month.latest], key=ORDER_KEY)
    found = position(counted, as_of)
    first_on = state.first_on or month.first_on
    last_on = month.last_on or state.last_on
    if found is None or first_on is None or last_on is None:
        return None
    total = state.total + month.count
    return CellScore(month_start(as_of), found, month.count, total, first_on, last_on, carried=month.count == 0)


class AgeWeights(dict[date | str, float]):
    """`age_weight(day, as_of)` by the statement's day, given as a date or its ISO text, each day worked out once.

    A matrix as of a day weighs a few thousand statements said on a few hundred days.
    """

    def __init__(self, as_of: date) -> None:
        super().__init__()
        self.as_of = as_of

    def __missing__(self, day: date | str) -> float:
        weight = age_weight(day if isinstance(day, date) else date.fromisoformat(day), self.as_of)
        self[day] = weight
        return weight


class DayPosition(NamedTuple):
    """What a matrix cell shows of a position (`Position` without the statements)."""

    score: float
    band: Band
    counted: int
    divided: bool
    conditional: bool


def position_on_day(
    before: Sequence[Sequence[Any]], latest: Sequence[Sequence[Any]], weights: AgeWeights
) -> DayPosition | None:
    """`score_as_of`'s position on `weights.as_of`, the same to the last bit, from plain rows in Evidence's
    field order (the day as a date or ISO text): `before`, the counted statements at the month's start, and
    `latest`, each actor's latest statement of the month so far, both sorted by (said_on, statement_id).

    No Evidence is made: the matrix as of a day weighs every counted statement of 35 series.
    """
    spoke = {item[1] for item in latest}
    # The month's statements are all later than the month-start ones: together they are in order already.
    counted = [*(item for item in before if item[1] not in spoke), *latest] if spoke else list(before)
    if not counted:
        return None
    # As `position` works them out: each weight office x age, the sums in the same order.
    weighed = [item[4] * weights[item[2]] for item in counted]
    score = sum([weight * item[3] for weight, item in zip(weighed, counted, strict=True)]) / sum(weighed)
    # The heaviest, ties to the later statement: the last of the heaviest, as the rows are in order.
    heaviest = max(weighed)
    last = len(weighed) - 1 - weighed[::-1].index(heaviest)
    stances = [item[3] for item in counted if item[4] >= DIVIDED_MIN_OFFICE_WEIGHT]
    divided = len(stances) >= 2 and max(stances) - min(stances) >= DIVIDED_MIN_GAP
    return DayPosition(round(score, SCORE_DECIMALS), band_for(score), len(counted), divided, bool(counted[last][5]))


def add_statement(latest: CellScore | None, item: Evidence) -> CellScore:
    """The series' cell after one new statement dated in its latest month with statements, or later.

    Equal to folding every statement again (see the tests), at the cost of one month's counted
    statements instead of all of that month's statements. Earlier statements need a fold.
    """
    if latest is None:
        return extend_series(SeriesState(), None, 0, item)
    return extend_series(SeriesState.from_cell(latest), latest.month, latest.new, item)


def extend_series(state: SeriesState, latest_month: date | None, latest_new: int, item: Evidence) -> CellScore:
    """`add_statement` from where the series stood at the end of its latest month, and that month's
    count of new statements: a stored row gives these without scoring its month again."""
    month = month_start(item.said_on)
    if latest_month is not None and month < latest_month:
        raise ValueError(f"a statement of {item.said_on} is earlier than the series' latest month {latest_month}")
    state = _advance(state, [item])
    found = position(state.counted, month_end(month))
    assert found is not None and state.first_on is not None and state.last_on is not None
    new = latest_new + 1 if latest_month == month else 1
    return CellScore(month, found, new, state.total, state.first_on, state.last_on)


@dataclass(frozen=True, slots=True)
class StoredMonth:
    """A month with a stored cell, as a write that adds to the series reads it: no position computed."""

    month: date
    new: int
    state: SeriesState  # where the series stands at the month's end


def add_statements(before: SeriesState, later: Sequence[StoredMonth], items: Sequence[Evidence]) -> list[CellScore]:
    """The series' cells from the earliest new statement's month on, after many new statements at once.

    `items` are the new statements, sorted by (said_on, statement_id); `before` is where the series
    stood at the end of the latest stored month before the first one's (empty when there is none),
    and `later` the stored months from that month on, in order. Equal to folding every statement
    again from that month (see the tests), at the cost of those months' counted statements: a
    stored month keeps its own, joined by the new ones said by its end (the latest per actor of
    both); a month that only the new statements bring opens from
    the month before it, as a fold would. An import adds thousands of statements to a series this
    way without reading the statements already stored.
    """
    if not items:
        raise ValueError("no statements to add")
    first = month_start(items[0].said_on)
    if (later and later[0].month < first) or (before.last_on is not None and before.last_on >= first):
        raise ValueError(f"the months given don't start at or after {first} with the state before it")
    stored = {stored.month: stored for stored in later}
    by_month: dict[date, list[Evidence]] = {}
    for item in items:
        by_month.setdefault(month_start(item.said_on), []).append(item)
    newest: dict[int, Evidence] = {}  # the latest new statement of each actor so far
    added = 0
    first_on, last_on = items[0].said_on, items[0].said_on
    cells: list[CellScore] = []
    state = before
    for month in sorted(stored.keys() | by_month.keys()):
        fresh = by_month.get(month, [])
        for item in fresh:
            current = newest.get(item.actor_id)
            if current is None or item.order_key > current.order_key:
                newest[item.actor_id] = item
            first_on, last_on = min(first_on, item.said_on), max(last_on, item.said_on)
        added += len(fresh)
        kept = stored.get(month)
        if kept is None:
            state, cell = _close_month(state, month, fresh)
        else:
            own = kept.state
            assert own.first_on is not None and own.last_on is not None
            state = SeriesState(
                tuple(latest_per_actor([*own.counted, *newest.values()])),
                own.total + added,
                min(own.first_on, first_on),
                max(own.last_on, last_on),
            )
            found = position(state.counted, month_end(month))
            assert found is not None and state.first_on is not None and state.last_on is not None
            cell = CellScore(month, found, kept.new + len(fresh), state.total, state.first_on, state.last_on)
        cells.append(cell)
    return cells
