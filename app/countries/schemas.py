"""JSON shapes of a country's page."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from app.accounts.schemas import CsrfForm
from app.statements.schemas import ChangeOut, StatementOut


class PositionOut(BaseModel):
    topic: str
    topic_title: str
    is_context: bool
    band: str | None = Field(description="null: no statement on record (never the same as neutral).")
    score: float | None
    statements_on_record: int
    officials_counted: int
    first_on: date | None
    last_on: date | None
    divided: bool
    conditional: bool
    carried_forward_from: str | None


class OfficeOut(BaseModel):
    title: str
    rank: str
    country: str = Field(description="The member state or institution the office belongs to (ISO code, NATO, UA, EU).")
    started_on: date | None
    ended_on: date | None


class SpeakerOut(BaseModel):
    name: str
    slug: str
    url: str
    kind: str
    offices: list[OfficeOut]


class TimelineMonthOut(BaseModel):
    month: str
    score: float | None
    carried_forward: bool


class CountryOut(BaseModel):
    code: str
    name: str
    kind: str
    joined_on: date | None
    borders_ukraine: bool
    as_of: date
    rule_version: int
    data_version: int
    positions: list[PositionOut]
    timeline_topic: str
    timeline: list[TimelineMonthOut]
    speakers: list[SpeakerOut]
    changes: list[ChangeOut] = Field(
        description="Changes of position by the country's officials up to as_of, newest first (the newest 50): each "
        "statement whose stance differs from its speaker's previous one on the same topic, with both statements."
    )
    changes_total: int = Field(description="How many changes of position there are in all up to as_of.")
    latest_statements: list[StatementOut]
    all_statements: str = Field(description="URL of the full history for this country.")


class NewInstitutionForm(CsrfForm):
    """The admins' form adding an institution, as it arrives."""

    code: str = ""
    name: str = ""
