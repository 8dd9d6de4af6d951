"""The stance matrix as rows of ready-to-print cells, built in Python so the template stays flat.

Pure: takes stored score rows and countries, returns strings. No database, no Jinja logic per cell.

The markup it makes is ASCII: symbols and accented names go out as character references, which
browsers and screen readers read as the characters (why: docs/performance.md, "Light reads and ASCII pages").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape

from app.params import query_string
from app.stances.bands import BY_VALUE, NO_STATEMENT
from app.text import MINUS, MONTH_ABBR, ascii_html, month_key, month_text, signed
from app.topics.models import DEFAULT_TOPIC

DIVIDED_MARK = "\u2260"  # ≠
CONDITIONAL_MARK = "*"
# Ukraine's NATO neighbours come first, in this order; then the other members by name.
NEIGHBOUR_ORDER = ("PL", "SK", "HU", "RO")
ORDERS = ("neighbours", "stance")
RECENT_MONTHS = 6  # the months a narrow screen shows, as a strip after each country


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


MINUS_HTML = ascii_html(MINUS)


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


class Cell(NamedTuple):
    """One month of one country, as data (for the JSON twin; the page prints `GridRow.cells_html`)."""

    month: date
    score: float | None
    band: str | None
    counted: int = 0
    divided: bool = False
    conditional: bool = False
    carried: bool = False


Found = ScoreRow | Carried | None  # a month of a country's line: its own row, a carried row, or nothing yet


@dataclass(slots=True)
class GridRow:
    country: CountryRef
    line: list[Found]  # one per month of the grid
    months: Sequence[date]
    cells_html: Markup  # the <td>s after the leading empty months, rendered once (see _cells_html)
    name_html: Markup  # the country's name, escaped, in ASCII
    detail_id: str
    leading_empty: int = 0  # months before the first statement on record, drawn as one cell
    recent_html: Markup = Markup("")  # the <td>s of the last RECENT_MONTHS months, for narrow screens

    @property
    def silent(self) -> bool:
        """No statement on record in the window, nor carried into it."""
        return self.leading_empty == len(self.line)

    @property
    def latest(self) -> ScoreRow | None:
        """The row giving the position in the last month (its own or carried), if any."""
        found = self.line[-1]
        return found.row if isinstance(found, Carried) else found

    @property
    def cells(self) -> list[Cell]:
        cells = []
        for month, found in zip(self.months, self.line, strict=True):
            if found is None:
                cells.append(Cell(month, None, None))
                continue
            carried = type(found) is Carried
            row: ScoreRow = found.row if carried else found  # type: ignore[union-attr, assignment]
            cells.append(Cell(month, row.score, row.band, row.counted, row.divided, row.conditional, carried))
        return cells


@dataclass(slots=True)
class Grid:
    months: list[date]
    members: list[GridRow] = field(default_factory=list)
    others: list[GridRow] = field(default_factory=list)  # institutions (NATO's, the EU's) and Ukraine, shown apart


def month_header(month: date, first: bool) -> tuple[str, str]:
    """('Jul', '2024') when the year should show (January or the first column), else ('Jul', '')."""
    return MONTH_ABBR[month.month], (str(month.year) if first or month.month == 1 else "")


def needs_carry_in(countries: Iterable[CountryRef], rows: Iterable[ScoreRow], first_month: date) -> bool:
    """Whether a country has no row of its own in the window's first month, so an earlier row may carry in.

    Once statements are dense, every country has one and the read of earlier rows can be skipped.
    """
    opened = {row.country_id for row in rows if row.month == first_month}
    return any(country.id not in opened for country in countries)


def series_by_country(
    rows: Iterable[ScoreRow], carry_in: Iterable[ScoreRow], months: Sequence[date]
) -> dict[int, list[Found]]:
    """Per country, for each month: its own row, a carried row, or None (no statement yet)."""
    own: dict[int, dict[date, ScoreRow]] = {}
    for row in rows:
        own.setdefault(row.country_id, {})[row.month] = row
    previous = {row.country_id: row for row in carry_in}
    result: dict[int, list[Found]] = {}
    for country_id in set(own) | set(previous):
        last = previous.get(country_id)
        line: list[Found] = []
        months_of = own.get(country_id, {})
        for month in months:
            own_row = months_of.get(month)
            if own_row is not None:
                line.append(own_row)
                last = own_row
            else:
                line.append(Carried(last) if last is not None else None)
        result[country_id] = line
    return result


@dataclass(frozen=True, slots=True)
class _Month:
    """What every cell of a month column shares, formatted once per grid."""

    text: str  # 'Sep 2024'
    href_end: str  # after '/cell/PL/': '2024-09', the query, and the opening of the text alternative
    said: str  # between the country's name and what it said: ', Sep 2024: '


# A cell's classes (static/app.css): c, and the band's short class; k marks a carried-forward cell, n an empty one.
_BAND_CLASS = {value: f"c {look.short}" for value, look in BY_VALUE.items()}
_BAND_SYMBOL = {value: look.symbol_html for value, look in BY_VALUE.items()}
# After the count: its marks in the cell, and its notes in the text alternative, by (divided, conditional).
_MARKS = {
    (False, False): "",
    (True, False): " " + ascii_html(DIVIDED_MARK),
    (False, True): " " + CONDITIONAL_MARK,
    (True, True): " " + ascii_html(DIVIDED_MARK) + CONDITIONAL_MARK,
}
_NOTES = {
    (False, False): "",
    (True, False): "; officials divided",
    (False, True): "; condition attached",
    (True, True): "; officials divided; condition attached",
}


def _column(month: date, link_query: str) -> _Month:
    text, key = month_text(month), month_key(month)
    return _Month(text, f'{key}{link_query}" aria-label="', f", {text}: ")


class _Carried(NamedTuple):
    """What every month carrying one stored row shares, formatted once however many months carry it."""

    css: str  # its classes
    said: str  # the text alternative after "Country, Month: "
    inner: str  # the symbol and the small print


def _carried(row: ScoreRow) -> _Carried:
    counted, notes = row.counted, (row.divided, row.conditional)
    said = (
        f"{row.band}, {signed(row.score, 2, minus=MINUS_HTML)}; "
        f"{counted} statement{'' if counted == 1 else 's'}{_NOTES[notes]}; "
        f"carried forward from {month_text(row.month)}"
    )
    return _Carried(
        _BAND_CLASS[row.band] + " k", said, f"{_BAND_SYMBOL[row.band]}<small>{counted}{_MARKS[notes]}</small>"
    )


@lru_cache(maxsize=4096)
def _own_pieces(band: str, counted: int, divided: bool, conditional: bool) -> tuple[str, str]:
    """A cell with its own row: its opening tag, and everything after its score (the few combinations
    of band, count and notes are shared by most cells of every matrix, so each is formatted once)."""
    notes = (bool(divided), bool(conditional))
    return (
        f'<td class="{_BAND_CLASS[band]}">',
        f'; {counted} statement{"" if counted == 1 else "s"}{_NOTES[notes]}.">'
        f"{_BAND_SYMBOL[band]}<small>{counted}{_MARKS[notes]}</small></a></td>",
    )


@lru_cache(maxsize=16_384)
def _said_score(score: float) -> str:
    """A cell's score as its text alternative says it: most cells of every matrix are stored rows, whose
    scores recur from one request to the next (8,231 stored rows at 1M statements; at most about 3.6 MB kept)."""
    return signed(score, 2, minus=MINUS_HTML)


def _cells_html(
    country: CountryRef, name: str, line: Sequence[Found], months: Sequence[_Month], link_query: str
) -> list[str]:
    """One country's <td>s, one a month, each built by concatenating pieces escaped once (the matrix's hot loop).

    The markup is kept small (the matrix has up to 816 cells): short band classes, the text
    alternative in aria-label (static/app.css shows it as a tooltip), and a short link that
    answers with the history of that country and topic up to the month (`/cell/...`, which
    static/app.js opens in place instead when JavaScript runs). A row carried over several
    months is formatted once. `name` is the country's name as `ascii_html` writes it.
    """
    link_base = f'<a href="/cell/{country.code}/'
    parts = []
    carried_row: ScoreRow | None = None
    carried = _Carried("", "", "")
    for month, found in zip(months, line, strict=True):
        if found is None:
            parts.append(
                f'<td class="c n"><span role="img" aria-label="{name}, {month.text}: {NO_STATEMENT}."'
                f' title="{name}, {month.text}: {NO_STATEMENT}.">&#183;</span></td>'
            )
            continue
        if type(found) is Carried:
            if found.row is not carried_row:
                carried_row, carried = found.row, _carried(found.row)
            parts.append(
                f'<td class="{carried.css}">{link_base}{month.href_end}{name}{month.said}{carried.said}.">'
                f"{carried.inner}</a></td>"
            )
            continue
        # A month's own row (every cell, once statements are dense): formatted in one go, from pieces
        # made once per column and per combination of band, count and notes.
        band, score = found.band, found.score  # type: ignore[union-attr]
        pieces = _own_pieces(band, found.counted, found.divided, found.conditional)  # type: ignore[union-attr]
        said = _said_score(score)
        parts.append(f"{pieces[0]}{link_base}{month.href_end}{name}{month.said}{band}, {said}{pieces[1]}")
    return parts


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
    link_params = {"topic": None if topic == DEFAULT_TOPIC else topic, "as_of": query.get("as_of")}
    link_query = str(escape("?" + query_string(link_params))) if any(link_params.values()) else ""
    columns = [_column(month, link_query) for month in months]
    grid = Grid(months=list(months))
    for country in countries:
        line = lines.get(country.id) or [None] * len(months)
        leading = next((index for index, found in enumerate(line) if found is not None), len(line))
        name = ascii_html(country.name)
        # The narrow screen's recent months are the line's last cells: each is drawn once for both.
        start = max(0, min(leading, len(line) - RECENT_MONTHS))
        cells = _cells_html(country, name, line[start:], columns[start:], link_query)
        html = Markup("".join(cells[leading - start :]))
        recent = Markup("".join(cells[-RECENT_MONTHS:]))
        target = grid.members if country.kind == "member" else grid.others
        target.append(
            GridRow(country, line, grid.months, html, Markup(name), f"detail-{country.code}", leading, recent)
        )
    grid.members.sort(key=_order_key(order))
    grid.others.sort(key=lambda row: (row.country.code != "NATO", row.country.name))
    return grid


def _order_key(order: str):  # type: ignore[no-untyped-def]
    def by_neighbours(row: GridRow) -> tuple[int, str]:
        code = row.country.code
        return (NEIGHBOUR_ORDER.index(code) if code in NEIGHBOUR_ORDER else len(NEIGHBOUR_ORDER), row.country.name)

    def by_stance(row: GridRow) -> tuple[int, float, str]:
        latest = row.latest
        return (latest is None, -(latest.score if latest else 0.0), row.country.name)

    return by_stance if order == "stance" else by_neighbours
