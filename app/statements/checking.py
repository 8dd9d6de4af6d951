"""Checking a record before it is written: the format's rules, then the store (actor, office, topic, sources),
then possible duplicates. Read-only: a unit of work checks first and writes only what passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.errors import FieldError, Refused
from app.sources.models import Source
from app.statements import repository, rules
from app.statements.cards import StatementCard
from app.statements.records import StatementRecord, problems
from app.statements.resolver import NewActor, RecordResolver, Resolved


@dataclass(frozen=True, slots=True)
class Prepared:
    """One record resolved against the store, with the resolver holding what it needs created first."""

    resolver: RecordResolver
    resolved: Resolved


@dataclass(frozen=True, slots=True)
class Checked:
    """A record checked against the rules and the store: its refusals, or what saving it would write."""

    errors: list[FieldError]  # by the record's own paths: 'said_on', 'sources[1].url'
    record: StatementRecord | None = None
    prepared: Prepared | None = None
    reused_sources: dict[int, Source] = field(default_factory=dict)  # by the record's source index
    duplicates: list[StatementCard] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Nothing refused and no possible duplicate to confirm first."""
        return self.prepared is not None and not self.errors and not self.duplicates


def check(
    *,
    session: Session,
    values: Mapping[str, Any],
    exclude_id: int | None = None,
    exclude_submission_key: str | None = None,
    look_for_duplicates: bool = True,
    looked_up_sources: Mapping[tuple[str, str], Source | None] | None = None,
) -> Checked:
    """Check a raw record with the format's rules, then against the store, then for possible duplicates.

    `looked_up_sources`: sources the caller has already looked up (RecordResolver's `looked_up`).
    """
    try:
        record = StatementRecord.model_validate(values)
    except ValidationError:  # every problem, across fields too, not only the first pass's
        return Checked([FieldError(path, message) for path, message in problems(values)])
    resolver = RecordResolver(session, [(1, record)], file="record", looked_up=looked_up_sources)
    resolved = resolver.resolve(1, record)
    if resolved is None:
        return Checked([FieldError(error.field, error.message) for error in resolver.errors], record)
    reused = {index: source for index, source in enumerate(resolved.sources) if isinstance(source, Source)}
    duplicates = []
    if look_for_duplicates and not isinstance(resolved.actor, NewActor):
        duplicates = possible_duplicates(
            session=session,
            record=record,
            actor_id=resolved.actor.id,
            topic_id=resolved.topic.id,
            exclude_id=exclude_id,
            exclude_submission_key=exclude_submission_key,
        )
    return Checked([], record, Prepared(resolver, resolved), reused, duplicates)


def checked_or_refused(**values: Any) -> Checked:
    """`check`, raising Refused with every problem instead of returning them."""
    checked = check(**values)
    if checked.errors:
        raise Refused(*checked.errors)
    return checked


def possible_duplicates(
    *,
    session: Session,
    record: StatementRecord,
    actor_id: int,
    topic_id: int,
    exclude_id: int | None = None,
    exclude_submission_key: str | None = None,
) -> list[StatementCard]:
    """Published statements by the same actor on the same topic and day whose quote is much the same.

    `exclude_submission_key` leaves out the statement a repeated submission already created.
    """
    ids = [
        statement_id
        for statement_id, quote, key in repository.same_day(
            session, actor_id=actor_id, topic_id=topic_id, said_on=record.said_on
        )
        if statement_id != exclude_id
        and (exclude_submission_key is None or key != exclude_submission_key)
        and rules.similar_quotes(quote, record.quote)
    ]
    return repository.cards(session, ids)
