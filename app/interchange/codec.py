"""Reading and writing the interchange format as JSON or CSV. No database here."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from app.statements import rules
from app.statements.records import FORMAT_NAME, FORMAT_VERSION, StatementRecord

FIELDS: tuple[str, ...] = tuple(StatementRecord.model_fields)
BOOLEAN_FIELDS = frozenset({"date_is_report_date", "quote_is_verbatim"})
NON_TEXT_FIELDS = BOOLEAN_FIELDS | {"stance", "said_on", "sources"}
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")


class DocumentError(ValueError):
    """The file as a whole can't be read (not UTF-8, not JSON, wrong format name...)."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    number: int  # 1-based position in the file
    values: Any  # a dict if the file was well-formed at this record, anything otherwise


def spreadsheet_safe(text: str) -> str:
    """Defuse a cell a spreadsheet would run as a formula by prefixing an apostrophe (reversibly)."""
    return "'" + text if _FORMULA_START.match(text) else text


def spreadsheet_unsafe(text: str) -> str:
    """Undo `spreadsheet_safe`."""
    return text[1:] if _ESCAPED_FORMULA.match(text) else text


def detect_format(filename: str, declared: str | None = None) -> str:
    """'json' or 'csv', from the declared format or the file's extension."""
    if declared:
        return declared
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".json"):
        return "json"
    raise DocumentError("can't tell the format from the file name; name it .json or .csv, or pass --format")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(f"is not UTF-8 text (byte {error.start + 1})") from None


def read_json(text: str) -> list[RawRecord]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(f"is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    if not isinstance(document, dict):
        raise DocumentError('must be a JSON object with "format", "version" and "statements"')
    if document.get("format") != FORMAT_NAME:
        raise DocumentError(f'"format" must be "{FORMAT_NAME}", not {document.get("format")!r}')
    if document.get("version") != FORMAT_VERSION:
        raise DocumentError(f'"version" must be {FORMAT_VERSION}, not {document.get("version")!r}')
    unknown = sorted(set(document) - {"format", "version", "statements"})
    if unknown:
        raise DocumentError(f"has unknown top-level keys: {', '.join(unknown)}")
    statements = document.get("statements")
    if not isinstance(statements, list):
        raise DocumentError('"statements" must be a list')
    return [RawRecord(number, values) for number, values in enumerate(statements, start=1)]


def _csv_value(field: str, text: str) -> Any:
    if text == "":
        return None
    if field in BOOLEAN_FIELDS:
        lowered = text.strip().lower()
        return {"true": True, "false": False}.get(lowered, text)
    if field == "sources":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            return _Unreadable(f"is not a JSON list of sources ({error.msg})")
    if field == "stance":
        return rules.stance_from_text(text)  # a CSV cell is text; the record holds a number
    if field in NON_TEXT_FIELDS:
        return text
    return spreadsheet_unsafe(text)


class _Unreadable(str):
    """A CSV cell that could not be decoded; the record's validation reports it."""


def read_csv(text: str) -> list[RawRecord]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in FIELDS]
    if unknown:
        raise DocumentError(f"has columns that are not fields of the format: {', '.join(unknown)}")
    records = []
    for number, row in enumerate(reader, start=1):
        if None in row:
            records.append(RawRecord(number, _Unreadable("has more cells than the header has columns")))
            continue
        values = {field: _csv_value(field, cell) for field, cell in row.items() if cell is not None}
        # An empty optional cell means "not given", so the field's default applies.
        records.append(RawRecord(number, {key: value for key, value in values.items() if value is not None}))
    return records


def read(data: bytes, filename: str, declared: str | None = None) -> list[RawRecord]:
    """The raw records of a JSON or CSV interchange file."""
    kind = detect_format(filename, declared)
    text = decode(data)
    return read_json(text) if kind == "json" else read_csv(text)


def unreadable_message(values: Any) -> str | None:
    """Why a raw record could not even be parsed, if so."""
    if isinstance(values, _Unreadable):
        return str(values)
    if not isinstance(values, dict):
        return f"must be a JSON object, not {type(values).__name__}"
    for field, value in values.items():
        if isinstance(value, _Unreadable):
            return f"{field}\x1f{value}"
    return None


def write_json(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write the JSON document, one record at a time; the bytes equal json.dumps(document, indent=2)."""
    out.write(f'{{\n  "format": {json.dumps(FORMAT_NAME)},\n  "version": {FORMAT_VERSION:d},\n  "statements": [')
    count = 0
    for record in records:
        body = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        out.write(("," if count else "") + "\n    " + body)
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count


def csv_row(record: dict[str, Any]) -> list[str]:
    row = []
    for field in FIELDS:
        value = record.get(field)
        if value is None:
            row.append("")
        elif field in BOOLEAN_FIELDS:
            row.append("true" if value else "false")
        elif field == "sources":
            row.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        elif field in NON_TEXT_FIELDS:
            row.append(str(value))
        else:
            row.append(spreadsheet_safe(str(value)))
    return row


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    count = 0
    for record in records:
        writer.writerow(csv_row(record))
        count += 1
    return count
