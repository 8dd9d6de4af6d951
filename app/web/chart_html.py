"""A chart as SVG, written in Python: a country page draws up to 200 statement dots in each of two frames.

In the template (templates/countries/detail.html) each dot cost a loop turn and ten Jinja look-ups and
escapes, and each month's step and table row a few more. This writes the same bytes
(tests/web/test_chart_html.py renders both and compares).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

from app.stances.charts import Chart
from app.text import month_text, signed
from app.web.statement_html import escape

_SIDES = {-2: "neg", -1: "neg", 0: "zero", 1: "pos", 2: "pos"}


def chart_points(charts: Sequence[Chart]) -> list[Markup]:
    """Each chart's statement dots: a link around a hit area and the dot, with the statement as its title.

    The frames draw the same statements, so each one's link and title are written once for all of them,
    and each coordinate once per chart: writing floats and escaping labels were most of the time.
    """
    linked: dict[tuple[str, str], tuple[str, str]] = {}  # (href, label): the dot's markup before and after its circles
    drawn = []
    for chart in charts:
        hit, radius = str(chart.radius + 4), str(chart.radius)
        numbers: dict[float, str] = {}
        parts = []
        for x, y, href, label, stance in chart.points:
            ends = linked.get((href, label))
            if ends is None:
                text = escape(label)
                ends = linked[href, label] = (
                    f'<a href="{escape(href)}" class="chart__point-link" aria-label="{text}">',
                    f"<title>{text}</title></circle></a>",
                )
            head, tail = ends
            cx = numbers.get(x)
            if cx is None:
                cx = numbers[x] = str(x)
            cy = numbers.get(y)
            if cy is None:
                cy = numbers[y] = str(y)
            parts.append(
                f'{head}<circle class="chart__hit" cx="{cx}" cy="{cy}" r="{hit}"></circle>'
                f'<circle class="chart__point chart__point--{_SIDES[stance]}" cx="{cx}" cy="{cy}" r="{radius}">{tail}'
            )
        drawn.append(Markup("".join(parts)))
    return drawn


def chart_lines(chart: Chart) -> Markup:
    """A chart's drawing behind its dots: the stance bands, the axes' labels and ticks, the score's line and steps.

    The group the template's loops wrote, whitespace and all; most of a chart's loop turns were here.
    """
    left, width, top, bottom, label_y = (
        chart.plot_left,
        chart.plot_right - chart.plot_left,
        chart.plot_top,
        chart.plot_bottom,
        chart.label_y,
    )
    stripes = "".join(
        f'<rect class="chart__band chart__band--{escape(band)}" x="{left}" y="{y}" width="{width}" height="{h}"></rect>'
        for y, h, band in chart.stripes
    )
    y_ticks = "".join(
        f'<text class="chart__label" x="{left - 6}" y="{y + 4}" text-anchor="end">{escape(label)}</text>'
        for y, label in chart.y_ticks
    )
    x_ticks = "".join(
        f'<text class="chart__label" x="{x}" y="{label_y}" text-anchor="start">{escape(label)}</text>'
        f'<line class="chart__tick" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}"></line>'
        for x, label in chart.x_ticks
    )
    steps = "".join(
        f'<circle class="chart__step" cx="{x}" cy="{y}" r="3"><title>{escape(label)}</title></circle>'
        for x, y, label in chart.line_points
    )
    return Markup(
        f'<g aria-hidden="true">\n{stripes}{y_ticks}{x_ticks}'
        f'      <path class="chart__line" d="{escape(chart.line)}"></path>\n{steps}      </g>'
    )


def chart_table(months: Sequence[date], scores: Sequence[tuple[float | None, bool]]) -> Markup:
    """The numbers behind a chart, a table row a month: its score (or none on record), and whether it was carried."""
    rows = [
        f"<tr><td>{escape(month_text(month))}</td>"
        f"<td>{'no statement on record' if score is None else escape(signed(score, 2))}</td>"
        f"<td>{'carried forward' if carried else 'yes'}</td></tr>"
        for month, (score, carried) in zip(months, scores, strict=True)
    ]
    return Markup("".join(rows))
