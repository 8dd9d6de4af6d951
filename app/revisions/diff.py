"""What changed between two versions of a statement: field by field, words marked. Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from app.text import language_name, signed

# The record's fields in reading order, with the names a reader sees.
FIELD_LABELS: dict[str, str] = {
    "actor": "Actor",
    "country": "Country",
    "office": "Office",
    "office_rank": "Office class",
    "topic": "Topic",
    "said_on": "Date",
    "date_precision": "Date known to the",
    "date_is_report_date": "Only the report's date",
    "date_note": "Date note",
    "stance": "Stance",
    "condition": "Condition",
    "quote": "Quote",
    "quote_is_verbatim": "Verbatim",
    "language": "Language",
    "translation": "Translation",
    "sources": "Sources",
    "rationale": "Rationale",
    "status": "Status",
    "retraction_reason": "Retraction reason",
    "actor_kind": "Actor kind",
}
_TOKEN = re.compile(r"\s+|[^\s]+")
# Text whose words are marked where they changed; any other field reads as 'before → after'.
PROSE = frozenset({"quote", "translation", "condition", "rationale", "retraction_reason", "date_note"})


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text: kept, removed ('del') or added ('ins')."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str
    pieces: list[Piece]  # a word-level diff, for long text


def _text(field: str, value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "stance":
        return signed(value)
    if field == "language":
        return language_name(value)
    if field == "sources":
        return "; ".join(source.get("url") or f"{source.get('outlet')}: {source.get('title')}" for source in value)
    return str(value)


def word_diff(before: str, after: str) -> list[Piece]:
    """The two texts as kept, deleted and inserted runs of words."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("del", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("ins", "".join(new[j1:j2])))
    return pieces


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[FieldChange]:
    """Every field whose value differs (all of them, for a first version)."""
    found = []
    for field, label in FIELD_LABELS.items():
        old = None if before is None else before.get(field)
        new = after.get(field)
        if before is not None and old == new:
            continue
        old_text, new_text = ("" if before is None else _text(field, old)), _text(field, new)
        if field in PROSE or before is None:
            pieces = word_diff(old_text, new_text)
        else:
            pieces = [Piece("del", old_text), Piece("same", " \u2192 "), Piece("ins", new_text)]
        found.append(FieldChange(field, label, old_text, new_text, pieces))
    return found
