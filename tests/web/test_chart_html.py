"""app/web/chart_html.py: a chart's dots are written exactly as the template's loop wrote them."""

from __future__ import annotations

from datetime import date

from app.stances import charts
from app.statements.cards import StatementMark
from app.web.chart_html import chart_points
from app.web.templating import make_environment

# The loop in templates/countries/detail.html before it moved to Python.
LOOP = (
    "{% for point in chart.points %}"
    '<a href="{{ point.href }}" class="chart__point-link" aria-label="{{ point.label }}">'
    '<circle class="chart__hit" cx="{{ point.x }}" cy="{{ point.y }}" r="{{ chart.radius + 4 }}"></circle>'
    "<circle class=\"chart__point chart__point--{{ 'pos' if point.stance > 0 else 'neg' if point.stance < 0 "
    "else 'zero' }}\" "
    'cx="{{ point.x }}" cy="{{ point.y }}" r="{{ chart.radius }}"><title>{{ point.label }}</title></circle></a>'
    "{% endfor %}"
)
MONTHS = [date(2024, month, 1) for month in range(1, 13)]
MARKS = [
    StatementMark(
        index,
        date(2024, 1 + index % 12, 1 + index % 28),
        index % 5 - 2,
        f'Radosław Sikorski, {index} Sep 2024: {"+" if index % 2 else "−"}1. "Don\'t" <rule> it out & more',
    )
    for index in range(1, 120)
]


def test_the_dots_are_the_bytes_the_template_wrote() -> None:
    drawn = [charts.timeline(months=MONTHS, scores=[(1.0, False)] * 12, marks=MARKS, frame=f) for f in charts.FRAMES]
    assert all(len(chart.points) == len(MARKS) for chart in drawn)
    expected = [make_environment().from_string(LOOP).render(chart=chart) for chart in drawn]
    assert [str(dots) for dots in chart_points(drawn)] == expected
    assert chart_points([]) == []
