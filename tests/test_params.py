"""Query-parameter parsing: each bad value is refused with a message naming it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import params
from app.errors import BadQuery


def test_days_and_months() -> None:
    assert params.parse_day("2024-07-13", "from") == date(2024, 7, 13)
    assert params.parse_day("", "from") is None
    with pytest.raises(BadQuery):  # only an empty value means 'not given', as the OpenAPI document says
        params.parse_day("  ", "from")
    assert params.parse_month("2024-07", "to") == date(2024, 7, 1)
    assert params.parse_month("2024-07-31", "to") == date(2024, 7, 1)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2024-02-30", "not a real date"),
        ("2024-13-01", "not a real date"),
        ("10000-01-01", "YYYY-MM-DD"),
        ("13/07/2024", "YYYY-MM-DD"),
        ("1900-01-01", "outside the years"),
    ],
)
def test_bad_days(value: str, words: str) -> None:
    with pytest.raises(BadQuery) as refused:
        params.parse_day(value, "from")
    assert refused.value.errors[0].field == "from" and words in refused.value.errors[0].message


def test_order_and_flags() -> None:
    with pytest.raises(BadQuery, match="after"):
        params.check_order(date(2024, 9, 1), date(2024, 7, 1))
    assert params.parse_flag("on", "conditional") and not params.parse_flag(None, "conditional")
    assert params.with_query("/s", {"country": ["PL", "HU"], "q": "", "to": None}) == "/s?country=PL&country=HU"


def test_htmx_pushes_a_url_only_when_it_changes() -> None:
    from fastapi import Request, Response

    from app.web.htmx import push_url

    def request(current: str) -> Request:
        return Request({"type": "http", "headers": [(b"hx-current-url", current.encode())]})

    assert (
        push_url(request("http://x/statements?country=PL"), Response(), "/statements?country=PL").headers["HX-Push-Url"]
        == "false"
    )
    assert (
        push_url(request("http://x/statements"), Response(), "/statements?country=PL").headers["HX-Push-Url"]
        == "/statements?country=PL"
    )


# The OpenAPI document's patterns (app/web/openapi.py) say exactly which values the parsers take.


@given(st.from_regex(params.DAY_PATTERN, fullmatch=True))
def test_every_day_the_pattern_allows_is_taken(value: str) -> None:
    params.parse_day(value, "from")
    params.parse_month(value, "to")


@given(st.from_regex(params.MONTH_PATTERN, fullmatch=True))
def test_every_month_the_pattern_allows_is_taken(value: str) -> None:
    params.parse_month(value, "to")


@given(st.text(alphabet="0123456789-: T/", max_size=12) | st.text(max_size=12))
def test_a_value_the_patterns_refuse_is_refused(value: str) -> None:
    import re

    for pattern, parse in ((params.DAY_PATTERN, params.parse_day), (params.MONTH_PATTERN, params.parse_month)):
        if re.fullmatch(pattern, value):
            parse(value, "from")
        else:
            with pytest.raises(BadQuery):
                parse(value, "from")


@pytest.mark.parametrize("value", params.FLAG_VALUES)
def test_every_flag_the_document_lists_is_taken(value: str) -> None:
    assert params.parse_flag(value, "conditional") is (value in ("1", "true", "on", "yes"))
    with pytest.raises(BadQuery):
        params.parse_flag(value.upper() + "x", "conditional")
