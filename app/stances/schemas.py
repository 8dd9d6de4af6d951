"""JSON shapes of the matrix, a cell's evidence and the methodology."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from app.statements.schemas import StatementOut


class MatrixCellOut(BaseModel):
    month: str = Field(description="YYYY-MM; the position as of the end of that month.")
    band: str | None = Field(
        description="supports, leans support, mixed or neutral, leans against, opposes; "
        "null when no statement is on record."
    )
    score: float | None
    statements_counted: int
    divided: bool
    conditional: bool
    carried_forward: bool = Field(
        description="No new statement this month: the position carries on from an earlier month."
    )
    no_statement_on_record: bool


class MatrixRowOut(BaseModel):
    country: str
    name: str
    kind: str
    cells: list[MatrixCellOut]


class MovedOut(BaseModel):
    country: str
    name: str
    from_band: str | None = Field(description="The band the month before; null: no statement on record then.")
    to_band: str | None
    from_score: float | None
    to_score: float | None
    statement_id: int | None = Field(description="The country's latest statement that month, behind the move.")
    said_on: date | None
    actor: str | None


class HeadlineOut(BaseModel):
    month: str = Field(description="YYYY-MM: the window's last month, which the headline and the map describe.")
    previous_month: str | None = Field(description="The month moves are counted from; null for a one-month window.")
    members: int = Field(description="Member states counted (every member, whatever hide_empty says).")
    support: int = Field(description="Members that support or lean support.")
    mixed: int = Field(description="Members mixed or neutral.")
    against: int = Field(description="Members that lean against or oppose.")
    no_statement: int = Field(description="Members with no statement on record.")
    moved: list[MovedOut] = Field(
        description="Members, institutions and Ukraine whose band changed since the month before."
    )
    latest: list[int] = Field(description="The ids of the topic's latest statements up to the as_of day, newest first.")


class MatrixOut(BaseModel):
    topic: str
    topic_title: str
    months: list[str]
    order: str
    as_of: date = Field(description="The day the positions stand on: the as_of asked for, or today.")
    current_month: str = Field(description="This month, YYYY-MM: where the default window ends.")
    rule_version: int
    data_version: int
    headline: HeadlineOut
    members: list[MatrixRowOut]
    others: list[MatrixRowOut] = Field(
        description="NATO's own institutions and Ukraine, shown apart from the member states."
    )


class WeighedStatementOut(BaseModel):
    statement: StatementOut
    office_weight: int
    age_days: int
    age_weight: float
    weight: float


class CellOut(BaseModel):
    country: str
    topic: str
    month: str
    as_of: date
    rule_version: int
    band: str | None
    score: float | None
    divided: bool
    conditional: bool
    carried_forward_from: str | None
    statements_on_record: int
    counted: list[WeighedStatementOut]


class ExampleRowOut(BaseModel):
    statement_id: int
    actor: str
    office: str
    said_on: date
    stance: int
    condition: str | None
    office_weight: int
    age_days: int
    age_weight: float
    weight: float
    contribution: float = Field(description="weight x stance")


class ExampleOut(BaseModel):
    country: str
    country_name: str
    topic: str
    month: str
    cell_date: date
    rows: list[ExampleRowOut]
    total_weight: float
    weighted_sum: float
    score: float
    band: str
    divided: bool
    conditional: bool


class BandEdgeOut(BaseModel):
    band: str
    rule: str


class MethodologyOut(BaseModel):
    rule_version: int
    half_life_days: int
    office_weights: dict[str, int]
    bands: list[BandEdgeOut]
    divided: str
    conditional: str
    example: ExampleOut | None
