"""The single-row app_state table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

STATE_ID = 1


class AppState(Base):
    """Facts about the whole database: its data version and its secret."""

    __tablename__ = "app_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    data_version: Mapped[int] = mapped_column(BigInteger, default=1)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    secret: Mapped[str | None] = mapped_column(String(128))


class DataScope(Base):
    """The data version of the last write that changed what pages of one scope show (`*`: every page)."""

    __tablename__ = "data_scope"

    scope: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
