"""The add and edit forms: the values as typed, the interchange record they make, and where each message goes.

The form is checked by exactly the record's rules (app/statements/writing.py `check`), so the form
and the JSON API give the same messages. This module only turns form fields into a record, and a
message's field path ('sources[1].url') into the form field it belongs beside ('source-1-url').
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from app.actors.models import OfficeRank
from app.actors.rules import infer_rank
from app.errors import FieldError
from app.statements import rules
from app.statements.records import MAX_SOURCES
from app.statements.schemas import StatementForm

# The record's fields the form shows, in the order it shows them.
FIELDS = (
    "actor",
    "country",
    "office",
    "office_rank",
    "actor_kind",
    "topic",
    "said_on",
    "date_precision",
    "date_is_report_date",
    "date_note",
    "quote",
    "quote_is_verbatim",
    "language",
    "translation",
    "stance",
    "condition",
    "rationale",
)
SOURCE_PARTS = ("url", "key", "outlet", "title", "published_on")
# Left blank, these are left out of the record, so the message is "is required" rather than "is empty".
_REQUIRED = frozenset({"actor", "topic", "said_on", "stance", "quote"})
_DEFAULTS = {"date_precision": "day", "quote_is_verbatim": "true", "language": "en", "actor_kind": "person"}
_ISO_DAY = re.compile(r"(\d{4}-\d{2})-\d{2}")
_SOURCE_PATH = re.compile(r"sources\[(\d+)\](?:\.(\w+))?")

LABELS = {
    "actor": "Actor",
    "country": "Country or institution",
    "office": "Office",
    "office_rank": "Office class",
    "actor_kind": "Kind",
    "topic": "Topic",
    "said_on": "Date",
    "date_precision": "Date known to the",
    "date_is_report_date": "Only the report's date",
    "date_note": "How the date was established",
    "quote": "Quote",
    "quote_is_verbatim": "Verbatim or paraphrase",
    "language": "Language",
    "translation": "English translation",
    "stance": "Stance",
    "condition": "Condition",
    "rationale": "Why this stance",
    "sources": "Sources",
    "submission_key": "Form",
    "version": "Version",
    "note": "What changed and why",
    "reason": "Reason",
    "form": "Form",
}
SOURCE_LABELS = {"url": "URL", "outlet": "outlet", "title": "title", "published_on": "publication date"}
# When one field changes, the fields whose messages may change with it.
_RELATED = {
    "actor": ("actor", "country", "office", "office_rank"),
    "country": ("country", "actor", "office"),
    "office": ("office", "office_rank"),
    "office_rank": ("office_rank", "office"),
    "language": ("language", "translation"),
    "date_precision": ("date_precision", "said_on"),
    "said_on": ("said_on", "office", "country"),
    "topic": ("topic",),
}
RANK_MEANINGS = {
    OfficeRank.HEAD: "head of state or government, or NATO Secretary General (weight 3)",
    OfficeRank.MINISTER: "foreign or defence minister (weight 2)",
    OfficeRank.OTHER: "another official or an institution (weight 1)",
}


def label(field_id: str) -> str:
    """What a reader calls a form field: 'Date', 'Source 2: URL'."""
    found = re.fullmatch(r"source-(\d+)-(\w+)", field_id)
    if found:
        return f"Source {int(found[1]) + 1} {SOURCE_LABELS.get(found[2], found[2])}"
    return LABELS.get(field_id, field_id)


@dataclass
class SourceRow:
    url: str = ""
    key: str = ""  # an article known only by its text has a key and no URL (kept hidden)
    outlet: str = ""
    title: str = ""
    published_on: str = ""

    @property
    def blank(self) -> bool:
        return not any(getattr(self, part).strip() for part in SOURCE_PARTS)


@dataclass
class FormState:
    """The form as the editor sees it: every value as typed, one row per source."""

    values: dict[str, str]
    sources: list[SourceRow]
    focus: str | None = None  # the field to focus when the form comes back

    @property
    def office_rank_guess(self) -> OfficeRank | None:
        """The office class the title suggests, used when the editor leaves the class to the title."""
        office = self.values.get("office", "").strip()
        return infer_rank(office) if office else None


def blank() -> FormState:
    """An empty form."""
    return FormState({name: _DEFAULTS.get(name, "") for name in FIELDS}, [SourceRow()])


def from_form(form: StatementForm) -> FormState:
    """The submitted form, with a source row added or removed if that is what was asked."""
    values = {name: getattr(form, name) for name in FIELDS}
    columns = [form.source_url, form.source_key, form.source_outlet, form.source_title, form.source_published_on]
    rows = [SourceRow(*parts) for parts in zip_longest(*columns, fillvalue="")]
    state = FormState(values, rows or [SourceRow()])
    if form.add_source and len(state.sources) < MAX_SOURCES:
        state.sources.append(SourceRow())
        state.focus = f"source-{len(state.sources) - 1}-url"
    if form.remove_source.isdigit() and int(form.remove_source) < len(state.sources):
        del state.sources[int(form.remove_source)]
        if not state.sources:
            state.sources.append(SourceRow())
        state.focus = "sources"
    return state


def from_record(record: Mapping[str, Any]) -> FormState:
    """A stored statement's interchange record as a filled-in form (for editing)."""
    values = {}
    for name in FIELDS:
        value = record.get(name)
        if isinstance(value, bool):
            value = "true" if value else ("" if name == "date_is_report_date" else "false")
        values[name] = "" if value is None else str(value)
    values["office_rank"] = ""  # the class stays as recorded unless the editor sets one
    rows = [
        SourceRow(*("" if source.get(part) is None else str(source[part]) for part in SOURCE_PARTS))
        for source in record.get("sources", [])
    ]
    return FormState(values, rows or [SourceRow()])


