"""The statement table and its link to sources."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User  # noqa: F401  (the app_user table its foreign keys name)
from app.actors.models import Actor, Office
from app.countries.models import Country
from app.db import Base, str_enum, utcnow
from app.sources.models import Source
from app.topics.models import Topic


class DatePrecision(enum.StrEnum):
    DAY = "day"
    MONTH = "month"  # said_on is then the first day of the month


class StatementStatus(enum.StrEnum):
    PUBLISHED = "published"
    RETRACTED = "retracted"  # kept, with its reason; out of scores and listings


STANCE_MEANINGS: dict[int, str] = {
    -2: "firmly opposed",
    -1: "opposed or sceptical",
    0: "neutral or ambiguous",
    1: "conditional support or open to it",
    2: "supports",
}


_PUBLISHED_SQL = "status = 'published'"
_published_only: dict[str, Any] = {"sqlite_where": text(_PUBLISHED_SQL), "postgresql_where": text(_PUBLISHED_SQL)}
_RETRACTED_SQL = "status = 'retracted'"


class Statement(Base):
    """One position-bearing statement by one actor on one topic."""

    __tablename__ = "statement"
    __table_args__ = (
        CheckConstraint("stance BETWEEN -2 AND 2", name="stance_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        # Listings and scores read published statements only, so their indexes hold only those rows,
        # in history order, with the stance: counts, keyset scans and stance filters stay inside the
        # index. Queries must spell the predicate as a literal (PUBLISHED below) for SQLite to use them.
        # A series' index also carries what the scoring rule folds (actor, office, whether a condition is
        # attached), so a position on a day inside a month reads the index alone (migration 0017).
        Index(
            "ix_statement_country_topic_said_on",
            "country_id",
            "topic_id",
            "said_on",
            "id",
            "stance",
            "actor_id",
            "office_id",
            "conditional",
            **_published_only,
        ),
        Index("ix_statement_country_said_on", "country_id", "said_on", "id", "stance", **_published_only),
        Index("ix_statement_topic_said_on", "topic_id", "said_on", "id", "stance", **_published_only),
        Index("ix_statement_actor_said_on", "actor_id", "said_on", "id", "stance", **_published_only),
        Index("ix_statement_said_on", "said_on", "id", "stance", **_published_only),
        # The few retracted statements, for the Atom feed, which keeps them among its latest entries.
        Index(
            "ix_statement_retracted_said_on",
            "said_on",
            "id",
            sqlite_where=text(_RETRACTED_SQL),
            postgresql_where=text(_RETRACTED_SQL),
        ),
        # Only the keys that exist: the unique constraint's index also holds every keyless import.
        Index(
            "ix_statement_submission_key",
            "submission_key",
            sqlite_where=text("submission_key IS NOT NULL"),
            postgresql_where=text("submission_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"))
    # The actor's country, copied so listings filter and sort on one index.
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)

    said_on: Mapped[date]
    date_precision: Mapped[DatePrecision] = mapped_column(
        str_enum(DatePrecision, "date_precision"), default=DatePrecision.DAY
    )
    date_is_report_date: Mapped[bool] = mapped_column(default=False)
    date_note: Mapped[str | None] = mapped_column(Text)

    quote: Mapped[str] = mapped_column(Text)
    quote_is_verbatim: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    translation: Mapped[str | None] = mapped_column(Text)

    stance: Mapped[int] = mapped_column(SmallInteger)
    condition: Mapped[str | None] = mapped_column(Text)
    # Kept by the database, so an index can carry it: computed on read on SQLite, stored on PostgreSQL
    # (migration 0017).
    conditional: Mapped[bool] = mapped_column(Computed("condition IS NOT NULL"))
    rationale: Mapped[str | None] = mapped_column(Text)

    status: Mapped[StatementStatus] = mapped_column(
        str_enum(StatementStatus, "status"), default=StatementStatus.PUBLISHED
    )
    retraction_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    # Folded (actor, topic, date, quote): how a re-import or a resubmission is recognised. Unique among
    # the rows of one insert (repeats are skipped first), so it is also SQLAlchemy's insert sentinel:
    # it keeps a batched INSERT's RETURNING ids in the rows' order on SQLite, which has no other way
    # to, and would otherwise be sent one INSERT a row (repository.insert_many).
    fingerprint: Mapped[str] = mapped_column(String(64), index=True, insert_sentinel=True)
    # The form's or API client's idempotency key: a repeated submission finds its first statement.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    actor: Mapped[Actor] = relationship(lazy="raise")
    country: Mapped[Country] = relationship(lazy="raise")
    topic: Mapped[Topic] = relationship(lazy="raise")
    office: Mapped[Office] = relationship(lazy="raise")
    source_links: Mapped[list[StatementSource]] = relationship(
        lazy="raise", order_by="StatementSource.position", cascade="all, delete-orphan"
    )

    @property
    def sources(self) -> list[Source]:
        return [link.source for link in self.source_links]

    @property
    def is_published(self) -> bool:
        return self.status == StatementStatus.PUBLISHED


class StatementSource(Base):
    """A statement cites one or more sources, in order."""

    __tablename__ = "statement_source"

    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    source: Mapped[Source] = relationship(lazy="raise")


# The published-only condition as a literal, so the planner can match the partial indexes above.
PUBLISHED = Statement.status == literal_column("'published'")
RETRACTED = Statement.status == literal_column("'retracted'")
