"""Source URLs: refused with a reason, or normalised so one article has one row."""

from __future__ import annotations

import pytest

from app.sources.urls import normalise_url


@pytest.mark.parametrize("inside", [" ", "\t", "\n", "\xa0", "\u2003", "\u2028", "\u3000", "\x01", "\x1f", "\x7f"])
def test_a_space_or_control_character_inside_a_url_is_refused(inside: str) -> None:
    with pytest.raises(ValueError, match="contains spaces or control characters"):
        normalise_url(f"https://example.org/a{inside}b")


def test_a_url_is_normalised() -> None:
    assert normalise_url("  HTTPS://Example.ORG:443/a?utm_source=x&b=2&a=1#top ") == "https://example.org/a?a=1&b=2"
    assert normalise_url("https://example.org/\x80b") == "https://example.org/\x80b"  # a C1 character is not one
