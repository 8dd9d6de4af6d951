"""app/perf/driver.py: `copy_of`, the transient copies the hot reads make of their rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect

from app.countries.models import Country, CountryKind
from app.perf.driver import copy_of

NAMES = [column.name for column in Country.__table__.c]


def _row(**values: object) -> tuple[object, ...]:
    base = {
        "id": 7,
        "code": "PL",
        "name": "Poland",
        "kind": CountryKind.MEMBER,
        "joined_on": date(1999, 3, 12),
        "borders_ukraine": True,
    }
    return tuple({**base, **values}[name] for name in NAMES)


def test_a_copy_takes_the_tables_columns_in_order_from_where_they_start() -> None:
    row = ("something before", *_row(), "something after")
    copy = copy_of(Country, row, 1)
    assert inspect(copy).transient  # never in a session, so never flushed
    assert [getattr(copy, name) for name in NAMES] == list(_row())
    assert copy.code == "PL" and copy.joined_on == date(1999, 3, 12) and copy.borders_ukraine is True


def test_a_row_too_short_for_the_table_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter"):
        copy_of(Country, _row()[:-1])
