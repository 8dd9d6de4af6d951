"""The aggregation rule, with exact numbers. Pure: no database."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date

import pytest

from app.stances import scoring
from app.stances.scoring import Band, Evidence, MonthSoFar, SeriesState, StoredMonth

CELL = date(2024, 9, 30)


def ev(
    statement_id: int, actor_id: int, said_on: date, stance: int, weight: int = 1, conditional: bool = False
) -> Evidence:
    return Evidence(statement_id, actor_id, said_on, stance, weight, conditional)


def test_office_weights_follow_the_table() -> None:
    assert scoring.office_weight("head") == 3
    assert scoring.office_weight("minister") == 2
    assert scoring.office_weight("other") == 1


def test_age_weight_halves_every_180_days() -> None:
    assert scoring.age_weight(CELL, CELL) == 1.0
    assert scoring.age_weight(date(2024, 4, 3), CELL) == pytest.approx(0.5)  # 180 days earlier
    assert scoring.age_weight(date(2023, 10, 6), CELL) == pytest.approx(0.25)  # 360 days earlier


def test_a_statement_cannot_count_before_it_was_made() -> None:
    with pytest.raises(ValueError):
        scoring.age_weight(date(2024, 10, 1), CELL)


def test_later_statement_supersedes_earlier_by_the_same_actor() -> None:
    counted = scoring.latest_per_actor(
        [ev(1, 7, date(2024, 7, 1), -2), ev(2, 7, date(2024, 8, 1), 2), ev(3, 8, date(2024, 7, 5), 0)]
    )
    assert [item.statement_id for item in counted] == [3, 2]
    position = scoring.position(counted, CELL)
    assert position is not None and position.score > 0


def test_same_day_statements_are_ordered_by_id() -> None:
    counted = scoring.latest_per_actor([ev(5, 1, date(2024, 7, 1), 2), ev(4, 1, date(2024, 7, 1), -2)])
    assert [item.statement_id for item in counted] == [5]


def test_score_is_the_office_and_age_weighted_mean() -> None:
    # A head of government at +1 (84 days old) against a minister at -1 (28 days old).
    head = ev(1, 1, date(2024, 7, 8), 1, weight=3)
    minister = ev(2, 2, date(2024, 9, 2), -1, weight=2)
    w_head = 3 * 0.5 ** (84 / 180)
    w_minister = 2 * 0.5 ** (28 / 180)
    expected = (w_head * 1 + w_minister * -1) / (w_head + w_minister)
    position = scoring.position([head, minister], CELL)
    assert position is not None
    assert position.score == pytest.approx(expected, abs=1e-9)
    assert round(position.score, 4) == 0.0946  # (2.1708 - 1.7953) / 3.9661
    assert position.band == Band.MIXED


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (2.0, Band.SUPPORTS),
        (1.5, Band.SUPPORTS),
        (1.4999, Band.LEANS_SUPPORT),
        (0.5, Band.LEANS_SUPPORT),
        (0.4999, Band.MIXED),
        (0.0, Band.MIXED),
        (-0.4999, Band.MIXED),
        (-0.5, Band.LEANS_AGAINST),
        (-1.4999, Band.LEANS_AGAINST),
        (-1.5, Band.OPPOSES),
        (-2.0, Band.OPPOSES),
    ],
)
def test_each_band_edge(score: float, band: Band) -> None:
    assert scoring.band_for(score) == band


def test_an_edge_computed_with_float_error_still_lands_on_the_edge() -> None:
    assert scoring.band_for(1.4999999999999998) == Band.SUPPORTS
    assert scoring.band_for(-0.49999999999999994) == Band.LEANS_AGAINST


def test_equal_weights_at_one_and_two_score_exactly_one_and_a_half() -> None:
    position = scoring.position([ev(1, 1, CELL, 1, 2), ev(2, 2, CELL, 2, 2)], CELL)
    assert position is not None and position.score == 1.5 and position.band == Band.SUPPORTS


def test_divided_needs_two_heavyweights_two_points_apart() -> None:
    assert scoring.is_divided([ev(1, 1, CELL, 2, 2), ev(2, 2, CELL, 0, 2)])
    assert not scoring.is_divided([ev(1, 1, CELL, 2, 2), ev(2, 2, CELL, 1, 3)])  # one point apart
    assert not scoring.is_divided([ev(1, 1, CELL, 2, 2), ev(2, 2, CELL, -2, 1)])  # the other weighs 1
    assert not scoring.is_divided([ev(1, 1, CELL, 2, 3)])


def test_conditional_follows_the_heaviest_counted_statement() -> None:
    heavy_with_condition = ev(1, 1, date(2024, 7, 8), 1, 3, conditional=True)
    light = ev(2, 2, date(2024, 9, 2), 2, 2)
    position = scoring.position([heavy_with_condition, light], CELL)
    assert position is not None and position.conditional and position.heaviest.statement_id == 1
    # Who is heaviest depends on how far apart the statements are, never on the cell's date:
    # a head of government's word 244 days older than a minister's weighs 3 * 0.5**(244/180) = 1.17 < 2.
    old_head = ev(3, 1, date(2024, 1, 2), 1, 3, conditional=True)
    position = scoring.position([old_head, light], CELL)
    assert position is not None and position.heaviest.statement_id == 2 and not position.conditional
    later = scoring.position([old_head, light], date(2026, 9, 30))
    assert later is not None and later.heaviest.statement_id == 2


def test_no_statement_on_record_is_none_not_neutral() -> None:
    assert scoring.position([], CELL) is None
    neutral = scoring.position([ev(1, 1, CELL, 0)], CELL)
    assert neutral is not None and neutral.band == Band.MIXED and neutral.score == 0.0


def test_fold_months_yields_only_months_with_statements() -> None:
    statements = [
        ev(1, 1, date(2024, 7, 8), 1, 3, True),
        ev(2, 2, date(2024, 7, 10), 0, 2, True),
        ev(3, 3, date(2024, 7, 13), 1, 2),
        ev(4, 3, date(2024, 9, 2), 2, 2),
        ev(5, 2, date(2024, 9, 2), 0, 2, True),
    ]
    cells = list(scoring.fold_months(SeriesState(), statements))
    assert [cell.month for cell in cells] == [date(2024, 7, 1), date(2024, 9, 1)]
    july, september = cells
    assert (july.new, july.total, len(july.position.counted)) == (3, 3, 3)
    assert round(july.score, 3) == 0.714 and july.band == Band.LEANS_SUPPORT
    assert july.position.conditional and not july.position.divided
    assert (september.new, september.total) == (2, 5)
    assert round(september.score, 3) == 1.0 and september.position.divided
    assert september.first_on == date(2024, 7, 8) and september.last_on == date(2024, 9, 2)


def test_folding_in_two_steps_equals_folding_at_once() -> None:
    statements = [ev(i, i % 3, date(2024, 1 + i % 9, 1 + i), (i % 5) - 2, 1 + i % 3, i % 2 == 0) for i in range(1, 20)]
    statements.sort(key=lambda item: item.order_key)
    whole = list(scoring.fold_months(SeriesState(), statements))
    cut = date(2024, 5, 1)
    first = list(scoring.fold_months(SeriesState(), [s for s in statements if s.said_on < cut]))
    rest = list(scoring.fold_months(SeriesState.from_cell(first[-1]), [s for s in statements if s.said_on >= cut]))
    assert first + rest == whole


def test_carried_forward_keeps_the_score_and_marks_the_cell() -> None:
    (cell,) = scoring.fold_months(SeriesState(), [ev(1, 1, date(2024, 7, 8), 1, 3), ev(2, 2, date(2024, 7, 20), -1, 2)])
    carried = scoring.carry_forward(cell, date(2025, 3, 1))
    assert carried.carried and carried.new == 0 and carried.month == date(2025, 3, 1)
    assert carried.score == cell.score and carried.band == cell.band and carried.total == cell.total
    # The rule's own position at the later date agrees: the common age factor cancels out.
    later = scoring.position(cell.position.counted, scoring.month_end(date(2025, 3, 1)))
    assert later is not None and later.score == pytest.approx(cell.score, abs=1e-9)


def test_score_as_of_counts_only_statements_up_to_that_day() -> None:
    state = SeriesState()
    month = [ev(1, 1, date(2024, 7, 8), 2, 3), ev(2, 2, date(2024, 7, 20), -2, 3)]
    early = scoring.score_as_of(state, MonthSoFar.of(month, date(2024, 7, 10)), date(2024, 7, 10))
    assert early is not None and early.score == 2.0 and early.new == 1
    assert scoring.score_as_of(state, MonthSoFar.of(month, date(2024, 7, 1)), date(2024, 7, 1)) is None
    late = scoring.score_as_of(state, MonthSoFar.of(month, date(2024, 7, 31)), date(2024, 7, 31))
    assert late is not None and late.new == 2 and late.band == Band.MIXED


def _random_series(picker: random.Random, ids: Iterable[int], *, actors: int, years: tuple[int, ...]) -> list[Evidence]:
    """Statements with these ids by up to `actors` actors, from January to July of `years`, in fold order."""
    return sorted(
        (
            ev(
                i,
                picker.randint(1, actors),
                date(picker.choice(years), picker.randint(1, 7), picker.randint(1, 28)),
                picker.randint(-2, 2),
                picker.choice([1, 2, 3]),
                picker.random() < 0.3,
            )
            for i in ids
        ),
        key=lambda item: item.order_key,
    )


def _july(statements: list[Evidence]) -> tuple[SeriesState, list[Evidence]]:
    """Where the series stood at the start of July 2024, folded month by month, and July's statements."""
    cells = list(scoring.fold_months(SeriesState(), [s for s in statements if s.said_on < date(2024, 7, 1)]))
    return SeriesState.from_cell(cells[-1] if cells else None), [s for s in statements if s.said_on >= date(2024, 7, 1)]


