"""Page tokens: they round-trip, and any change to one is refused."""

from __future__ import annotations

from datetime import date

import pytest

from app.statements import paging

SECRET = "s" * 32


def test_a_token_round_trips() -> None:
    cursor = paging.Cursor(date(2024, 7, 13), 1234)
    token = paging.encode(cursor, secret=SECRET)
    assert token.startswith("2024-07-13.1234.")
    assert paging.decode(token, secret=SECRET) == cursor


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace("1234", "1235"),
        lambda t: t.replace("2024-07-13", "2024-07-14"),
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "garbage",
        lambda t: t + ".extra",
        lambda t: "",
    ],
)
def test_a_changed_token_is_refused(tamper) -> None:  # type: ignore[no-untyped-def]
    token = paging.encode(paging.Cursor(date(2024, 7, 13), 1234), secret=SECRET)
    with pytest.raises(paging.BadPageToken):
        paging.decode(tamper(token), secret=SECRET)


def test_a_token_from_another_secret_is_refused() -> None:
    token = paging.encode(paging.Cursor(date(2024, 7, 13), 1), secret=SECRET)
    with pytest.raises(paging.BadPageToken, match="another database"):
        paging.decode(token, secret="other" * 8)
