"""A country's score over time as SVG geometry, drawn on the server. Pure: numbers in, shapes out.

Two frames are drawn from the same numbers: a wide one, and a narrow one whose units are the phone's own pixels,
so its labels stay readable and its dots big enough to tap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter, itemgetter
from typing import NamedTuple

from app.stances import scoring
from app.stances.bands import BANDS
from app.statements.cards import StatementMark
from app.text import month_text, signed


@dataclass(frozen=True, slots=True)
class Frame:
    """A chart's size, margins, dot size, how many month labels fit, and the labels of the stance axis."""

    name: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    radius: float  # a statement's dot
    x_labels: int  # at most this many month labels
    y_labels: tuple[tuple[int, str], ...]


WIDE = Frame(
    "wide",
    760,
    260,
    96,
    16,
    14,
    34,
    6,
    8,
    ((2, "+2 supports"), (1, "+1"), (0, "0 neutral"), (-1, signed(-1)), (-2, signed(-2) + " opposes")),
)
NARROW = Frame(
    "narrow",
    340,
    300,
    30,
    12,
    16,
    38,
    9,
    3,
    tuple((value, signed(value)) for value in (2, 1, 0, -1, -2)),
)
FRAMES = (WIDE, NARROW)
LANE_GAP = 1.25  # dots closer than this many diameters apart move to another lane of their stance
LANES = (0, -1, 1)  # lane offsets, in diameters, tried in this order
EDGE_LANES = {2: (0, 1, 2), -2: (0, -1, -2)}  # at the plot's edges, lanes lie inside it


class Point(NamedTuple):
    """A statement's dot; a named tuple, as a page draws up to 400 (docs/performance.md, "Country pages")."""

    x: float
    y: float
    href: str
    label: str
    stance: int


@dataclass(frozen=True, slots=True)
class Chart:
    frame: Frame
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
    label_y: float  # baseline of the month labels

    @property
    def radius(self) -> float:
        return self.frame.radius


def _x(frame: Frame, day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return round(frame.left + (frame.width - frame.left - frame.right) * (day - first).days / span, 1)


def _y(frame: Frame, score: float) -> float:
    return round(frame.top + (frame.height - frame.top - frame.bottom) * (2 - score) / 4, 1)


def lanes(xs: Sequence[float], *, gap: float, order: Sequence[int] = LANES) -> list[int]:
    """A lane offset (from `order`) for each dot of one stance, by x: dots closer than `gap` never share a lane.

    When every lane is taken, the dot goes to the lane whose last dot lies furthest back.
    """
    last_x: dict[int, float] = {}
    chosen = []
    for x in xs:
        for lane in order:
            if lane not in last_x or x - last_x[lane] >= gap:
                break
        else:
            lane = min(order, key=last_x.__getitem__)
        last_x[lane] = x
        chosen.append(lane)
    return chosen


_BY_DAY = attrgetter("said_on", "statement_id")
_BY_PLACE = itemgetter(0, 1)


def _points(frame: Frame, marks: Sequence[StatementMark], first: date, last: date) -> list[Point]:
    # Written for speed, as _x and _y compute (the same floating-point steps, so the same coordinates):
    # x once a day, y once a lane, and the points made as the tuples they are.
    width, span, start = frame.width - frame.left - frame.right, max((last - first).days, 1), first.toordinal()
    by_stance: dict[int, list[StatementMark]] = {}
    for mark in sorted(marks, key=_BY_DAY):
        if first <= mark.said_on <= last:
            by_stance.setdefault(mark.stance, []).append(mark)
    diameter, left = 2 * frame.radius, frame.left
    on_day: dict[int, float] = {}
    points: list[Point] = []
    for stance in sorted(by_stance):
        same = by_stance[stance]
        xs = []
        for mark in same:
            day = mark.said_on.toordinal()
            x = on_day.get(day)
            if x is None:
                x = on_day[day] = round(left + width * (day - start) / span, 1)
            xs.append(x)
        order = EDGE_LANES.get(stance, LANES)
        at = _y(frame, stance)
        ys = {lane: round(at + lane * diameter * 1.05, 1) for lane in order}  # a positive lane lies lower down
        for mark, x, lane in zip(same, xs, lanes(xs, gap=diameter * LANE_GAP, order=order), strict=True):
            points.append(tuple.__new__(Point, (x, ys[lane], f"/statements/{mark.statement_id}", mark.label, stance)))
    points.sort(key=_BY_PLACE)
    return points


def timeline(
    *,
    months: Sequence[date],
    scores: Sequence[tuple[float | None, bool]],
    marks: Sequence[StatementMark],
    frame: Frame = WIDE,
) -> Chart:
    """The chart for consecutive months: each month's (score or None, carried?), and statements as points."""
    first, last = months[0], scoring.month_end(months[-1])
    stripes = [
        (_y(frame, look.top), round(_y(frame, look.bottom) - _y(frame, look.top), 1), look.slug) for look in BANDS
    ]
    path: list[str] = []
    line_points = []
    previous: float | None = None
    for month, (score, carried) in zip(months, scores, strict=True):
        if score is None:
            previous = None
            continue
        x_start, x_end = _x(frame, month, first, last), _x(frame, scoring.month_end(month), first, last)
        y = _y(frame, score)
        path.append(("M" if previous is None else "L") + f"{x_start},{y}")
        path.append(f"L{x_end},{y}")
        if not carried:
            line_points.append((x_end, y, f"{month_text(month)}: score {score:+.2f}"))
        previous = score
    step = max(1, -(-len(months) // frame.x_labels))
    x_ticks = [
        (_x(frame, month, first, last), month_text(month)) for index, month in enumerate(months) if index % step == 0
    ]
    return Chart(
        frame=frame,
        width=frame.width,
        height=frame.height,
        stripes=stripes,
        line=" ".join(path),
        line_points=line_points,
        points=_points(frame, marks, first, last),
        x_ticks=x_ticks,
        y_ticks=[(_y(frame, value), label) for value, label in frame.y_labels],
        plot_left=frame.left,
        plot_right=frame.width - frame.right,
        plot_top=frame.top,
        plot_bottom=frame.height - frame.bottom,
        label_y=frame.height - frame.bottom + 22,
    )
