"""The matrix's answer at a glance: how many members stand where in a month, and whose position moved since the
month before. Pure: reads a built grid, says nothing about how it was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.stances.grid import Carried, CountryRef, Found, Grid, GridRow
from app.stances.scoring import Band

# The three camps a reader asks about, by the bands they gather.
SUPPORT = frozenset({Band.SUPPORTS.value, Band.LEANS_SUPPORT.value})
MIXED = frozenset({Band.MIXED.value})
AGAINST = frozenset({Band.LEANS_AGAINST.value, Band.OPPOSES.value})


@dataclass(frozen=True, slots=True)
class Moved:
    """A country whose band in the month differs from the month before (None: no statement on record yet)."""

    country: CountryRef
    before: str | None
    after: str | None
    before_score: float | None
    after_score: float | None


@dataclass(frozen=True, slots=True)
class Headline:
    """The members' camps in `month`, and what moved since `previous` (None when the window has one month)."""

    month: date
    previous: date | None
    support: int
    mixed: int
    against: int
    silent: int
    moved: tuple[Moved, ...]

    @property
    def members(self) -> int:
        return self.support + self.mixed + self.against + self.silent


def _position(found: Found) -> tuple[str | None, float | None]:
    if found is None:
        return None, None
    row = found.row if isinstance(found, Carried) else found
    return row.band, row.score


def _moves(rows: Sequence[GridRow]) -> list[Moved]:
    moved = []
    for row in rows:
        (before, before_score), (after, after_score) = _position(row.line[-2]), _position(row.line[-1])
        if before != after:
            moved.append(Moved(row.country, before, after, before_score, after_score))
    return moved


def headline(built: Grid) -> Headline:
    """The camps of the member states in the grid's last month, and every row whose band moved into it."""
    bands = [_position(row.line[-1])[0] for row in built.members]
    previous = built.months[-2] if len(built.months) > 1 else None
    moved = _moves(built.members) + _moves(built.others) if previous is not None else []
    return Headline(
        month=built.months[-1],
        previous=previous,
        support=sum(band in SUPPORT for band in bands),
        mixed=sum(band in MIXED for band in bands),
        against=sum(band in AGAINST for band in bands),
        silent=sum(band is None for band in bands),
        moved=tuple(moved),
    )
