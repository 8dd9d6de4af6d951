"""The matrix grid, built without a database."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup

from app.stances import grid

MONTHS = [date(2024, 6, 1), date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)]
COUNTRIES = [
    grid.CountryRef(1, "DE", "Germany", "member", False),
    grid.CountryRef(2, "PL", "Poland", "member", True),
    grid.CountryRef(3, "AL", "Albania", "member", False),
    grid.CountryRef(4, "UA", "Ukraine", "partner", False),
]


def _labels(row: grid.GridRow) -> list[str]:
    """What a screen reader announces for each drawn cell (the text alternative), as a browser reads it."""
    cells = BeautifulSoup(str(row.cells_html), "html.parser").find_all("td")
    return [cell.find(attrs={"aria-label": True})["aria-label"] for cell in cells]


def _row(country_id: int, month: date, score: float, band: str, counted: int = 1) -> grid.ScoreRow:
    return grid.ScoreRow(country_id, month, score, band, counted, counted, counted, False, False)


def test_cells_carry_forward_and_stay_empty_before_the_first_statement() -> None:
    built = grid.build(
        countries=COUNTRIES,
        rows=[_row(2, date(2024, 7, 1), 0.7, "leans support")],
        carry_in=[],
        months=MONTHS,
        topic="t",
        order="neighbours",
        query={},
    )
    poland = built.members[0]
    assert poland.country.code == "PL" and poland.leading_empty == 1
    assert [c.band for c in poland.cells] == [None, "leans support", "leans support", "leans support"]
    assert [c.carried for c in poland.cells] == [False, False, True, True]
    # The first month is drawn by the template as the leading empty cell; the others carry labels.
    assert _labels(poland) == [
        "Poland, Jul 2024: leans support, +0.70; 1 statement.",
        "Poland, Aug 2024: leans support, +0.70; 1 statement; carried forward from Jul 2024.",
        "Poland, Sep 2024: leans support, +0.70; 1 statement; carried forward from Jul 2024.",
    ]


def test_earlier_rows_are_needed_only_while_a_country_has_no_row_in_the_first_month() -> None:
    first = MONTHS[0]
    every_country = [_row(country.id, first, 0.0, "mixed or neutral") for country in COUNTRIES]
    assert not grid.needs_carry_in(COUNTRIES, every_country, first)
    assert grid.needs_carry_in(COUNTRIES, every_country[1:], first)
    # A row in a later month doesn't say where the country stood in the first.
    later = [*every_country[1:], _row(COUNTRIES[0].id, MONTHS[1], 1.0, "leans support")]
    assert grid.needs_carry_in(COUNTRIES, later, first)


def test_a_position_from_before_the_window_is_carried_in() -> None:
    built = grid.build(
        countries=COUNTRIES,
        rows=[],
        carry_in=[_row(1, date(2023, 1, 1), -1.7, "opposes")],
        months=MONTHS,
        topic="t",
        order="neighbours",
        query={},
    )
    germany = next(row for row in built.members if row.country.code == "DE")
    assert germany.leading_empty == 0 and all(c.band == "opposes" and c.carried for c in germany.cells)


def test_orders() -> None:
    rows = [_row(1, date(2024, 9, 1), -1.0, "leans against"), _row(3, date(2024, 9, 1), 1.8, "supports")]
    by_stance = grid.build(
        countries=COUNTRIES, rows=rows, carry_in=[], months=MONTHS, topic="t", order="stance", query={}
    )
    assert [r.country.code for r in by_stance.members] == ["AL", "DE", "PL"]
    neighbours = grid.build(
        countries=COUNTRIES, rows=rows, carry_in=[], months=MONTHS, topic="t", order="neighbours", query={}
    )
    assert [r.country.code for r in neighbours.members] == ["PL", "AL", "DE"]
    assert [r.country.code for r in neighbours.others] == ["UA"]


def test_cell_text_escapes_names() -> None:
    evil = [grid.CountryRef(9, "XX", "<b>Evil</b>", "member", False)]
    built = grid.build(
        countries=evil,
        rows=[_row(9, date(2024, 9, 1), 0.0, "mixed or neutral")],
        carry_in=[],
        months=MONTHS,
        topic="t",
        order="neighbours",
        query={},
    )
    html = str(built.members[0].cells_html)
    assert "<b>" not in html and "&lt;b&gt;Evil" in html
    assert _labels(built.members[0]) == ["<b>Evil</b>, Sep 2024: mixed or neutral, 0.00; 1 statement."]


def test_cells_are_ascii_and_read_as_their_symbols_and_accented_names() -> None:
    """Python encodes an ASCII page in one copy and any other character by character, so the grid writes
    the minus, the plus-minus, the divided mark, the empty-cell dot and accented letters as references."""
    turkiye = [grid.CountryRef(7, "TR", "Türkiye", "member", False)]
    rows = [
        grid.ScoreRow(7, date(2024, 7, 1), -1.6, "opposes", 4, 4, 4, True, True),
        grid.ScoreRow(7, date(2024, 8, 1), -0.2, "mixed or neutral", 5, 1, 5, True, False),
    ]
    built = grid.build(
        countries=turkiye, rows=rows, carry_in=[], months=MONTHS, topic="t", order="neighbours", query={}
    )
    row = built.members[0]
    assert str(row.cells_html).isascii() and str(row.name_html).isascii()
    assert BeautifulSoup(str(row.name_html), "html.parser").get_text() == "Türkiye"
    assert _labels(row) == [
        "Türkiye, Jul 2024: opposes, \u22121.60; 4 statements; officials divided; condition attached.",
        "Türkiye, Aug 2024: mixed or neutral, \u22120.20; 5 statements; officials divided.",
        "Türkiye, Sep 2024: mixed or neutral, \u22120.20; 5 statements; officials divided; "
        "carried forward from Aug 2024.",
    ]
    shown = [cell.get_text() for cell in BeautifulSoup(str(row.cells_html), "html.parser").find_all("td")]
    assert shown == ["\u2212\u22124 \u2260*", "\u00b15 \u2260", "\u00b15 \u2260"]
    empty = grid.build(countries=turkiye, rows=[], carry_in=[], months=MONTHS, topic="t", order="neighbours", query={})
    assert empty.members[0].leading_empty == len(MONTHS)  # drawn by the template as one cell


def test_month_headers_name_the_year_in_the_first_column_and_in_january() -> None:
    assert grid.month_header(date(2024, 12, 1), True) == ("Dec", "2024")
    assert grid.month_header(date(2025, 1, 1), False) == ("Jan", "2025")
    assert grid.month_header(date(2025, 2, 1), False) == ("Feb", "")


def test_each_row_has_a_strip_of_its_recent_months() -> None:
    months = [date(2024, m, 1) for m in range(1, 10)]
    built = grid.build(
        countries=COUNTRIES,
        rows=[_row(2, date(2024, 2, 1), 1.6, "supports"), _row(2, date(2024, 8, 1), 0.7, "leans support")],
        carry_in=[],
        months=months,
        topic="t",
        order="neighbours",
        query={},
    )
    poland, germany = built.members[0], built.members[1]
    labels = [
        cell.find(attrs={"aria-label": True})["aria-label"]
        for cell in BeautifulSoup(str(poland.recent_html), "html.parser").find_all("td")
    ]
    assert len(labels) == grid.RECENT_MONTHS
    assert labels[0].startswith("Poland, Apr 2024: supports") and "carried forward from Feb 2024" in labels[0]
    assert labels[-1].startswith("Poland, Sep 2024: leans support")
    assert not poland.silent and germany.silent
