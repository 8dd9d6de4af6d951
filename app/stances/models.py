"""The stored aggregate: one row per country, topic and month in which a statement was made."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class StanceScore(Base):
    """A country's position on a topic at the end of a month that brought a new statement.

    Months with no new statement have no row: readers carry the previous row forward with
    `scoring.carry_forward`, and a country with no row up to a month has no statement on record.
    """

    __tablename__ = "stance_score"
    __table_args__ = (
        # The cell columns ride along so the matrix reads a window without visiting the table
        # (each row's evidence makes table rows large): migration 0008.
        Index(
            "ix_stance_score_topic_month_cells",
            "topic_id",
            "month",
            "country_id",
            "score",
            "band",
            "counted",
            "new",
            "total",
            "divided",
            "conditional",
        ),
        # The latest stored month, where the matrix and country pages end by default: migration 0009.
        Index("ix_stance_score_month", "month"),
    )

    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True, comment="first day of the month")
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    counted: Mapped[int] = mapped_column(comment="statements counted: each actor's latest")
    new: Mapped[int] = mapped_column(comment="published statements said in this month")
    total: Mapped[int] = mapped_column(comment="published statements up to the end of this month")
    divided: Mapped[bool]
    conditional: Mapped[bool]
    first_on: Mapped[date] = mapped_column(comment="the earliest statement's date")
    last_on: Mapped[date] = mapped_column(comment="the latest statement's date up to this month")
    evidence: Mapped[str] = mapped_column(Text, comment="JSON: the counted statements and weights")
    rule_version: Mapped[int]


class PositionChangeRow(Base):
    """A stored change of position: an actor's stance on a topic, among one country's statements, moved.

    Kept equal to `actors.rules.position_changes` over each (actor, topic, country) chain of published
    statements by the writer's unit of work (stances/refresh.py), so a country's page at any `as_of`
    reads its newest changes and their count from an index, not every statement the country made.
    The row is keyed by the statement that made the change: each statement follows at most one other.
    """

    __tablename__ = "position_change"
    __table_args__ = (
        Index("ix_position_change_country_changed_on", "country_id", "changed_on", "after_id"),
        Index("ix_position_change_chain", "actor_id", "topic_id", "country_id", "changed_on"),
    )

    after_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), primary_key=True, autoincrement=False)
    before_id: Mapped[int] = mapped_column(ForeignKey("statement.id"))
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"))
    stance_before: Mapped[int]
    stance_after: Mapped[int]
    changed_on: Mapped[date] = mapped_column(comment="the date of the statement that made the change")
