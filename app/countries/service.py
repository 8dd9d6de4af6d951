"""A country's page: its position on every topic, its timeline on one, who spoke, and what they said."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.actors import repository as actors_repository
from app.countries import repository as countries_repository
from app.countries.models import Country, CountryKind
from app.errors import FieldError, Refused
from app.perf.versioned import per_page_version
from app.stances import charts, scoring
from app.stances import matrix as stances_matrix
from app.stances import repository as stances_repository
from app.statements import repository as statements_repository
from app.statements.rules import latest_allowed_date
from app.system import repository as system_repository
from app.text import clean_text
from app.topics import repository as topics_repository
from app.topics.repository import TopicChoice

INSTITUTION_CODE = re.compile(r"[A-Z]{2,8}")
NAME_MAX_LENGTH = 100


class InstitutionRefused(Refused):
    """An institution's fields break a rule; nothing was written."""


def add_institution(*, session: Session, code: str, name: str) -> Country:
    """A new institution offices may belong to (the EU, say), shown apart from the members like NATO."""
    errors = []
    code = code.strip().upper()
    if not INSTITUTION_CODE.fullmatch(code):
        errors.append(FieldError("code", "use 2 to 8 capital letters, such as EU or OSCE"))
    elif countries_repository.get_by_code(session, code) is not None:
        errors.append(FieldError("code", f"'{code}' is taken"))
    try:
        name = clean_text(name, max_length=NAME_MAX_LENGTH, multiline=False)
    except ValueError as error:
        errors.append(FieldError("name", str(error)))
    if errors:
        raise InstitutionRefused(*errors)
    system_repository.begin_data_change(session)  # the matrix lists it
    return countries_repository.add(session, Country(code=code, name=name, kind=CountryKind.INSTITUTION))


CHART_MONTHS = 60  # five years: from a country's first statement on the topic, at most, up to today
CHART_POINTS = 200


@dataclass(frozen=True, slots=True)
class TopicPosition:
    """A country's position on one topic on a date: what its page shows beside the topic."""

    topic: TopicChoice
    month: date  # the matrix cell holding this position (its evidence link)
    band: str | None  # None: no statement on record
    score: float | None = None
    statements: int = 0  # published statements up to the date
    officials: int = 0  # actors counted: each one's latest statement
    first_on: date | None = None
    last_on: date | None = None
    divided: bool = False
    conditional: bool = False
    carried_from: date | None = None


@dataclass(frozen=True, slots=True)
class CountryTimeline:
    topic: TopicChoice
    drawings: list[charts.Chart]  # one per frame (wide, narrow); none without a statement
    months: list[date]
    scores: list[tuple[float | None, bool]]
    shown_points: int
    total_statements: int


def positions(*, session: Session, country: Country, as_of: date | None) -> list[TopicPosition]:
    """The country's position on each topic today (from its stored rows), or as of a past date."""
    month = scoring.month_start(as_of or today())
    found = []
    for topic in topics_repository.choices(session):
        if as_of is None or as_of == scoring.month_end(as_of):
            # No statement is dated after today, so the latest stored row is the position now.
            row = stances_repository.row_at_or_before(session, topic_id=topic.id, country_id=country.id, month=month)
            found.append(
                TopicPosition(topic, month, None)
                if row is None
                else TopicPosition(
                    topic,
                    month,
                    row.band,
                    row.score,
                    row.total,
                    row.counted,
                    row.first_on,
                    row.last_on,
                    row.divided,
                    row.conditional,
                    row.month if row.month != month else None,
                )
            )
            continue
        found_on = stances_matrix.cell_position(session=session, topic=topic, country=country, month=month, as_of=as_of)
        cell = found_on.cell
        found.append(
            TopicPosition(topic, month, None)
            if cell is None
            else TopicPosition(
                topic,
                month,
                cell.band.value,
                cell.score,
                cell.total,
                len(cell.position.counted),
                cell.first_on,
                cell.last_on,
                cell.position.divided,
                cell.position.conditional,
                found_on.carried_from,
            )
        )
    return found


def timeline(*, session: Session, country: Country, topic: TopicChoice, as_of: date) -> CountryTimeline:
    """Monthly scores (stored rows, carried forward) and statements as points, up to `as_of`.

    Like the matrix, the window ends in the month of `as_of` (today unless asked), positions carried to it.
    """
    last = scoring.month_start(as_of)
    rows = stances_repository.series_rows(session, topic_id=topic.id, country_id=country.id, last_month=last)
    if not rows:
        return CountryTimeline(topic, [], [], [], 0, 0)
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
    marks = statements_repository.chart_marks(
        session, country_id=country.id, topic_id=topic.id, first=first, last=as_of, limit=CHART_POINTS
    )
    drawn = [charts.timeline(months=months, scores=scores, marks=marks, frame=frame) for frame in charts.FRAMES]
    return CountryTimeline(topic, drawn, months, scores, len(marks), rows[-1].total)


def speakers(*, session: Session, country: Country) -> list[actors_repository.Speaker]:
    """The actors of the country with a published statement, with their offices (kept while its page's version is).

    The same whatever the page's `as_of` or topic, and a third of a cold country page's time to read.
    """
    country_id = country.id
    return per_page_version(
        session, f"speakers:{country_id}", lambda: actors_repository.who_spoke(session, country_id=country_id)
    )


def today() -> date:
    """Today, as the pages date positions (the time zone furthest ahead)."""
    return latest_allowed_date()
