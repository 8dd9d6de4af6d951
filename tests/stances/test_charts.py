"""The timeline chart's geometry."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from app.stances import charts, scoring
from app.statements.cards import StatementMark

MONTHS = [date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)]
SCORES = [(0.5, False), (0.5, True), (1.0, False)]


def test_scores_map_to_the_plot_and_points_link_to_statements() -> None:
    chart = charts.timeline(
        months=MONTHS,
        scores=SCORES,
        marks=[
            StatementMark(5, date(2024, 7, 8), 2, "Tusk"),
            StatementMark(6, date(2023, 1, 1), 1, "outside"),
        ],
    )
    assert chart.line.startswith("M") and chart.line.count("M") == 1
    assert len(chart.line_points) == 2  # July and September brought statements
    (point,) = chart.points
    assert point.href == "/statements/5" and point.y == chart.plot_top  # +2 is the top of the plot
    assert [label for _, label in chart.y_ticks][0] == "+2 supports"
    assert chart.plot_left < point.x < chart.plot_right


def test_two_statements_of_one_day_are_drawn_apart_each_with_its_link() -> None:
    marks = [StatementMark(7, date(2024, 9, 2), 2, "Sikorski, one"), StatementMark(8, date(2024, 9, 2), 2, "two")]
    for frame in charts.FRAMES:
        chart = charts.timeline(months=MONTHS, scores=SCORES, marks=marks, frame=frame)
        first, second = chart.points
        assert {first.href, second.href} == {"/statements/7", "/statements/8"}
        apart = ((first.x - second.x) ** 2 + (first.y - second.y) ** 2) ** 0.5
        assert apart >= 2 * chart.radius, frame.name  # the dots don't overlap
        for point in chart.points:  # and stay inside the plot: a +2 never looks like more than +2
            assert chart.plot_top <= point.y <= chart.plot_bottom


def test_the_narrow_frame_is_drawn_at_a_phones_own_scale() -> None:
    months = [date(2023 + (6 + m) // 12, (6 + m) % 12 + 1, 1) for m in range(30)]
    chart = charts.timeline(months=months, scores=[(1.0, False)] * 30, marks=[], frame=charts.NARROW)
    # 340 units across a phone's 340-odd pixels: the labels keep their size, and a dot is 18 px across.
    assert chart.width <= 360 and 2 * chart.radius >= 18
    assert len(chart.x_ticks) <= 3  # month labels never run into each other
    assert [label for _, label in chart.y_ticks] == ["+2", "+1", "0", "\u22121", "\u22122"]


def test_lanes_keep_close_dots_apart_and_reuse_a_lane_once_it_is_clear() -> None:
    assert charts.lanes([10, 10, 10, 50], gap=12) == [0, -1, 1, 0]
    assert charts.lanes([10, 10, 10], gap=12, order=charts.EDGE_LANES[2]) == [0, 1, 2]
    assert charts.lanes([10, 11, 12, 13], gap=12) == [0, -1, 1, 0]  # all taken: the lane free longest


def _reference_points(frame: charts.Frame, marks: list[StatementMark], first: date, last: date) -> list[charts.Point]:
    """The dots as first written: each coordinate from _x and _y, one stance at a time."""
    shown = sorted((mark for mark in marks if first <= mark.said_on <= last), key=lambda m: (m.said_on, m.statement_id))
    diameter = 2 * frame.radius
    points = []
    for stance in sorted({mark.stance for mark in shown}):
        same = [mark for mark in shown if mark.stance == stance]
        xs = [charts._x(frame, mark.said_on, first, last) for mark in same]
        order = charts.EDGE_LANES.get(stance, charts.LANES)
        for mark, x, lane in zip(same, xs, charts.lanes(xs, gap=diameter * charts.LANE_GAP, order=order), strict=True):
            y = round(charts._y(frame, stance) + lane * diameter * 1.05, 1)
            points.append(charts.Point(x, y, f"/statements/{mark.statement_id}", mark.label, stance))
    return sorted(points, key=lambda point: (point.x, point.y))


@pytest.mark.parametrize("seed", range(20))
def test_the_dots_are_where_each_coordinate_computed_alone_puts_them(seed: int) -> None:
    rng = random.Random(seed)
    months = [date(2021 + (3 + m) // 12, (3 + m) % 12 + 1, 1) for m in range(rng.randint(1, 60))]
    first, last = months[0], scoring.month_end(months[-1])
    span = (last - first).days + 40
    marks = [  # crowded days, days outside the window, and ids out of order
        StatementMark(rng.randint(1, 10_000), first + timedelta(days=rng.randint(-20, span)), rng.randint(-2, 2), "x")
        for _ in range(rng.choice((1, 5, 200, 400)))
    ]
    for frame in charts.FRAMES:
        chart = charts.timeline(months=months, scores=[(None, True)] * len(months), marks=marks, frame=frame)
        assert chart.points == _reference_points(frame, marks, first, last)
