"""The matrix's headline: the members' camps in a month, and what moved since the month before."""

from __future__ import annotations

from datetime import date

from app.stances import grid
from app.stances.headline import headline

AUG, SEP = date(2024, 8, 1), date(2024, 9, 1)
COUNTRIES = [
    grid.CountryRef(1, "PL", "Poland", "member", True),
    grid.CountryRef(2, "DE", "Germany", "member", False),
    grid.CountryRef(3, "FR", "France", "member", False),
    grid.CountryRef(4, "HU", "Hungary", "member", True),
    grid.CountryRef(5, "AL", "Albania", "member", False),
    grid.CountryRef(6, "UA", "Ukraine", "partner", False),
]


def _row(country_id: int, month: date, score: float, band: str) -> grid.ScoreRow:
    return grid.ScoreRow(country_id, month, score, band, 1, 1, 1, False, False)


def _grid(rows: list[grid.ScoreRow], months: list[date] | None = None) -> grid.Grid:
    return grid.build(
        countries=COUNTRIES,
        rows=rows,
        carry_in=[],
        months=months or [AUG, SEP],
        topic="t",
        order="neighbours",
        query={},
    )


def test_members_are_counted_by_camp_in_the_last_month() -> None:
    found = headline(
        _grid(
            [
                _row(1, AUG, 0.7, "leans support"),
                _row(1, SEP, 1.6, "supports"),
                _row(2, AUG, -0.2, "mixed or neutral"),
                _row(3, SEP, -1.7, "opposes"),
                _row(6, SEP, 2.0, "supports"),  # Ukraine is no member: not counted
            ]
        )
    )
    assert (found.support, found.mixed, found.against, found.silent) == (1, 1, 1, 2)
    assert found.members == 5 and found.month == SEP and found.previous == AUG


def test_a_move_is_a_band_that_changed_including_a_first_statement() -> None:
    found = headline(
        _grid(
            [
                _row(1, AUG, 0.7, "leans support"),
                _row(1, SEP, 1.6, "supports"),
                _row(2, AUG, -0.2, "mixed or neutral"),  # carried into September unchanged: no move
                _row(4, SEP, -0.8, "leans against"),  # first statement
                _row(6, AUG, 1.0, "leans support"),
                _row(6, SEP, 0.9, "leans support"),  # a new score in the same band: no move
            ]
        )
    )
    moves = [(m.country.code, m.before, m.after) for m in found.moved]
    assert moves == [("PL", "leans support", "supports"), ("HU", None, "leans against")]
    assert found.moved[0].before_score == 0.7 and found.moved[0].after_score == 1.6


def test_a_one_month_window_has_nothing_to_compare() -> None:
    found = headline(_grid([_row(1, SEP, 1.6, "supports")], months=[SEP]))
    assert found.previous is None and found.moved == () and found.support == 1
