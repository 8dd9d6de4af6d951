"""The stance matrix as rows of ready-to-print cells, built in Python so the template stays flat.

Pure: takes stored score rows and countries, returns strings. No database, no Jinja logic per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from markupsafe import Markup, escape

from app.stances import scoring
from app.topics.models import DEFAULT_TOPIC
from app.web.params import query_string

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


class ScoreRow(NamedTuple):
    """The scalar columns of a stored score row (its evidence is not needed to draw a cell).

    A named tuple: the matrix builds hundreds per request, and tuples are the cheapest to make.
    """

    country_id: int
    month: date
    score: float
    band: str
    counted: int
    new: int
    total: int
    divided: bool
    conditional: bool


class Carried(NamedTuple):
    """A month with no new statement: the position of an earlier month's row, carried forward."""

    row: ScoreRow


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

    @property
    def cells_html(self) -> Markup:
        """The row's cells after its leading empty months, as one string for the template to print."""
        return Markup("".join(cell.html for cell in self.cells[self.leading_empty :]))


@dataclass(slots=True)
class Grid:
    months: list[date]
    members: list[GridRow] = field(default_factory=list)
    others: list[GridRow] = field(default_factory=list)  # NATO's institutions and Ukraine, shown apart


def month_header(month: date, first: bool) -> tuple[str, str]:
    """('Jul', '2024') when the year should show (January or the first column), else ('Jul', '')."""
    return f"{month:%b}", (str(month.year) if first or month.month == 1 else "")


def series_by_country(rows: Iterable[ScoreRow], carry_in: Iterable[ScoreRow], months: Sequence[date]) -> dict[int, list[ScoreRow | Carried | None]]:
    """Per country, for each month: its own row, a carried row, or None (no statement yet)."""
    own: dict[int, dict[date, ScoreRow]] = {}
    for row in rows:
        own.setdefault(row.country_id, {})[row.month] = row
    previous = {row.country_id: row for row in carry_in}
    result: dict[int, list[ScoreRow | Carried | None]] = {}
    for country_id in set(own) | set(previous):
        last = previous.get(country_id)
        line: list[ScoreRow | Carried | None] = []
        months_of = own.get(country_id, {})
        for month in months:
            row = months_of.get(month)
            if row is not None:
                line.append(row)
                last = row
            else:
                line.append(Carried(last) if last is not None else None)
        result[country_id] = line
    return result


@dataclass(frozen=True, slots=True)
class _Month:
    """What every cell of a month column shares, formatted once per grid."""

    month: date
    text: str  # 'Sep 2024'
    key: str  # '2024-09'


# Keyed by the band's text as stored: converting each row's band to the enum costs more than the cell.
# Short classes (see static/app.css): s supports, ls leans support, m mixed, la leans against, o opposes;
# k marks a carried-forward cell and n an empty one.
_BAND_CLASS = {
    scoring.Band.SUPPORTS.value: "c s", scoring.Band.LEANS_SUPPORT.value: "c ls", scoring.Band.MIXED.value: "c m",
    scoring.Band.LEANS_AGAINST.value: "c la", scoring.Band.OPPOSES.value: "c o",
}
_BAND_SYMBOL = {band.value: str(escape(SYMBOLS[band])) for band in scoring.Band}
_MARKS = {(False, False): "", (True, False): str(escape(DIVIDED_MARK)), (False, True): CONDITIONAL_MARK,
          (True, True): str(escape(DIVIDED_MARK)) + CONDITIONAL_MARK}


def _signed(score: float) -> str:
    text = f"{abs(score):.2f}"
    return ("+" if score > 0.005 else MINUS if score < -0.005 else "") + text


def _row_cells(country: CountryRef, line: Sequence[ScoreRow | Carried | None], months: Sequence[_Month],
               link_query: str) -> list[Cell]:
    """One country's cells, each <td> built by concatenating pieces escaped once (the matrix's hot loop).

    The markup is kept small (the matrix has up to 816 cells): short band classes, the text
    alternative in aria-label (static/app.css shows it as a tooltip), and a short link that
    answers with the history of that country and topic up to the month (`/cell/...`, which
    static/app.js opens in place instead when JavaScript runs).
    """
    name = str(escape(country.name))
    link_base = f'<a href="/cell/{country.code}/'
    cells = []
    for month, found in zip(months, line, strict=True):
        if found is None:
            label = f"{name}, {month.text}: {NO_STATEMENT}."
            html = f'<td class="c n"><span role="img" aria-label="{label}">\u00b7</span></td>'
            cells.append(Cell(Markup(html), label, None, None, month=month.month))
            continue
        carried = isinstance(found, Carried)
        row = found.row if carried else found  # type: ignore[union-attr]
        label = f"{name}, {month.text}: {row.band}, {_signed(row.score)}; {row.counted} statement{'' if row.counted == 1 else 's'}"
        if row.divided:
            label += "; officials divided"
        if row.conditional:
            label += "; condition attached"
        if carried:
            label += f"; carried forward from {row.month:%b %Y}"
        label += "."
        marks = _MARKS[row.divided, row.conditional]
        html = (
            f'<td class="{_BAND_CLASS[row.band]}{" k" if carried else ""}">{link_base}{month.key}{link_query}'
            f'" aria-label="{label}">{_BAND_SYMBOL[row.band]}<small>{row.counted}{" " + marks if marks else ""}</small></a></td>'
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
    columns = [_Month(m, f"{m:%b %Y}", f"{m:%Y-%m}") for m in months]
    link_params = {"topic": None if topic == DEFAULT_TOPIC else topic, "as_of": query.get("as_of")}
    link_query = str(escape("?" + query_string(link_params))) if any(link_params.values()) else ""
    grid = Grid(months=list(months))
    for country in countries:
        line = lines.get(country.id) or [None] * len(months)
        cells = _row_cells(country, line, columns, link_query)
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
