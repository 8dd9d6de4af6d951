"""Quoted words: spans between quotation marks, in any of the usual styles, across paragraphs when a quote runs on."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Each opening mark and the marks that may close it: “…” "…" „…“ „…” «…» »…« ‚…‘
CLOSERS = {
    "\u201c": "\u201d",
    '"': '"',
    "\u201e": "\u201c\u201d",
    "\u00ab": "\u00bb",
    "\u00bb": "\u00ab",
    "\u201a": "\u2018",
}
MARKS = frozenset("".join(CLOSERS) + "".join(CLOSERS.values()))
_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*\n\s*")


@dataclass(frozen=True)
class Quote:
    """The words between a pair of quotation marks: [start, end) excludes the marks."""

    start: int
    end: int


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each paragraph of a text whose paragraphs are separated by blank lines."""
    spans = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def find_quotes(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[Quote]:
    """Every quotation in the text, in order; an unclosed quote runs on into the next paragraph if that closes it."""
    quotes = []
    open_at: int | None = None
    closers = ""
    for number, (start, end) in enumerate(paragraphs):
        position = start
        if open_at is not None:
            position = _continue_into(text, start, end, closers)
            if position < 0:  # the next paragraph doesn't carry the quote on: close it where the last one ended
                quotes.append(Quote(open_at, paragraphs[number - 1][1]))
                open_at, position = None, start
        for index in range(position, end):
            mark = text[index]
            if open_at is not None and mark in closers:
                quotes.append(Quote(open_at, index))
                open_at = None
            elif open_at is None and mark in CLOSERS:
                open_at, closers = index + 1, CLOSERS[mark]
    if open_at is not None:
        quotes.append(Quote(open_at, paragraphs[-1][1] if paragraphs else len(text)))
    return quotes


def _continue_into(text: str, start: int, end: int, closers: str) -> int:
    """Where to resume scanning a paragraph that may continue an open quote; -1 when it doesn't continue it.

    A quote of several paragraphs reopens each one with its opening mark (news style), or simply closes in a
    later paragraph: then the paragraph holds a closing mark before any opening one (for straight quotes, an
    odd number of them).
    """
    if text[start] in CLOSERS and CLOSERS[text[start]] == closers:
        return start + 1
    if closers == '"':
        return start if text.count('"', start, end) % 2 == 1 else -1
    for index in range(start, end):
        if text[index] in closers:
            return start
        if text[index] in CLOSERS:
            return -1
    return -1


def word_count(text: str) -> int:
    """How many words a text has."""
    return len(_WORD.findall(text))


def quoted_share(text: str, quotes: Sequence[Quote], start: int, end: int) -> float:
    """The share of the words in [start, end) that lie inside quotation marks."""
    total = word_count(text[start:end])
    if total == 0:
        return 0.0
    inside = sum(
        word_count(text[max(q.start, start) : min(q.end, end)]) for q in quotes if q.start < end and q.end > start
    )
    return inside / total
