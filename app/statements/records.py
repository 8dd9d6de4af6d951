"""A statement as one record of the interchange format: what seed, import, export, the JSON API and revisions share.

See docs/interchange.md for the format written out with an example.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from app.actors.models import ActorKind, OfficeRank
from app.sources.urls import normalise_url
from app.statements import rules
from app.statements.cards import StatementCard
from app.statements.models import Statement
from app.text import clean_text
from app.topics.schemas import TopicSlug

FORMAT_NAME = "intercept-watch/statements"
FORMAT_VERSION = 1
MAX_SOURCES = 20

_COUNTRY_CODE = re.compile(r"[A-Z]{2,8}")
_SOURCE_KEY = re.compile(r"[a-z0-9][a-z0-9:._/-]{0,199}")


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _line(max_length: int) -> AfterValidator:
    return AfterValidator(lambda value: clean_text(value, max_length=max_length, multiline=False))


def _block(max_length: int) -> AfterValidator:
    return AfterValidator(lambda value: clean_text(value, max_length=max_length, multiline=True))


def _pattern(pattern: re.Pattern[str], what: str, transform: Any = str.strip) -> AfterValidator:
    def check(value: str) -> str:
        value = transform(value)
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {what}")
        return value

    return AfterValidator(check)


def _url(value: str) -> str:
    return normalise_url(value)


IsoDate = Annotated[date, BeforeValidator(rules.parse_iso_date)]
Line200 = Annotated[str, _line(200)]
Line500 = Annotated[str, _line(500)]
OptionalLine = Annotated[
    str | None,
    BeforeValidator(_blank_to_none),
    AfterValidator(lambda value: None if value is None else clean_text(value, max_length=1000, multiline=False)),
]
OptionalBlock = Annotated[
    str | None,
    BeforeValidator(_blank_to_none),
    AfterValidator(lambda value: None if value is None else clean_text(value, max_length=10_000, multiline=True)),
]
Language = Annotated[str, AfterValidator(rules.check_language)]
CountryCode = Annotated[
    str, _pattern(_COUNTRY_CODE, "a country code such as 'PL' (or 'NATO')", lambda v: v.strip().upper())
]
SourceKey = Annotated[str, _pattern(_SOURCE_KEY, "a source key (lower-case letters, digits and : . _ / -)")]


class SourceRecord(BaseModel):
    """A cited source: a URL, or a stable key for an article known only by its text."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[
        str | None, BeforeValidator(_blank_to_none), AfterValidator(lambda v: None if v is None else _url(v))
    ] = None
    key: Annotated[SourceKey | None, BeforeValidator(_blank_to_none)] = None
    outlet: Line200
    title: Line500
    published_on: Annotated[
        IsoDate | None,
        BeforeValidator(_blank_to_none),
        AfterValidator(lambda v: None if v is None else rules.check_not_future(v)),
    ] = None
    language: Language = "en"

    @model_validator(mode="after")
    def _url_or_key(self) -> SourceRecord:
        if self.url is None and self.key is None:
            raise _field_error("url", "give the source's URL (or a key, for an article known only by its text)")
        return self


class StatementRecord(BaseModel):
    """One statement, as the interchange format writes it."""

    model_config = ConfigDict(extra="forbid")

    actor: Line200
    country: Annotated[CountryCode | None, BeforeValidator(_blank_to_none)] = None
    office: Annotated[Line200 | None, BeforeValidator(_blank_to_none)] = None
    topic: TopicSlug
    said_on: Annotated[IsoDate, AfterValidator(rules.check_said_on)]
    date_precision: Literal["day", "month"] = "day"
    date_is_report_date: StrictBool = False
    stance: Annotated[int, BeforeValidator(rules.check_stance_number)]  # strict: JSON's "2" is text, refused
    condition: OptionalLine = None
    quote: Annotated[str, _block(rules.QUOTE_MAX_LENGTH)]
    quote_is_verbatim: StrictBool = True
    language: Language = "en"
    translation: OptionalBlock = None
    sources: Annotated[list[SourceRecord], Field(min_length=1, max_length=MAX_SOURCES)]
    status: Literal["published", "retracted"] = "published"
    # Beyond the example: kept so an export re-imports to the same store.
    office_rank: OfficeRank | None = None
    actor_kind: ActorKind | None = None
    date_note: OptionalBlock = None
    rationale: OptionalBlock = None
    retraction_reason: OptionalLine = None

    @model_validator(mode="after")
    def _consistent(self) -> StatementRecord:
        for field, message in _across_fields({name: getattr(self, name) for name in _ACROSS_FIELDS}):
            raise _field_error(field, message)
        return self

    @property
    def label(self) -> str:
        """How an error message names the record."""
        return f"{self.actor}, {self.said_on.isoformat()}"


