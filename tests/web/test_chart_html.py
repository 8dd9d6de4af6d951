"""app/web/chart_html.py: a chart's dots are written exactly as the template's loop wrote them."""

from __future__ import annotations

from datetime import date

from app.stances import charts
from app.statements.cards import StatementMark
from app.web.chart_html import chart_lines, chart_points, chart_table
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


# The chart's group and its table as templates/countries/detail.html wrote them before they moved to Python.
GROUP = """      <g aria-hidden="true">
      {% for y, h, band in chart.stripes %}<rect class="chart__band chart__band--{{ band }}" x="{{ chart.plot_left }}" y="{{ y }}" width="{{ chart.plot_right - chart.plot_left }}" height="{{ h }}"></rect>{% endfor %}
      {% for y, label in chart.y_ticks %}<text class="chart__label" x="{{ chart.plot_left - 6 }}" y="{{ y + 4 }}" text-anchor="end">{{ label }}</text>{% endfor %}
      {% for x, label in chart.x_ticks %}<text class="chart__label" x="{{ x }}" y="{{ chart.label_y }}" text-anchor="start">{{ label }}</text><line class="chart__tick" x1="{{ x }}" x2="{{ x }}" y1="{{ chart.plot_top }}" y2="{{ chart.plot_bottom }}"></line>{% endfor %}
      <path class="chart__line" d="{{ chart.line }}"></path>
      {% for x, y, label in chart.line_points %}<circle class="chart__step" cx="{{ x }}" cy="{{ y }}" r="3"><title>{{ label }}</title></circle>{% endfor %}
      </g>
"""  # noqa: E501
TABLE = (
    "{% for month, item in months | zip(scores) %}<tr><td>{{ month | month_label }}</td>"
    '<td>{{ item[0] | signed(2) if item[0] is not none else "no statement on record" }}</td>'
    '<td>{{ "carried forward" if item[1] else "yes" }}</td></tr>{% endfor %}'
)
SCORES = [(None, True), (None, True), (-1.5, False), (-1.5, True), (0.0, False), (0.004, False), (2.0, False)]
SCORES += [(-0.004, True), (None, True), (1.25, False), (-2.0, False), (0.5, True)]


def test_the_lines_and_the_table_are_the_bytes_the_template_wrote() -> None:
    env = make_environment()
    for frame in charts.FRAMES:
        chart = charts.timeline(months=MONTHS, scores=SCORES, marks=MARKS, frame=frame)
        assert f"      {chart_lines(chart)}" == env.from_string(GROUP).render(
            chart=chart
        )  # Jinja trims the last newline
    assert chart_table(MONTHS, SCORES) == env.from_string(TABLE).render(months=MONTHS, scores=SCORES)
