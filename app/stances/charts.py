"""A country's score over time as SVG geometry, drawn on the server. Pure: numbers in, shapes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.stances import scoring
from app.stances.bands import BANDS
from app.statements.cards import StatementMark
from app.text import month_text, signed

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 96, 16, 14, 34
Y_TICKS = ((2, "+2 supports"), (1, "+1"), (0, "0 neutral"), (-1, signed(-1)), (-2, signed(-2) + " opposes"))


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    href: str
    label: str
    stance: int


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    stripes: list[tuple[float, float, str]]  # (y, height, band slug)
    line: str  # SVG path of the monthly score (a step at each month that brought statements)
    line_points: list[tuple[float, float, str]]  # month ends with a new statement: (x, y, label)
    points: list[Point]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span, 1)


def _y(score: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (2 - score) / 4, 1)


def timeline(
    *, months: Sequence[date], scores: Sequence[tuple[float | None, bool]], marks: Sequence[StatementMark]
) -> Chart:
    """The chart for consecutive months: each month's (score or None, carried?), and statements as points."""
    first, last = months[0], scoring.month_end(months[-1])
    stripes = [(_y(look.top), round(_y(look.bottom) - _y(look.top), 1), look.slug) for look in BANDS]
    path: list[str] = []
    line_points = []
    previous: float | None = None
    for month, (score, carried) in zip(months, scores, strict=True):
        if score is None:
            previous = None
            continue
        x_start, x_end, y = _x(month, first, last), _x(scoring.month_end(month), first, last), _y(score)
        path.append(("M" if previous is None else "L") + f"{x_start},{y}")
        path.append(f"L{x_end},{y}")
        if not carried:
            line_points.append((x_end, y, f"{month_text(month)}: score {score:+.2f}"))
        previous = score
    points = [
        Point(
            _x(mark.said_on, first, last), _y(mark.stance), f"/statements/{mark.statement_id}", mark.label, mark.stance
        )
        for mark in marks
        if first <= mark.said_on <= last
    ]
    step = max(1, len(months) // 8)
    x_ticks = [(_x(month, first, last), month_text(month)) for index, month in enumerate(months) if index % step == 0]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        stripes=stripes,
        line=" ".join(path),
        line_points=line_points,
        points=points,
        x_ticks=x_ticks,
        y_ticks=[(_y(value), label) for value, label in Y_TICKS],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
    )
