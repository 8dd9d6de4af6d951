"""JSON shapes of an actor's page."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.countries.schemas import OfficeOut
from app.statements.schemas import StatementOut


class ChangeOut(BaseModel):
    topic: str
    before: StatementOut
    after: StatementOut
    points: int = Field(description="How far the stance moved (2 or more).")


class ActorOut(BaseModel):
    name: str
    slug: str
    kind: str
    country: str
    aliases: list[str]
    offices: list[OfficeOut]
    changes: list[ChangeOut] = Field(
        description="The newest 50 statements 2 or more points away from the actor's previous one on the same topic."
    )
    changes_total: int = Field(description="How many such changes there are in all.")
    latest_statements: list[StatementOut]
    all_statements: str