@pytest.mark.parametrize("seed", range(20))
def test_score_as_of_equals_folding_every_statement_up_to_the_day(seed: int) -> None:
    picker = random.Random(seed)
    state, july = _july(_random_series(picker, range(1, picker.randint(2, 90)), actors=8, years=(2024,)))
    for day in range(1, 32):
        as_of = date(2024, 7, day)
        said = [s for s in july if s.said_on <= as_of]
        # Folding every statement up to the day, as a month of its own, gives the counted statements and totals.
        folded = list(scoring.fold_months(state, said))
        found = scoring.score_as_of(state, MonthSoFar.of(july, as_of), as_of)
        if not said:
            expected = scoring.position(state.counted, as_of)
            assert (found.position if found else None) == expected
            assert found is None or (found.new == 0 and found.carried and found.total == state.total)
            continue
        assert found is not None and not found.carried
        want = scoring.position(folded[-1].position.counted, as_of)
        assert found.position == want
        assert (found.new, found.total, found.first_on, found.last_on) == (
            folded[-1].new,
            folded[-1].total,
            folded[-1].first_on,
            folded[-1].last_on,
        )


def test_months_between_spans_year_ends() -> None:
    assert scoring.months_between(date(2023, 11, 15), date(2024, 2, 1)) == [
        date(2023, 11, 1),
        date(2023, 12, 1),
        date(2024, 1, 1),
        date(2024, 2, 1),
    ]
    assert scoring.month_end(date(2024, 2, 1)) == date(2024, 2, 29)


