"""Query parameters as users type them, each bad value a BadQuery naming it; and canonical query strings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from app.errors import BadQuery

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
EARLIEST_YEAR = 1949  # the North Atlantic Treaty; anything earlier is a typo
LATEST_YEAR = 2100

# The same values as regular expressions, for the OpenAPI document (app/web/openapi.py): a value that
# matches is never refused for itself, only with others (a 'from' after its 'to', a day in the future).
_YEAR = "(19(49|[5-9][0-9])|20[0-9][0-9]|2100)"
_MM = "(0[1-9]|1[0-2])"
_LEAP_YEAR = "(19(5[26]|[68][048]|[79][26])|20([02468][048]|[13579][26]))"
DAY = (
    f"({_YEAR}-{_MM}-(0[1-9]|1[0-9]|2[0-8])|{_YEAR}-(0[13-9]|1[0-2])-(29|30)"
    f"|{_YEAR}-(0[13578]|1[02])-31|{_LEAP_YEAR}-02-29)"
)
MONTH = f"({_YEAR}-{_MM}|{DAY})"  # a day is taken as its month
DAY_PATTERN = f"^$|^{DAY}$"  # empty: the default
MONTH_PATTERN = f"^$|^{MONTH}$"
FLAG_VALUES = ("", "1", "true", "on", "yes", "0", "false", "off", "no")
# Parameters whose values come from the data: the OpenAPI document lists the values on record.
TOPICS: dict[str, Any] = {"x-values": "topics"}
COUNTRIES: dict[str, Any] = {"x-values": "countries"}
ACTORS: dict[str, Any] = {"x-values": "actors"}
COUNTRY: dict[str, Any] = {"x-values": "countries", "x-blank": False}  # required: never empty
CELLS: dict[str, Any] = {"x-values": "cells"}


def blank(value: str | None) -> bool:
    return value is None or not value.strip()


def parse_day(value: str | None, field: str) -> date | None:
    """A YYYY-MM-DD date, or None when absent (or empty)."""
    if not value:
        return None
    text = value
    if not _DAY.fullmatch(text):
        raise BadQuery(field, f"'{value}' is not a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise BadQuery(field, f"'{value}' is not a real date ({error})") from None
    _check_year(day, value, field)
    return day


def parse_month(value: str | None, field: str) -> date | None:
    """A month written YYYY-MM (or a YYYY-MM-DD date, taken as its month), as its first day."""
    if not value:
        return None
    text = value
    if _MONTH.fullmatch(text):
        try:
            month = date(int(text[:4]), int(text[5:7]), 1)
        except ValueError:
            raise BadQuery(field, f"'{value}' is not a real month (months run 01 to 12)") from None
        _check_year(month, value, field)
        return month
    if _DAY.fullmatch(text):
        day = parse_day(text, field)
        assert day is not None
        return day.replace(day=1)
    raise BadQuery(field, f"'{value}' is not a month written YYYY-MM")


def _check_year(day: date, raw: str, field: str) -> None:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise BadQuery(field, f"'{raw}' is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}")


def check_order(first: date | None, last: date | None, first_field: str = "from", last_field: str = "to") -> None:
    if first is not None and last is not None and first > last:
        raise BadQuery(
            first_field, f"'{first_field}' ({first.isoformat()}) is after '{last_field}' ({last.isoformat()})"
        )


def parse_flag(value: str | None, field: str) -> bool:
    """On or off, written one of FLAG_VALUES (empty: off)."""
    if value is None or value not in FLAG_VALUES:
        if value is None:
            return False
        raise BadQuery(field, f"'{value}' is not on or off: use 1 or 0")
    return FLAG_VALUES.index(value) in range(1, 5)


def query_string(params: Mapping[str, str | Iterable[str] | None]) -> str:
    """A canonical query string: empty values dropped, repeated keys kept in order."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None:
            continue
        values = [value] if isinstance(value, str) else list(value)
        pairs.extend((key, item) for item in values if item not in ("", None))
    return urlencode(pairs)


def with_query(path: str, params: Mapping[str, str | Iterable[str] | None]) -> str:
    query = query_string(params)
    return f"{path}?{query}" if query else path
