"""Keeping the stored scores equal to the rule applied to the statements, in the writer's unit of work."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy.orm import Session

from app.stances import repository, scoring
from app.system import repository as system_repository

SeriesKey = tuple[int, int]  # (country_id, topic_id)
_BATCH = 2000


def refresh_series(*, session: Session, country_id: int, topic_id: int, since: date) -> int:
    """Recompute one country's stored scores on one topic from the month of `since` onwards."""
    month = scoring.month_start(since)
    prior = repository.last_row_before(session, topic_id=topic_id, country_id=country_id, month=month)
    repository.delete_series_from(session, topic_id=topic_id, country_id=country_id, month=month)
    statements = repository.published_evidence(session, country_id=country_id, topic_id=topic_id, since=month)
    rows = [
        repository.cell_to_row(country_id=country_id, topic_id=topic_id, cell=cell)
        for cell in scoring.fold_months(repository.state_from_row(prior), statements)
    ]
    repository.insert_rows(session, rows)
    return len(rows)


def add_statement(*, session: Session, country_id: int, topic_id: int, evidence: scoring.Evidence) -> None:
    """Fold one new published statement into its series' stored rows.

    Saving what was said this week is the common case, and touches one row. A statement dated in
    an earlier month rewrites the rows from its month on, each from its own counted statements
    (`scoring.add_earlier_statement`), without reading the statements made since.
    """
    month = scoring.month_start(evidence.said_on)
    latest = repository.latest_row(session, topic_id=topic_id, country_id=country_id)
    if latest is None or month >= latest.month:
        cells = [scoring.add_statement(repository.cell_from_row(latest), evidence)]
    else:
        before = repository.last_row_before(session, topic_id=topic_id, country_id=country_id, month=month)
        later = repository.cells_from(session, topic_id=topic_id, country_id=country_id, month=month)
        cells = scoring.add_earlier_statement(repository.cell_from_row(before), later, evidence)
    repository.delete_series_from(session, topic_id=topic_id, country_id=country_id, month=cells[0].month)
    repository.insert_rows(
        session, [repository.cell_to_row(country_id=country_id, topic_id=topic_id, cell=cell) for cell in cells]
    )


def add_statements(*, session: Session, country_id: int, topic_id: int, evidence: Sequence[scoring.Evidence]) -> None:
    """Fold many new published statements into their series' stored rows at once, as an import adds them.

    The rows from the earliest one's month on are rewritten from their own counted statements and the
    new ones (`scoring.add_statements`): the statements already stored are not read, so a series
    costs its months, not its statements.
    """
    items = sorted(evidence, key=lambda item: item.order_key)
    month = scoring.month_start(items[0].said_on)
    before = repository.last_row_before(session, topic_id=topic_id, country_id=country_id, month=month)
    later = repository.stored_months_from(session, topic_id=topic_id, country_id=country_id, month=month)
    cells = scoring.add_statements(repository.state_from_row(before), later, items)
    repository.delete_series_from(session, topic_id=topic_id, country_id=country_id, month=month)
    repository.insert_rows(
        session, [repository.cell_to_row(country_id=country_id, topic_id=topic_id, cell=cell) for cell in cells]
    )


def refresh(*, session: Session, changes: Mapping[SeriesKey, date]) -> None:
    """Recompute every series a write touched, each from its earliest changed date."""
    for (country_id, topic_id), since in sorted(changes.items()):
        refresh_series(session=session, country_id=country_id, topic_id=topic_id, since=since)


def note_change(*, changes: dict[SeriesKey, date], country_id: int, topic_id: int, said_on: date) -> None:
    """Record that a series changed from `said_on`, keeping the earliest date per series."""
    key = (country_id, topic_id)
    changes[key] = min(said_on, changes.get(key, said_on))


def rebuild_all(*, session: Session, on_statement: Callable[[int], Any] | None = None) -> int:
    """Delete every stored score and recompute them all from the statements; returns the row count."""
    system_repository.begin_data_change(session)
    repository.delete_all(session)
    rows: list[dict[str, Any]] = []
    written = 0
    for (country_id, topic_id), group in groupby(repository.all_published_evidence(session), key=lambda item: item[:2]):
        statements = [evidence for _, _, evidence in group]
        for cell in scoring.fold_months(scoring.SeriesState(), statements):
            rows.append(repository.cell_to_row(country_id=country_id, topic_id=topic_id, cell=cell))
        if on_statement:
            on_statement(len(statements))
        if len(rows) >= _BATCH:
            repository.insert_rows(session, rows)
            written += len(rows)
            rows = []
    repository.insert_rows(session, rows)
    return written + len(rows)
