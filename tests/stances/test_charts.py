"""The timeline chart's geometry."""

from __future__ import annotations

from datetime import date

from app.stances import charts
from app.statements.cards import StatementMark


def test_scores_map_to_the_plot_and_points_link_to_statements() -> None:
    months = [date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)]
    chart = charts.timeline(
        months=months,
        scores=[(0.5, False), (0.5, True), (1.0, False)],
        marks=[
            StatementMark(5, date(2024, 7, 8), 2, "Tusk"),
            StatementMark(6, date(2023, 1, 1), 1, "outside"),
        ],
    )
    assert chart.line.startswith("M") and chart.line.count("M") == 1
    assert len(chart.line_points) == 2  # July and September brought statements
    (point,) = chart.points
    assert point.href == "/statements/5" and point.y == charts.TOP  # +2 is the top of the plot
    assert [label for _, label in chart.y_ticks][0] == "+2 supports"
    assert chart.plot_left < point.x < chart.plot_right
