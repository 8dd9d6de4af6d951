"""Shapes of statements: the JSON the pages' twins and the write API return, and the forms and bodies that arrive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app import params
from app.accounts.schemas import CsrfForm
from app.actors.rules import PositionChange
from app.errors import ProblemOut
from app.statements.cards import StatementCard
from app.statements.models import STANCE_MEANINGS, Statement
from app.statements.paging import PAGE_TOKEN_PATTERN


class SourceOut(BaseModel):
    url: str | None = Field(description="The article's URL; null for an article known only by its text.")
    key: str | None = Field(description="A stable key for an article without a URL.")
    outlet: str
    title: str
    published_on: date | None
    language: str


class ActorRef(BaseModel):
    name: str
    slug: str
    url: str


class StatementOut(BaseModel):
    id: int
    url: str
    actor: ActorRef
    country: str
    office: str = Field(description="The office the actor held on the statement's date.")
    office_rank: str = Field(description="head, minister or other: the class the aggregation rule weighs.")
    topic: str
    said_on: date
    date_precision: str
    date_is_report_date: bool
    date_note: str | None
    quote: str
    quote_is_verbatim: bool
    language: str
    translation: str | None
    stance: int = Field(ge=-2, le=2)
    stance_meaning: str
    condition: str | None
    rationale: str | None
    status: str
    retraction_reason: str | None
    version: int
    sources: list[SourceOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, statement: Statement | StatementCard) -> StatementOut:
        """From a statement loaded whole, or its card (both carry actor, country, office, topic and sources)."""
        return cls(
            id=statement.id,
            url=f"/statements/{statement.id}",
            actor=ActorRef(name=statement.actor.name, slug=statement.actor.slug, url=f"/actors/{statement.actor.slug}"),
            country=statement.country.code,
            office=statement.office.title,
            office_rank=statement.office.rank.value,
            topic=statement.topic.slug,
            said_on=statement.said_on,
            date_precision=statement.date_precision.value,
            date_is_report_date=statement.date_is_report_date,
            date_note=statement.date_note,
            quote=statement.quote,
            quote_is_verbatim=statement.quote_is_verbatim,
            language=statement.language,
            translation=statement.translation,
            stance=statement.stance,
            stance_meaning=STANCE_MEANINGS[statement.stance],
            condition=statement.condition,
            rationale=statement.rationale,
            status=statement.status.value,
            retraction_reason=statement.retraction_reason,
            version=statement.version,
            sources=[
                SourceOut(
                    url=s.url,
                    key=s.key,
                    outlet=s.outlet,
                    title=s.title,
                    published_on=s.published_on,
                    language=s.language,
                )
                for s in statement.sources
            ],
            created_at=statement.created_at,
            updated_at=statement.updated_at,
        )


class HistoryOut(BaseModel):
    filters: dict[str, str | list[str]] = Field(description="The filters applied, as query parameters.")
    count: int = Field(description="Matching statements, counted up to 10,000.")
    count_is_capped: bool = Field(description="True when there are more than 10,000 (shown as '10,000+').")
    count_is_lower_bound: bool = Field(
        description="True when at least `count` match: over the cap, or counting stopped early to stay fast."
    )
    page_size: int
    statements: list[StatementOut]
    older: str | None = Field(description="URL of the next, older page.")
    newer: str | None = Field(description="URL of the previous, newer page.")
    data_version: int


class RevisionSummaryOut(BaseModel):
    version: int
    action: str
    at: datetime
    via: str
    note: str | None
    by: str | None = Field(description="The display name of the user who made it (null for seed, import or CLI).")
    by_email: str | None = Field(default=None, description="That user's email address: for admins only, else null.")


class StatementPageOut(BaseModel):
    statement: StatementOut
    matrix_cell: str = Field(description="URL of the matrix cell this statement counts in.")
    revisions: list[RevisionSummaryOut]


MAX_SEARCH_LENGTH = 200
STANCE_VALUES = ["", "-2", "-1", "0", "1", "2"]

# ---- The history's filters as the query string gives them: declared once, for the page, its JSON and
# CSV twins, and the feed. app/statements/filters.py checks them against the store.


class HistoryQuery(BaseModel):
    """The history's filters and page tokens, as typed into a URL."""

    model_config = ConfigDict(populate_by_name=True)

    country: list[Annotated[str, Field(json_schema_extra=params.COUNTRIES)]] = Field(
        [], description="ISO 3166-1 alpha-2 codes (NATO, UA too); repeat for several."
    )
    actor: str | None = Field(None, description="Actor slug (or a name or alias).", json_schema_extra=params.ACTORS)
    topic: str | None = Field(None, description="Topic slug.", json_schema_extra=params.TOPICS)
    stance: list[Annotated[str, Field(json_schema_extra={"enum": STANCE_VALUES})]] = Field(
        [], description="Stances from -2 to 2; repeat for several."
    )
    first: str | None = Field(
        None,
        alias="from",
        description="YYYY-MM-DD, inclusive (not after 'to').",
        json_schema_extra={"pattern": params.DAY_PATTERN},
    )
    last: str | None = Field(
        None, alias="to", description="YYYY-MM-DD, inclusive.", json_schema_extra={"pattern": params.DAY_PATTERN}
    )
    q: str | None = Field(
        None,
        description="Words to find in quotes and translations, each in any form ('drone' finds 'drones'), "
        "ignoring case and accents; punctuation alone searches for nothing and is ignored.",
        json_schema_extra={"maxLength": MAX_SEARCH_LENGTH},
    )
    conditional: str | None = Field(
        None,
        description="1: only statements with a condition attached.",
        json_schema_extra={"enum": list(params.FLAG_VALUES)},
    )
    after: str | None = Field(
        None,
        description="Page token: the page after the row it names (404 for a token this site did not make).",
        json_schema_extra={"pattern": PAGE_TOKEN_PATTERN},
    )
    before: str | None = Field(
        None,
        description="Page token: the page before the row it names (not with 'after').",
        json_schema_extra={"pattern": PAGE_TOKEN_PATTERN},
    )


