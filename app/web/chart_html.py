"""A chart's statement dots as SVG, written in Python: a country page draws up to 200 of them in each of two frames.

In the template (templates/countries/detail.html) each dot cost a loop turn and ten Jinja look-ups and
escapes. This writes the same bytes (tests/web/test_chart_html.py renders both and compares).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from app.stances.charts import Chart
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
