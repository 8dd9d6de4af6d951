"""The store's health (can it be read, is it migrated) and what it holds."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import __version__
from app.actors.models import Actor
from app.countries.models import Country
from app.stances import scoring
from app.statements import repository as statements_repository
from app.statements.models import StatementStatus
from app.system import migrations, repository
from app.system.repository import DataStamp
from app.system.schemas import Counts, Health, Stats

__all__ = ["DataStamp", "data_stamp", "health", "stats"]


def data_stamp(*, session: Session, scope: str | None = None) -> DataStamp:
    """The data version of the last write that changed what `scope`'s pages show (every write, unscoped)."""
    return repository.data_stamp(session, scope)


def health(*, session: Session) -> Health:
    """The migration revision and the data version, in one read of two one-row tables; 'ok' only at head.

    When that read fails (a store not migrated yet, or one missing a table), the two are read apart,
    the revision inside a savepoint, so the report can still say what is wrong.
    """
    head = migrations.head_revision()
    try:
        revision, data_version = repository.revision_and_data_version(session)
    except DBAPIError:
        session.rollback()
        revision, data_version = migrations.revision_on(session.connection()), repository.data_version(session)
    return Health(
        status="ok" if revision == head else "needs migration",
        version=__version__,
        dialect=session.get_bind().dialect.name,
        migration_revision=revision,
        migration_head=head,
        rule_version=scoring.RULE_VERSION,
        data_version=data_version,
    )


def stats(*, session: Session) -> Stats:
    """What the store holds, counted (the statements from their index): for /stats.json, kept per data version."""
    rows = repository.count_rows(session, Country, Actor)
    by_status = statements_repository.count_by_status(session)
    published = by_status.get(StatementStatus.PUBLISHED, 0)
    retracted = by_status.get(StatementStatus.RETRACTED, 0)
    return Stats(
        data_version=repository.data_stamp(session).version,
        counts=Counts(
            countries=rows["country"],
            actors=rows["actor"],
            statements=published + retracted,
            published=published,
            retracted=retracted,
        ),
    )