class UnpagedQuery(HistoryQuery):
    """The history's filters without pages, for the CSV (every match) and the feed (the latest)."""

    after: str | None = Field(None, description="Refused: no pages here.", json_schema_extra={"maxLength": 0})
    before: str | None = Field(None, description="Refused: no pages here.", json_schema_extra={"maxLength": 0})


# ---- The add and edit forms as they arrive (see app/statements/forms.py for what they become).
# Every field defaults to empty, so a missing one gets the record's own message beside it; unknown
# fields are refused. Sources arrive as parallel lists, one entry per row of the form.


class StatementForm(CsrfForm):
    submission_key: str = ""
    actor: str = ""
    country: str = ""
    office: str = ""
    office_rank: str = ""
    actor_kind: str = ""
    topic: str = ""
    said_on: str = ""
    date_precision: str = "day"
    date_is_report_date: str = ""
    date_note: str = ""
    quote: str = ""
    quote_is_verbatim: str = "true"
    language: str = "en"
    translation: str = ""
    stance: str = ""
    condition: str = ""
    rationale: str = ""
    source_url: list[str] = []
    source_key: list[str] = []
    source_outlet: list[str] = []
    source_title: list[str] = []
    source_published_on: list[str] = []
    # Buttons that change the form instead of saving it (they work without JavaScript too).
    add_source: str = ""
    remove_source: str = ""
    find_actor: str = ""
    pick_actor: str = ""
    # "Use" on a candidate the article reader found: the form comes back filled in, unsaved.
    prefill: str = ""
    # "Save anyway", after a possible duplicate was shown.
    confirm_duplicate: str = ""


class EditForm(StatementForm):
    version: str = ""
    note: str = ""


class CheckForm(EditForm):
    """The form's fields as the inline check sends them, and which field changed."""

    check: str = ""


class ActorQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str = ""


class RetractForm(CsrfForm):
    version: str = ""
    reason: str = ""


class RestoreForm(CsrfForm):
    version: str = ""  # the version to make current again
    current_version: str = ""  # the version the admin was looking at


# ---- The JSON write API's answers.


class StatementWritten(BaseModel):
    statement: StatementOut
    created: bool = Field(description="False when nothing new was created: a repeated Idempotency-Key, or a PATCH.")
    reused_sources: list[str] = Field(
        description="URLs (or keys) of cited sources that were already recorded and were reused."
    )
    possible_duplicates: list[str] = Field(
        description="URLs of published statements by the same actor, on the same topic and day, "
        "with a very similar quote."
    )


class ConflictOut(ProblemOut):
    current_version: int = Field(
        description="The statement's version now: send it as `version` to change that version."
    )
    current: dict[str, Any] | None = Field(None, description="The statement now, in the interchange format.")


class ChangeOut(BaseModel):
    actor: ActorRef
    topic: str
    topic_title: str
    stance_before: int
    stance_after: int
    changed_on: date = Field(description="The date of the later statement.")
    summary: str = Field(description="'changed from +1 to +2 on 2 Sep 2024'.")
    points: int = Field(description="How far the stance moved.")
    before: StatementOut
    after: StatementOut

    @classmethod
    def of(cls, change: PositionChange, before: StatementCard, after: StatementCard) -> ChangeOut:
        """A change of position with both statements whole."""
        return cls(
            actor=ActorRef(name=after.actor.name, slug=after.actor.slug, url=f"/actors/{after.actor.slug}"),
            topic=after.topic.slug,
            topic_title=after.topic.title,
            stance_before=change.stance_before,
            stance_after=change.stance_after,
            changed_on=change.changed_on,
            summary=change.summary,
            points=abs(change.stance_after - change.stance_before),
            before=StatementOut.of(before),
            after=StatementOut.of(after),
        )
