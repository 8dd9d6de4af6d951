"""A chart's statement dots as SVG, written in Python: a country page draws up to 200 of them in each of two frames.

In the template (templates/countries/detail.html) each dot cost a loop turn and ten Jinja look-ups and
escapes. This writes the same bytes (tests/web/test_chart_html.py renders both and compares).
"""

from __future__ import annotations

from markupsafe import Markup

from app.stances.charts import Chart
from app.web.statement_html import escape


def _side(stance: int) -> str:
    return "pos" if stance > 0 else "neg" if stance < 0 else "zero"


def chart_points(chart: Chart) -> Markup:
    """Every statement dot of a chart: a link around a hit area and the dot, with the statement as its title."""
    hit, radius = str(chart.radius + 4), str(chart.radius)
    parts = []
    for point in chart.points:
        label, x, y = escape(point.label), str(point.x), str(point.y)
        parts.append(
            f'<a href="{escape(point.href)}" class="chart__point-link" aria-label="{label}">'
            f'<circle class="chart__hit" cx="{x}" cy="{y}" r="{hit}"></circle>'
            f'<circle class="chart__point chart__point--{_side(point.stance)}" cx="{x}" cy="{y}" r="{radius}">'
            f"<title>{label}</title></circle></a>"
        )
    return Markup("".join(parts))