def test_adding_statements_one_by_one_equals_folding_them_all() -> None:
    picker = random.Random(7)
    statements = sorted(
        (
            ev(
                i,
                picker.randint(1, 6),
                date(2024, picker.randint(1, 12), picker.randint(1, 28)),
                picker.randint(-2, 2),
                picker.choice([1, 2, 3]),
                picker.random() < 0.3,
            )
            for i in range(1, 80)
        ),
        key=lambda item: item.order_key,
    )
    folded = {cell.month: cell for cell in scoring.fold_months(SeriesState(), statements)}
    latest = None
    checked = 0
    for index, item in enumerate(statements):
        latest = scoring.add_statement(latest, item)
        last_of_month = index + 1 == len(statements) or statements[index + 1].said_on.month != item.said_on.month
        if last_of_month:  # once a month's statements are all in, the cell is the folded one exactly
            assert latest == folded[latest.month]
            checked += 1
    assert checked == len(folded) == 12
    with pytest.raises(ValueError):
        scoring.add_statement(latest, ev(999, 1, date(2023, 1, 1), 1))


def test_adding_an_earlier_statement_equals_folding_them_all_again() -> None:
    """Statements added one at a time in a shuffled order, as saves add them (an earlier one as a batch of
    one, from the stored months), give the cells of one fold."""
    picker = random.Random(11)
    for round_ in range(40):
        statements = [
            ev(
                i,
                picker.randint(1, 5),
                date(picker.choice([2023, 2024]), picker.randint(1, 12), picker.randint(1, 28)),
                picker.randint(-2, 2),
                picker.choice([1, 2, 3]),
                picker.random() < 0.3,
            )
            for i in range(1, picker.randint(2, 40))
        ]
        picker.shuffle(statements)
        cells: list[scoring.CellScore] = []
        earlier = 0
        for count, item in enumerate(statements, start=1):
            month = scoring.month_start(item.said_on)
            if cells and month < cells[-1].month:
                before = [cell for cell in cells if cell.month < month]
                at_or_after = [cell for cell in cells if cell.month >= month]
                stored_months = [StoredMonth(cell.month, cell.new, SeriesState.from_cell(cell)) for cell in at_or_after]
                state = SeriesState.from_cell(before[-1] if before else None)
                cells = before + scoring.add_statements(state, stored_months, [item])
                earlier += 1
            else:
                cells = [cell for cell in cells if cell.month < month] + [
                    scoring.add_statement(cells[-1] if cells else None, item)
                ]
            so_far = sorted(statements[:count], key=lambda evidence: evidence.order_key)
            assert cells == list(scoring.fold_months(SeriesState(), so_far)), (round_, count)
        assert earlier > 0 or len(statements) < 3


