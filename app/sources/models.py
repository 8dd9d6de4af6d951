"""The source table."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Source(Base):
    """A cited article: by its normalised URL, or by a stable key when it is known only by its text."""

    __tablename__ = "source"
    __table_args__ = (CheckConstraint("url IS NOT NULL OR key IS NOT NULL", name="url_or_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2048), unique=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    outlet: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    published_on: Mapped[date | None]
    language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
