"""JSON shapes of an actor's page."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.countries.schemas import OfficeOut
from app.statements.schemas import ChangeOut, StatementOut


class CareerOfficeOut(OfficeOut):
    country_name: str
    statements: int = Field(description="Published statements made in this office.")
    statements_url: str = Field(description="The history of those statements.")


class ActorOut(BaseModel):
    name: str
    slug: str
    kind: str
    countries: list[str] = Field(description="Where the actor's offices belong, in the order held.")
    aliases: list[str]
    offices: list[CareerOfficeOut] = Field(description="The actor's career: each office, whom it belongs to, when.")
    changes: list[ChangeOut] = Field(
        description="Changes of position, newest first (the newest 50): each statement whose stance differs from the "
        "actor's previous one on the same topic, with both statements."
    )
    changes_total: int = Field(description="How many changes of position there are in all.")
    latest_statements: list[StatementOut]
    all_statements: str