def test_adding_many_statements_at_once_equals_folding_them_all_again() -> None:
    """Stored cells of some statements, then the rest added in one go, give the cells of one fold of all."""
    picker = random.Random(13)
    checked = 0
    for round_ in range(300):
        statements = [
            ev(
                i,
                picker.randint(1, 6),
                date(picker.choice([2023, 2024]), picker.randint(1, 12), picker.randint(1, 28)),
                picker.randint(-2, 2),
                picker.choice([1, 2, 3]),
                picker.random() < 0.3,
            )
            for i in range(1, picker.randint(2, 60))
        ]
        share = picker.choice([0.0, 0.3, 0.7, 0.95])
        stored = sorted((item for item in statements if picker.random() < share), key=lambda item: item.order_key)
        new = sorted((item for item in statements if item not in stored), key=lambda item: item.order_key)
        if not new:
            continue
        cells = list(scoring.fold_months(SeriesState(), stored))
        month = scoring.month_start(new[0].said_on)
        before = [cell for cell in cells if cell.month < month]
        at_or_after = [cell for cell in cells if cell.month >= month]
        stored_months = [StoredMonth(cell.month, cell.new, SeriesState.from_cell(cell)) for cell in at_or_after]
        added = scoring.add_statements(SeriesState.from_cell(before[-1] if before else None), stored_months, new)
        everything = sorted(statements, key=lambda item: item.order_key)
        assert before + added == list(scoring.fold_months(SeriesState(), everything)), round_
        checked += 1
    assert checked > 250


def test_many_statements_need_the_months_around_their_first_month() -> None:
    cell = scoring.add_statement(None, ev(1, 1, date(2024, 5, 10), 1))
    state, stored = SeriesState.from_cell(cell), [StoredMonth(cell.month, cell.new, SeriesState.from_cell(cell))]
    with pytest.raises(ValueError):
        scoring.add_statements(SeriesState(), stored, [])  # nothing to add
    with pytest.raises(ValueError):
        scoring.add_statements(state, stored, [ev(2, 2, date(2024, 5, 1), 1)])  # "before" is not before
    with pytest.raises(ValueError):
        scoring.add_statements(SeriesState(), stored, [ev(2, 2, date(2024, 6, 1), 1)])  # later than the months


def _as_rows(items: list[Evidence], *, text: bool) -> list[tuple[object, ...]]:
    """Evidence as plain rows, the day as ISO text (a stored row's JSON, SQLite) or a date (PostgreSQL)."""
    return [
        (*item[:2], item.said_on.isoformat() if text else item.said_on, *item[3:5], int(item.conditional))
        for item in items
    ]


@pytest.mark.parametrize("seed", range(40))
def test_position_on_day_is_score_as_of_to_the_last_bit(seed: int) -> None:
    picker = random.Random(seed)
    actors = picker.randint(1, 12)
    ids = picker.sample(range(1, 500), picker.randint(1, 120))  # ids not in date order
    state, july = _july(_random_series(picker, ids, actors=actors, years=(2023, 2024)))
    for day in range(1, 32):
        as_of = date(2024, 7, day)
        month = MonthSoFar.of(july, as_of)
        expected = scoring.score_as_of(state, month, as_of)
        for text in (True, False):
            found = scoring.position_on_day(
                _as_rows(list(state.counted), text=True),
                _as_rows(list(month.latest), text=text),
                scoring.AgeWeights(as_of),
            )
            if expected is None:
                assert found is None
                continue
            position = expected.position
            assert found == (
                position.score,
                position.band,
                len(position.counted),
                position.divided,
                position.conditional,
            )


def test_position_on_day_ties_go_to_the_later_statement() -> None:
    # Two heads of government on the same day weigh the same: the later id's condition is the cell's.
    as_of = date(2024, 7, 20)
    before = _as_rows([ev(3, 1, date(2024, 6, 2), 2, 3, conditional=True), ev(9, 2, date(2024, 6, 2), 1, 3)], text=True)
    found = scoring.position_on_day(before, [], scoring.AgeWeights(as_of))
    assert found is not None and not found.conditional
    later = _as_rows(
        [ev(12, 3, date(2024, 7, 2), 2, 3, conditional=True), ev(13, 4, date(2024, 7, 2), 0, 3)], text=False
    )
    found = scoring.position_on_day(before, later, scoring.AgeWeights(as_of))
    assert found is not None and not found.conditional and found.counted == 4
