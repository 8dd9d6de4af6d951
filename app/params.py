"""Query parameters as users type them, each bad value a BadQuery naming it; and canonical query strings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from urllib.parse import urlencode

from app.errors import BadQuery

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
EARLIEST_YEAR = 1949  # the North Atlantic Treaty; anything earlier is a typo
LATEST_YEAR = 2100


def blank(value: str | None) -> bool:
    return value is None or not value.strip()


def parse_day(value: str | None, field: str) -> date | None:
    """A YYYY-MM-DD date, or None when absent."""
    if blank(value):
        return None
    assert value is not None
    text = value.strip()
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
    if blank(value):
        return None
    assert value is not None
    text = value.strip()
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
    if blank(value):
        return False
    assert value is not None
    lowered = value.strip().lower()
    if lowered in ("1", "true", "on", "yes"):
        return True
    if lowered in ("0", "false", "off", "no"):
        return False
    raise BadQuery(field, f"'{value}' is not on or off")


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
