"""Import and export of the interchange format.

An import is all-or-nothing: every record is checked first (its fields, then its country, topic,
actor, office and sources against the store), every refusal is reported with its file, record and
field, and only a file with no refusal is written, in one transaction with the stored scores.
A statement already present (same actor, topic, date and quote) is skipped, so re-imports add nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.actors.models import Actor
from app.interchange import codec
from app.statements import repository as statements_repository
from app.statements import writing
from app.statements.records import StatementRecord, describe, statement_record
from app.statements.resolver import (
    RecordError,
    RecordResolver,
    RecordsRefused,
    Resolved,
)
from app.statements.rules import fingerprint
from app.system import repository as system_repository
from app.text import fold

# Import's refusal is the resolver's: one exception type, whichever stage found the problem.
ImportRefused = RecordsRefused
Progress = Callable[[int], Any]

__all__ = ["ImportRefused", "ImportReport", "RecordError", "export", "import_records", "validate"]


@dataclass
class ImportReport:
    read: int = 0
    added: int = 0
    skipped: int = 0
    actors_created: list[str] = field(default_factory=list)
    offices_created: int = 0
    sources_created: int = 0
    sources_reused: int = 0


def validate(
    *, raw: Sequence[codec.RawRecord], file: str
) -> tuple[list[tuple[int, StatementRecord]], list[RecordError]]:
    """Check every record's fields; the valid records and the errors of the rest."""
    valid: list[tuple[int, StatementRecord]] = []
    errors: list[RecordError] = []
    for item in raw:
        label = _label(item.values)
        unreadable = codec.unreadable_message(item.values)
        if unreadable is not None:
            name, _, message = unreadable.rpartition("\x1f")
            errors.append(RecordError(file, item.number, label, name or "record", message))
            continue
        try:
            valid.append((item.number, StatementRecord.model_validate(item.values)))
        except ValidationError as error:
            errors.extend(RecordError(file, item.number, label, name, message) for name, message in describe(error))
    return valid, errors


def _label(values: Any) -> str | None:
    if isinstance(values, dict) and isinstance(values.get("actor"), str):
        said_on = values.get("said_on")
        return f"{values['actor']}, {said_on}" if isinstance(said_on, str) else values["actor"]
    return None


def import_records(
    *,
    session: Session,
    records: Sequence[tuple[int, StatementRecord]],
    file: str,
    via: str,
    user_id: int | None = None,
    progress: Progress | None = None,
    refused: Sequence[RecordError] = (),
) -> ImportReport:
    """Write valid records to the store, or raise ImportRefused naming every problem and write nothing.

    `refused` are the problems `validate` found in the file's other records: they are reported
    together with any the store finds here, so one run lists everything to fix.
    """
    resolver = RecordResolver(session, records, file)
    resolved = [found for number, record in records if (found := resolver.resolve(number, record)) is not None]
    if refused or resolver.errors:
        raise ImportRefused(sorted([*refused, *resolver.errors], key=lambda error: error.record))
    report = ImportReport(read=len(records))
    fresh = _drop_duplicates(session, resolved, report)
    if not fresh and not resolver.new_actors:
        return report
    system_repository.begin_data_change(session)
    writing.write_pending(session=session, resolver=resolver)
    writing.insert_resolved(
        session=session, resolved=fresh, via=via, user_id=user_id, note=f"imported from {file}", progress=progress
    )
    report.added = len(fresh)
    report.actors_created = [pending.name for pending in resolver.new_actors.values()]
    report.offices_created = sum(len(offices) for _, offices in resolver.pending_offices)
    report.sources_created = len(resolver.pending_sources)
    report.sources_reused = len(resolver.reused_source_ids)
    return report


def _drop_duplicates(session: Session, resolved: list[Resolved], report: ImportReport) -> list[Resolved]:
    """The records not already stored and not repeated earlier in the file."""

    def stored_fingerprint(item: Resolved) -> str | None:
        if not isinstance(item.actor, Actor):
            return None
        return fingerprint(
            actor_id=item.actor.id, topic_id=item.topic.id, said_on=item.record.said_on, quote=item.record.quote
        )

    fingerprints = [stored_fingerprint(item) for item in resolved]  # each quote folded and hashed once
    stored = statements_repository.existing_fingerprints(session, filter(None, fingerprints))
    seen: set[str | tuple[Any, ...]] = set()
    fresh = []
    for item, known in zip(resolved, fingerprints, strict=True):
        # A stored actor's statement is known by its fingerprint; a new actor's has none yet.
        identity = known or (id(item.actor), item.topic.id, item.record.said_on, fold(item.record.quote))
        if identity in seen or known in stored:
            report.skipped += 1
        else:
            item.fingerprint = known  # the statement's column: each quote folded and hashed once
            fresh.append(item)
        seen.add(identity)
    return fresh


def export(*, session: Session, out: TextIO, fmt: str = "json") -> int:
    """Write every statement, published and retracted, in a stable order; returns the count."""
    records = (statement_record(statement) for statement in statements_repository.iter_for_export(session))
    return codec.write_json(records, out) if fmt == "json" else codec.write_csv(records, out)
