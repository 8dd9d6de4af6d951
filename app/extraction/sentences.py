"""Sentences of an article, never cut inside a quotation, so that a quote and its attribution stay together."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.extraction.quotes import CLOSERS, Quote

# Words that end with a full stop without ending a sentence.
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "sgt",
        "capt",
        "adm",
        "sen",
        "rep",
        "gov",
        "st",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "approx",
        "ca",
        "z.b",
        "bzw",
        "tzw",
        "np",
        "m.in",
        "ul",
        "płk",
        "nr",
    }
)
_END = re.compile(r"[.!?]+")
_OPENERS = "".join(CLOSERS) + "(["
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def sentence_spans(text: str, start: int, end: int, quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """[start, end) of each sentence in text[start:end]: it ends at . ! or ? before a capital, outside quotes."""
    inside = [q for q in quotes if q.end > start and q.start < end]
    spans = []
    sentence_start = start
    for match in _END.finditer(text, start, end):
        boundary = match.end()
        quote = next((q for q in inside if q.start <= match.start() < q.end), None)
        if quote is not None:
            if match.end() != quote.end:  # punctuation inside a quote ends a sentence only at the closing mark
                continue
            boundary = quote.end + 1
        if _is_sentence_end(text, match.start(), boundary, end):
            spans.append((sentence_start, boundary))
            sentence_start = boundary
    spans.append((sentence_start, end))
    spans = [piece for span in spans for piece in _split_at_paragraphs(text, *span, inside)]
    return [trimmed for span in spans if (trimmed := _trim(text, *span))[1] > trimmed[0]]


def _split_at_paragraphs(text: str, start: int, end: int, quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """The span cut at each paragraph break that is not inside a quotation."""
    pieces = []
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        if not any(q.start <= match.start() < q.end for q in quotes):
            pieces.append((start, match.start()))
            start = match.end()
    pieces.append((start, end))
    return pieces


def _is_sentence_end(text: str, stop: int, boundary: int, end: int) -> bool:
    """Whether the punctuation at `stop` closes a sentence: a new one starts after it, and it ends no abbreviation."""
    rest = text[boundary:end]
    following = rest.lstrip()
    if not following:
        return False
    if len(following) == len(rest):  # no space after: "3.5", "U.S."
        return False
    first = following[0]
    if not (first.isupper() or first.isdigit() or first in _OPENERS or first in "•–—-"):
        return False
    if text[stop] != ".":
        return True
    word = re.search(r"([\w.]+)$", text[max(0, stop - 12) : stop])
    if word is None:
        return True
    last = word.group(1).lower()
    return not (last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
