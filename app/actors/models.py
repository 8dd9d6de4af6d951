"""Actors, the names they go by, and the offices they held."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.countries.models import Country
from app.db import Base, str_enum, utcnow


class ActorKind(enum.StrEnum):
    PERSON = "person"
    INSTITUTION = "institution"


class OfficeRank(enum.StrEnum):
    """The office classes the aggregation rule weighs differently (see app/stances/scoring.py)."""

    HEAD = "head"  # head of state or government; NATO Secretary General
    MINISTER = "minister"  # foreign or defence minister
    OTHER = "other"  # other officials, parliaments, spokespersons, institutions


class Actor(Base):
    """A person, or a body such as "NATO spokesperson". Whom they speak for is their office's (`Office.country`)."""

    __tablename__ = "actor"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind, "kind"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[ActorAlias]] = relationship(back_populates="actor", lazy="raise", order_by="ActorAlias.id")
    offices: Mapped[list[Office]] = relationship(
        back_populates="actor", lazy="raise", order_by="(Office.started_on.asc().nulls_last(), Office.id)"
    )


class ActorAlias(Base):
    """A name an actor goes by; `key` is the folded form used to match names."""

    __tablename__ = "actor_alias"
    __table_args__ = (UniqueConstraint("actor_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"))
    alias: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)

    actor: Mapped[Actor] = relationship(back_populates="aliases", lazy="raise")
    words: Mapped[list[ActorAliasWord]] = relationship(lazy="raise", cascade="all")


# Compared byte by byte on PostgreSQL too, so a prefix is exactly one index range (as on SQLite).
_WORD = String(200).with_variant(String(200, collation="C"), "postgresql")


class ActorAliasWord(Base):
    """One word of an alias's folded key: a typed prefix finds actors with one index range, never a scan."""

    __tablename__ = "actor_alias_word"

    word: Mapped[str] = mapped_column(_WORD, primary_key=True)
    alias_id: Mapped[int] = mapped_column(ForeignKey("actor_alias.id"), primary_key=True, index=True)


class Office(Base):
    """An office an actor held over [started_on, ended_on), belonging to a member state or an institution.

    Open ends mean "not recorded". A statement counts for the country of the office held that day.
    """

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id"), index=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("country.id"), index=True, comment="the member state or institution it belongs to"
    )
    title: Mapped[str] = mapped_column(String(200))
    rank: Mapped[OfficeRank] = mapped_column(str_enum(OfficeRank, "rank"))
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None] = mapped_column(comment="exclusive: the successor's first day")

    actor: Mapped[Actor] = relationship(back_populates="offices", lazy="raise")
    country: Mapped[Country] = relationship(lazy="raise")

    def held_on(self, day: date) -> bool:
        """Whether this office was held on `day`, reading open ends as unbounded."""
        return (self.started_on is None or self.started_on <= day) and (self.ended_on is None or day < self.ended_on)
