"""The stance matrix as rows of ready-to-print cells, built in Python so the template stays flat.

Pure: takes stored score rows and countries, returns strings. No database, no Jinja logic per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from app.stances import scoring

MINUS = "\u2212"
SYMBOLS: Mapping[str, str] = {
    scoring.Band.SUPPORTS: "++",
    scoring.Band.LEANS_SUPPORT: "+",
    scoring.Band.MIXED: "\u00b1",
    scoring.Band.LEANS_AGAINST: MINUS,
    scoring.Band.OPPOSES: MINUS + MINUS,
}
NO_STATEMENT = "no statement on record"
DIVIDED_MARK = "\u2260"  # ≠
CONDITIONAL_MARK = "*"
# Ukraine's NATO neighbours come first, in this order; then the other members by name.
NEIGHBOUR_ORDER = ("PL", "SK", "HU", "RO")
ORDERS = ("neighbours", "stance")


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """The scalar columns of a stored score row (its evidence is not needed to draw a cell)."""

    country_id: int
    month: date
    score: float
    band: str
    counted: int
    new: int
    total: int
    divided: bool
    conditional: bool


@dataclass(frozen=True, slots=True)
class CountryRef:
    id: int
    code: str
    name: str
    kind: str
    borders_ukraine: bool


@dataclass(slots=True)
class Cell:
    """One month of one country: its data, and its <td> already rendered (escaped piece by piece)."""

    html: Markup
    label: str  # the text alternative, HTML-escaped
    score: float | None
    band: str | None
    counted: int = 0
    divided: bool = False
    conditional: bool = False
    carried: bool = False
    month: date | None = None


@dataclass(slots=True)
class GridRow:
    country: CountryRef
    cells: list[Cell]
    detail_id: str
    leading_empty: int = 0  # months before the first statement on record, drawn as one cell

    @property
    def latest(self) -> Cell:
        return self.cells[-1]

    @property
    def shown_cells(self) -> list[Cell]:
        return self.cells[self.leading_empty :]


@dataclass(slots=True)
class Grid:
    months: list[date]
    members: list[GridRow] = field(default_factory=list)
    others: list[GridRow] = field(default_factory=list)  # NATO's institutions and Ukraine, shown apart


def month_header(month: date, first: bool) -> tuple[str, str]:
    """('Jul', '2024') when the year should show (January or the first column), else ('Jul', '')."""
    return f"{month:%b}", (str(month.year) if first or month.month == 1 else "")


def series_by_country(rows: Iterable[ScoreRow], carry_in: Iterable[ScoreRow], months: Sequence[date]) -> dict[int, list[ScoreRow | None | tuple[ScoreRow]]]:
    """Per country, for each month: its own row, a carried row (1-tuple), or None (no statement yet)."""
    own: dict[int, dict[date, ScoreRow]] = {}
    for row in rows:
        own.setdefault(row.country_id, {})[row.month] = row
    previous = {row.country_id: row for row in carry_in}
    result: dict[int, list[ScoreRow | None | tuple[ScoreRow]]] = {}
    for country_id in set(own) | set(previous):
        last = previous.get(country_id)
        line: list[ScoreRow | None | tuple[ScoreRow]] = []
        months_of = own.get(country_id, {})
        for month in months:
            row = months_of.get(month)
            if row is not None:
                line.append(row)
                last = row
            else:
                line.append((last,) if last is not None else None)
        result[country_id] = line
    return result


@dataclass(frozen=True, slots=True)
class _Month:
    """What every cell of a month column shares, formatted once per grid."""

    month: date
    text: str  # 'Sep 2024'
    end: str  # '2024-09-30'


_BAND_CSS = {band: f"cell band--{band.value.replace(' ', '-')}" for band in scoring.Band}
_BAND_SYMBOL = {band: str(escape(SYMBOLS[band])) for band in scoring.Band}
_MARKS = {(False, False): "", (True, False): str(escape(DIVIDED_MARK)), (False, True): CONDITIONAL_MARK,
          (True, True): str(escape(DIVIDED_MARK)) + CONDITIONAL_MARK}


def _signed(score: float) -> str:
    text = f"{abs(score):.2f}"
    return ("+" if score > 0.005 else MINUS if score < -0.005 else "") + text


def _row_cells(country: CountryRef, line: Sequence[ScoreRow | None | tuple[ScoreRow]], months: Sequence[_Month],
               topic: str) -> list[Cell]:
    """One country's cells, each <td> built by concatenating pieces escaped once (the matrix's hot loop)."""
    name = str(escape(country.name))
    # Without JavaScript a cell links to the history it summarises; with it, static/app.js opens
    # the cell's statements in place (the month is read from the link's `to`).
    history_base = f'<a href="/statements?country={country.code}&amp;topic={topic}&amp;to='
    cells = []
    for month, found in zip(months, line, strict=True):
        if found is None:
            label = f"{name}, {month.text}: {NO_STATEMENT}."
            html = f'<td class="cell cell--none"><span role="img" title="{label}" aria-label="{label}">\u00b7</span></td>'
            cells.append(Cell(Markup(html), label, None, None, month=month.month))
            continue
        carried = isinstance(found, tuple)
        row = found[0] if isinstance(found, tuple) else found
        band = scoring.Band(row.band)
        label = f"{name}, {month.text}: {row.band} (score {_signed(row.score)}); {row.counted} statement{'' if row.counted == 1 else 's'} counted"
        if row.divided:
            label += "; officials divided"
        if row.conditional:
            label += "; with a condition attached"
        if carried:
            label += f"; carried forward from {row.month:%b %Y}, no new statement this month"
        label += "."
        marks = _MARKS[row.divided, row.conditional]
        html = (
            f'<td class="{_BAND_CSS[band]}{" cell--carried" if carried else ""}">{history_base}{month.end}'
            f'" title="{label}"><span class="cell__body" aria-hidden="true"><b>{_BAND_SYMBOL[band]}</b>'
            f'<small>{row.counted}{" " + marks if marks else ""}</small></span></a></td>'
        )
        cells.append(Cell(Markup(html), label, row.score, row.band, row.counted, row.divided, row.conditional, carried, month.month))
    return cells


def build(
    *,
    countries: Sequence[CountryRef],
    rows: Iterable[ScoreRow],
    carry_in: Iterable[ScoreRow],
    months: Sequence[date],
    topic: str,
    order: str,
    query: Mapping[str, str],
) -> Grid:
    """The whole grid: member states (neighbours first, or by stance), then NATO and Ukraine apart."""
    lines = series_by_country(rows, carry_in, months)
    columns = [_Month(m, f"{m:%b %Y}", scoring.month_end(m).isoformat()) for m in months]
    grid = Grid(months=list(months))
    for country in countries:
        line = lines.get(country.id) or [None] * len(months)
        cells = _row_cells(country, line, columns, topic)
        leading = next((index for index, found in enumerate(line) if found is not None), len(line))
        target = grid.members if country.kind == "member" else grid.others
        target.append(GridRow(country, cells, f"detail-{country.code}", leading))
    grid.members.sort(key=_order_key(order))
    grid.others.sort(key=lambda row: (row.country.code != "NATO", row.country.name))
    return grid


def _order_key(order: str):  # type: ignore[no-untyped-def]
    def by_neighbours(row: GridRow) -> tuple[int, str]:
        code = row.country.code
        return (NEIGHBOUR_ORDER.index(code) if code in NEIGHBOUR_ORDER else len(NEIGHBOUR_ORDER), row.country.name)

    def by_stance(row: GridRow) -> tuple[int, float, str]:
        score = row.latest.score
        return (score is None, -(score or 0.0), row.country.name)

    return by_stance if order == "stance" else by_neighbours
