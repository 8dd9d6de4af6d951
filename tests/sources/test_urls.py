"""Source URLs: refused with a reason, or normalised so one article has one row."""

from __future__ import annotations

import re

import pytest

from app.sources import urls
from app.sources.urls import normalise_url


@pytest.mark.parametrize("inside", [" ", "\t", "\n", "\xa0", "\u2003", "\u2028", "\u3000", "\x01", "\x1f", "\x7f"])
def test_a_space_or_control_character_inside_a_url_is_refused(inside: str) -> None:
    with pytest.raises(ValueError, match="contains spaces or control characters"):
        normalise_url(f"https://example.org/a{inside}b")


def test_a_url_is_normalised() -> None:
    assert normalise_url("  HTTPS://Example.ORG:443/a?utm_source=x&b=2&a=1#top ") == "https://example.org/a?a=1&b=2"
    assert normalise_url("https://example.org/\x80b") == "https://example.org/\x80b"  # a C1 character is not one


NORMAL_OR_NEARLY = [
    "https://example.org/a",
    "http://example.org/",
    "https://news.example.co.uk/2024/10/01/article-name.html",
    "https://example.org//double/slash",
    "https://example.org/a;b=c/d%20e/\x80",
    "https://example.org/ünïcode/path",
    "https://xn--bcher-kva.example/a",
    "https://-odd-.example.org/a",
    f"https://{'a' * 63}.example.org/a",
    f"https://{'a' * 64}.example.org/a",  # refused: a label too long
    "https://example..org/a",  # refused: an empty label
    "https://localhost/a",
    "https://example/a",  # refused: an incomplete host name
    "https://Example.org/a",
    "HTTPS://example.org/a",
    "https://example.org",
    "https://example.org:443/a",
    "https://example.org:8080/a",
    "https://user@example.org/a",
    "https://example.org/a?b=2&a=1",
    "https://example.org/a?",
    "https://example.org/a#top",
    "https://exämple.org/a",
    "ftp://example.org/a",
]


def _in_full(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patched:
        patched.setattr(urls, "_ALREADY_NORMAL", re.compile(r"(?!)"))  # matches nothing
        return _outcome(url)


def _outcome(url: str) -> str:
    try:
        return normalise_url(url)
    except ValueError as error:
        return f"refused: {error}"


@pytest.mark.parametrize("url", NORMAL_OR_NEARLY)
def test_a_url_matched_as_already_normal_comes_out_as_the_full_rules_give_it(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _outcome(url) == _in_full(url, monkeypatch)


def test_an_already_normal_url_is_not_taken_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    def taken_apart(url: str) -> None:
        raise AssertionError(f"{url} was split")

    monkeypatch.setattr(urls, "urlsplit", taken_apart)
    assert normalise_url(" https://news.example.org/2024/10/01/a.html ") == "https://news.example.org/2024/10/01/a.html"
    with pytest.raises(AssertionError):
        normalise_url("https://example.org/a?b=1")
