"""The stance matrix as rows of ready-to-print cells, built in Python so the template stays flat.

Pure: takes stored score rows and countries, returns strings. No database, no Jinja logic per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from app.stances import scoring
from app.web.params import with_query

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
    """Everything the template prints for one cell, already escaped."""

    css: Markup
    symbol: Markup
    count: Markup
    marks: Markup
    label: Markup
    href: Markup
    hx: Markup
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


def _cell(country: CountryRef, month: date, found: ScoreRow | None | tuple[ScoreRow], topic: str, query: Mapping[str, str]) -> Cell:
    month_text = f"{month:%b %Y}"
    history = with_query("/statements", {"country": country.code, "topic": topic, "to": scoring.month_end(month).isoformat()})
    if found is None:
        label = f"{country.name}, {month_text}: {NO_STATEMENT}."
        return Cell(Markup("cell cell--none"), Markup("\u00b7"), Markup(""), Markup(""), Markup(escape(label)),
                    Markup(escape(history)), Markup(""), None, None, month=month)
    carried = isinstance(found, tuple)
    row = found[0] if isinstance(found, tuple) else found
    band = scoring.Band(row.band)
    parts = [f"{country.name}, {month_text}: {band.value} (score {_signed(row.score)})"]
    parts.append(f"{row.counted} statement{'s' if row.counted != 1 else ''} counted")
    if row.divided:
        parts.append("officials divided")
    if row.conditional:
        parts.append("with a condition attached")
    if carried:
        parts.append(f"carried forward from {row.month:%b %Y}, no new statement this month")
    label = "; ".join(parts) + "."
    marks = (DIVIDED_MARK if row.divided else "") + (CONDITIONAL_MARK if row.conditional else "")
    css = f"cell band--{band.value.replace(' ', '-')}" + (" cell--carried" if carried else "")
    hx = with_query("/matrix/cell", {**query, "topic": topic, "country": country.code, "month": f"{month:%Y-%m}"})
    return Cell(
        css=Markup(css), symbol=Markup(escape(SYMBOLS[band])), count=Markup(str(row.counted)), marks=Markup(escape(marks)),
        label=Markup(escape(label)), href=Markup(escape(history)), hx=Markup(escape(hx)), score=row.score, band=band.value,
        counted=row.counted, divided=row.divided, conditional=row.conditional, carried=carried, month=month,
    )


def _signed(score: float) -> str:
    text = f"{abs(score):.2f}"
    return ("+" if score > 0.005 else MINUS if score < -0.005 else "") + text


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
    grid = Grid(months=list(months))
    for country in countries:
        line = lines.get(country.id) or [None] * len(months)
        cells = [_cell(country, month, found, topic, query) for month, found in zip(months, line, strict=True)]
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
