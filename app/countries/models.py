"""The country table: who the matrix has a row for."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, str_enum


class CountryKind(enum.StrEnum):
    MEMBER = "member"
    ALLIANCE = "alliance"
    PARTNER = "partner"
    INSTITUTION = "institution"


class Country(Base):
    """Whom an office belongs to: a NATO member state, the alliance's own institutions (code NATO),
    Ukraine (partner), or another institution an admin adds (the EU, say). Only members are scored
    as members; the others are shown apart."""

    __tablename__ = "country"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[CountryKind] = mapped_column(str_enum(CountryKind, "kind"))
    joined_on: Mapped[date | None] = mapped_column(comment="NATO accession date, for member states")
    borders_ukraine: Mapped[bool] = mapped_column(default=False)