def _flag(value: str) -> bool | str:
    return {"": False, "false": False, "true": True}.get(value.strip(), value)


def to_record(state: FormState, *, keep: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[int]]:
    """The raw interchange record the form makes, and the form row of each of its sources.

    Blank source rows are left out. `keep` adds fields the form does not show (an edit keeps the
    statement's status).
    """
    raw: dict[str, Any] = {}
    for name in FIELDS:
        value = state.values.get(name, "")
        if name in _REQUIRED and not value.strip():
            continue
        if name in ("date_is_report_date", "quote_is_verbatim"):
            raw[name] = _flag(value) if name == "date_is_report_date" else _flag(value or "true")
        elif name in ("country", "office", "office_rank", "actor_kind"):
            raw[name] = value.strip() or None
        elif name == "stance":
            raw[name] = rules.stance_from_text(value)  # a form sends text; the record holds a number
        else:
            raw[name] = value
    said_on = _ISO_DAY.fullmatch(raw.get("said_on", "").strip())
    if said_on and state.values.get("date_precision") == "month":
        raw["said_on"] = f"{said_on[1]}-01"  # any day of the month will do
    rows = [index for index, row in enumerate(state.sources) if not row.blank]
    raw["sources"] = [
        {
            "url": state.sources[index].url.strip() or None,
            "key": state.sources[index].key.strip() or None,
            "outlet": state.sources[index].outlet,
            "title": state.sources[index].title,
            "published_on": state.sources[index].published_on.strip() or None,
        }
        for index in rows
    ]
    return raw | dict(keep or {}), rows


def field_of(path: str, rows: list[int]) -> str:
    """The form field a message's path belongs to: 'sources[1].url' -> 'source-<its row>-url'."""
    found = _SOURCE_PATH.match(path)
    if found:
        index = int(found[1])
        row = rows[index] if index < len(rows) else index
        part = found[2] if found[2] in SOURCE_LABELS else "url"
        return f"source-{row}-{part}"
    name = re.split(r"[.\[]", path, maxsplit=1)[0]
    return name if name in FIELDS or name == "sources" else "form"


def _position(field_id: str) -> tuple[int, int, int]:
    """Where a field is on the form, so messages are listed in the order the fields are."""
    found = re.fullmatch(r"source-(\d+)-(\w+)", field_id)
    if found:
        return (len(FIELDS) + 1, int(found[1]), list(SOURCE_LABELS).index(found[2]) if found[2] in SOURCE_LABELS else 0)
    if field_id in FIELDS:
        return (FIELDS.index(field_id), 0, 0)
    return (len(FIELDS), 0, 0) if field_id == "sources" else (-1, 0, 0)


def messages(errors: Iterable[FieldError], rows: list[int]) -> dict[str, str]:
    """Display text by form field, in the form's order: 'Date: is in the future' (a field's messages joined)."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(field_of(error.field, rows), []).append(error.message)
    return {name: f"{label(name)}: {'; '.join(by_field[name])}" for name in sorted(by_field, key=_position)}


def related(field_id: str) -> tuple[str, ...]:
    """The fields whose messages an inline check of `field_id` refreshes."""
    if re.fullmatch(r"source-\d+-(url|outlet|title|published_on)", field_id):
        return (field_id,)
    if field_id in FIELDS:
        return _RELATED.get(field_id, (field_id,))
    return ()
