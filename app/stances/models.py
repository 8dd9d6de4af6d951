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