# The rules that compare fields, and the fields they read.
_ACROSS_FIELDS = ("said_on", "date_precision", "language", "translation", "status", "retraction_reason")


def _across_fields(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each rule across fields that `values` breaks (skipped when a field it reads is absent)."""
    found = []
    if (
        {"said_on", "date_precision"} <= values.keys()
        and values["date_precision"] == "month"
        and values["said_on"].day != 1
    ):
        found.append(("said_on", "a date known only to the month is written with day 01"))
    if (
        {"language", "translation"} <= values.keys()
        and not rules.is_english(values["language"])
        and values["translation"] is None
    ):
        found.append(("translation", f"is required when the language is not English (it is '{values['language']}')"))
    if {"status", "retraction_reason"} <= values.keys():
        if values["status"] == "retracted" and values["retraction_reason"] is None:
            found.append(("retraction_reason", "is required for a retracted statement"))
        if values["status"] == "published" and values["retraction_reason"] is not None:
            found.append(("retraction_reason", "only a retracted statement has one"))
    return found


@cache
def _field_adapter(name: str) -> TypeAdapter[Any]:
    """A validator for one field of StatementRecord on its own, with that field's rules."""
    info = StatementRecord.model_fields[name]
    annotation: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(annotation)


def problems(values: Any) -> list[tuple[str, str]]:
    """Every problem with a raw record as (field path, message); empty when it is valid.

    Unlike one validation pass, this also checks the rules across fields when some other field
    is wrong, so a form or an API client learns about every bad field at once.
    """
    try:
        StatementRecord.model_validate(values)
    except ValidationError as error:
        found = describe(error)
    else:
        return []
    if not isinstance(values, Mapping):
        return found
    valid: dict[str, Any] = {}
    for name in _ACROSS_FIELDS:
        if name not in values and StatementRecord.model_fields[name].is_required():
            continue  # missing, and already reported: no rule across fields can read it (found by make fuzz)
        try:
            valid[name] = (
                _field_adapter(name).validate_python(values[name])
                if name in values
                else StatementRecord.model_fields[name].get_default(call_default_factory=True)
            )
        except ValidationError:
            continue
    reported = {path for path, _ in found}
    found.extend(item for item in _across_fields(valid) if item[0] not in reported)
    return found


class _FieldError(ValueError):
    """A model-level rule that belongs to one field; `describe` reports it under that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}\x1f{message}")


def _field_error(field: str, message: str) -> _FieldError:
    return _FieldError(field, message)


_PYDANTIC_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of the format",
    "bool_type": "must be true or false",
    "too_short": "needs at least one entry",
}


def describe(error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs for a validation error, with paths like 'sources[0].url'."""
    found: list[tuple[str, str]] = []
    for item in error.errors(include_url=False):
        path = ""
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = str(item["msg"]).removeprefix("Value error, ")
        if "\x1f" in message:
            field, message = message.split("\x1f", 1)
            path = f"{path}.{field}" if path else field
        elif item["type"] in _PYDANTIC_MESSAGES:
            message = _PYDANTIC_MESSAGES[item["type"]]
            if item["type"] == "too_short" and path == "sources":
                message = "needs at least one source"
        elif item["type"] == "literal_error":
            message = f"must be one of {item['ctx']['expected']}"
        elif item["type"] == "enum":
            message = f"must be one of {item['ctx']['expected']}"
        found.append((path or "record", message))
    return found


def statement_record(statement: Statement | StatementCard) -> dict[str, Any]:
    """The statement in the interchange format (its actor, country, office, topic and sources loaded)."""
    return {
        "actor": statement.actor.name,
        "country": statement.country.code,
        "office": statement.office.title,
        "topic": statement.topic.slug,
        "said_on": statement.said_on.isoformat(),
        "date_precision": statement.date_precision.value,
        "date_is_report_date": statement.date_is_report_date,
        "stance": statement.stance,
        "condition": statement.condition,
        "quote": statement.quote,
        "quote_is_verbatim": statement.quote_is_verbatim,
        "language": statement.language,
        "translation": statement.translation,
        "sources": [
            {
                "url": source.url,
                "key": source.key,
                "outlet": source.outlet,
                "title": source.title,
                "published_on": source.published_on.isoformat() if source.published_on else None,
                "language": source.language,
            }
            for source in statement.sources
        ],
        "status": statement.status.value,
        "office_rank": statement.office.rank.value,
        "actor_kind": statement.actor.kind.value,
        "date_note": statement.date_note,
        "rationale": statement.rationale,
        "retraction_reason": statement.retraction_reason,
    }
