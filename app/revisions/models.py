"""The revision table. Rows are only ever inserted; database triggers refuse updates and deletes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.accounts.models import User  # noqa: F401  (the app_user table its foreign keys name)
from app.db import Base, str_enum, utcnow


class RevisionAction(enum.StrEnum):
    CREATE = "create"
    EDIT = "edit"
    RETRACT = "retract"
    RESTORE = "restore"


class Revision(Base):
    """Who changed a statement, when, and its full state before and after (interchange JSON)."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("statement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"))
    version: Mapped[int] = mapped_column(comment="the statement's version after this change")
    action: Mapped[RevisionAction] = mapped_column(str_enum(RevisionAction, "action"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    via: Mapped[str] = mapped_column(String(32), comment="form, api, import, seed or cli")
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
