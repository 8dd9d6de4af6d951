"""Keeping the stored scores equal to the rule applied to the statements, in the writer's unit of work."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy.orm import Session

from app.actors.rules import StanceRecord, position_changes
from app.stances import repository, scoring
from app.stances.repository import ChainKey, ChainRecord
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

    Saving what was said this week is the common case, and updates one row. A statement dated in
    an earlier month rewrites the rows from its month on, each from its own counted statements
    (`add_statements`), without reading the statements made since.
    """
    month = scoring.month_start(evidence.said_on)
    latest = repository.latest_row(session, topic_id=topic_id, country_id=country_id)
    if latest is None or month >= latest.month:
        state = repository.state_from_row(latest)
        cell = scoring.extend_series(state, latest and latest.month, latest.new if latest else 0, evidence)
        row = repository.cell_to_row(country_id=country_id, topic_id=topic_id, cell=cell)
        if latest is not None and latest.month == month:
            repository.replace_cell(session, row)  # the series' latest month: its one row, overwritten
        else:
            repository.insert_rows(session, [row])  # a month after every stored one: nothing to delete
        return
    # As an import adds them: the stored months' counted statements, without scoring each month as it was.
    add_statements(session=session, country_id=country_id, topic_id=topic_id, evidence=[evidence])


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
    """Delete every stored score and change of position and recompute them; returns the scores' row count."""
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
    rebuild_changes(session=session)
    return written + len(rows)


# ---- Changes of position, stored per (actor, topic, country) chain (models.PositionChangeRow).


def note_chain(*, chains: dict[ChainKey, date], actor_id: int, topic_id: int, country_id: int, said_on: date) -> None:
    """Record that a chain changed from `said_on`, keeping the earliest date per chain."""
    key = (actor_id, topic_id, country_id)
    chains[key] = min(said_on, chains.get(key, said_on))


def _change_rows(key: ChainKey, records: list[ChainRecord]) -> list[dict[str, Any]]:
    actor_id, topic_id, country_id = key
    return [
        {
            "after_id": change.after_id,
            "before_id": change.before_id,
            "country_id": country_id,
            "actor_id": actor_id,
            "topic_id": topic_id,
            "stance_before": change.stance_before,
            "stance_after": change.stance_after,
            "changed_on": change.changed_on,
        }
        for change in position_changes([StanceRecord(*record) for record in records])
    ]


def refresh_chains(*, session: Session, chains: Mapping[ChainKey, date]) -> None:
    """Recompute the stored changes of every chain a write touched, each from its earliest changed date.

    A change made on or after that date reads only the statements from it on and the one before it;
    the changes before it are the statements' before it, which the write didn't move.
    """
    for key, since in sorted(chains.items()):
        repository.delete_changes_from(session, key=key, since=since)
        repository.insert_changes(session, _change_rows(key, repository.chain_from(session, key=key, since=since)))


def add_to_chains(*, session: Session, added: Sequence[repository.ChainedStatement]) -> None:
    """Bring the stored changes of position up to date after new published statements, already written.

    A new statement moves at most two changes of its chain: its own, from the statement just before
    it, and the next statement's, which now follows it instead. So only each one's two neighbours are
    read, not the chain from its date on, and only those rows are deleted and written again.
    """
    changes: dict[int, dict[str, Any]] = {}
    following: set[int] = set()
    with repository.walking_actor_index(session):
        neighbours = repository.chain_neighbours(session, added)
    for key, statement in added:
        statement_id, _, stance = statement
        previous, next_one = neighbours[statement_id]
        if previous is not None and previous[2] != stance:
            changes[statement_id] = _change_row(key, previous, statement)
        if next_one is not None:
            following.add(next_one[0])
            if next_one[2] != stance:
                changes[next_one[0]] = _change_row(key, statement, next_one)
    repository.delete_changes_of(session, sorted(following))
    repository.insert_changes(session, [changes[after_id] for after_id in sorted(changes)])


def _change_row(key: ChainKey, before: repository.Neighbour, after: repository.Neighbour) -> dict[str, Any]:
    """The stored change from one statement of a chain to the next (which differ in stance)."""
    actor_id, topic_id, country_id = key
    return {
        "after_id": after[0],
        "before_id": before[0],
        "country_id": country_id,
        "actor_id": actor_id,
        "topic_id": topic_id,
        "stance_before": before[2],
        "stance_after": after[2],
        "changed_on": after[1],
    }


def rebuild_changes(*, session: Session) -> int:
    """Delete every stored change of position and find them all again; returns the row count."""
    repository.delete_all_changes(session)
    rows: list[dict[str, Any]] = []
    written = 0
    for key, group in groupby(repository.all_chains(session), key=lambda item: item[0]):
        rows.extend(_change_rows(key, [record for _, record in group]))
        if len(rows) >= _BATCH:
            repository.insert_changes(session, rows)
            written += len(rows)
            rows = []
    repository.insert_changes(session, rows)
    return written + len(rows)
