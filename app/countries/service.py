"""A country's page: its position on every topic, its timeline on one, who spoke, and what they said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.actors import repository as actors_repository
from app.actors.models import Actor
from app.countries.models import Country
from app.stances import repository as stances_repository
from app.stances import scoring
from app.stances import service as stances_service
from app.statements import repository as statements_repository
from app.statements.rules import latest_allowed_date
from app.topics import repository as topics_repository
from app.topics.models import Topic
from app.web import charts

CHART_MONTHS = 24
CHART_POINTS = 200


@dataclass(frozen=True, slots=True)
class TopicPosition:
    topic: Topic
    evidence: stances_service.CellEvidence

    @property
    def cell(self) -> scoring.CellScore | None:
        return self.evidence.cell


@dataclass(frozen=True, slots=True)
class CountryTimeline:
    topic: Topic
    chart: charts.Chart | None
    months: list[date]
    scores: list[tuple[float | None, bool]]
    shown_points: int
    total_statements: int


def positions(*, session: Session, country: Country, as_of: date) -> list[TopicPosition]:
    """The country's position on each topic as of a date, with the evidence behind it."""
    month = scoring.month_start(as_of)
    return [
        TopicPosition(topic, stances_service.cell_evidence(session=session, topic=topic, country=country, month=month, as_of=as_of))
        for topic in topics_repository.all_topics(session)
    ]


def timeline(*, session: Session, country: Country, topic: Topic, as_of: date) -> CountryTimeline:
    """Monthly scores (stored rows, carried forward) and statements as points, up to `as_of`.

    Like the matrix, the window ends at the month of the latest statement on record (or `as_of`).
    """
    last = min(scoring.month_start(as_of), stances_repository.latest_month(session) or scoring.month_start(as_of))
    rows = stances_repository.series_rows(session, topic_id=topic.id, country_id=country.id, last_month=last)
    if not rows:
        return CountryTimeline(topic, None, [], [], 0, 0)
    first = max(rows[0].month, scoring.months_before(last, CHART_MONTHS - 1))
    months = scoring.months_between(first, last)
    by_month = {row.month: row for row in rows}
    current = next((row for row in reversed(rows) if row.month < first), None)
    scores: list[tuple[float | None, bool]] = []
    for month in months:
        row = by_month.get(month)
        if row is not None:
            current = row
        scores.append((current.score if current else None, row is None))
    marks = statements_repository.chart_marks(session, country_id=country.id, topic_id=topic.id, first=first, last=as_of, limit=CHART_POINTS)
    chart = charts.timeline(months=months, scores=scores, marks=marks)
    return CountryTimeline(topic, chart, months, scores, len(marks), rows[-1].total)


def speakers(*, session: Session, country: Country) -> list[Actor]:
    """The actors of the country with a published statement, with their offices."""
    return actors_repository.who_spoke(session, country_id=country.id)


def today() -> date:
    return latest_allowed_date()
