"""Condition phrases in a quote ("only with a NATO decision", "unless …", "without … approval", "provided that …").

Each phrase runs from its opening words to the end of its clause (a comma, stop, colon, semicolon or
quotation mark). They are returned as spans of the quote, so the quote's own words can be highlighted.
"""

from __future__ import annotations

import re

from app.extraction.folding import flat

_CLAUSE = r"[^,.;:!?\"“”„«»]*"
_SHORT = r"[^,.;:!?\"“”„«»]{0,60}?"
_APPROVAL = (
    r"(?:approval|consent|decision|mandate|agreement|backing"
    r"|involvement|green light|zustimmung|entscheidung|mandat|beschluss"
    r"|zgod\w*|decyzj\w*|mandat\w*|acord\w*|aprobar\w*|decizi\w*)"
)
_OPENINGS = (
    r"\bonly (?:with|if|after|when|under|once|within|as part of)\b",
    r"\bunless\b",
    r"\bprovided(?: that)?\b|\bproviding that\b|\bon (?:the )?condition that\b",
    r"\b(?:as|so) long as\b",
    r"\bsubject to\b",
    rf"\bwithout\b{_SHORT}\b{_APPROVAL}",
    rf"\bwith\b{_SHORT}\b{_APPROVAL}",
    rf"\b(?:would|will|must|does|do) (?:require|need)\b{_SHORT}\b{_APPROVAL}",
    rf"\b(?:need|needs|require|requires)\b{_SHORT}\b{_APPROVAL}",
    r"(?<!\beven )(?<!\bas )(?<!\basked )(?<!\bask )(?<!\bwonder )\bif\b",
    r"\bonce\b",
    r"^\s*when\b",
    r"\bnot\b[^,.;:!?]{0,40}?\b(?P<from>before)\b",
    r"\bafter (?:a|the) (?:ceasefire|cease-fire|truce|peace deal|peace agreement|armistice)\b",
    # German
    r"\bnur (?:mit|wenn|nach|unter|im rahmen)\b|\bes sei denn\b"
    r"|\bsofern\b|\bsolange\b|\bfalls\b|\bunter der bedingung\b",
    rf"\bohne\b{_SHORT}\b{_APPROVAL}",
    r"\bwenn\b",
    # Polish
    r"\btylko (?:z|za|po|jesli|jezeli|gdy|w ramach)\b|\bchyba ze\b"
    r"|\bpod warunkiem\b|\bo ile\b|\bdopoki\b|\bjesli\b|\bjezeli\b|\bgdyby\b",
    rf"\bbez\b{_SHORT}\b{_APPROVAL}",
    # Romanian
    r"\b(?:doar|numai) (?:cu|daca|dupa|in cazul)\b|\bcu exceptia cazului\b|\bcu conditia\b|\batata timp cat\b|\bdaca\b",
    rf"\bfara\b{_SHORT}\b{_APPROVAL}",
    rf"\b(?:avem|are|au) nevoie de\b{_SHORT}\b{_APPROVAL}",
)
_CONDITION = re.compile("|".join(f"(?:{opening}){_CLAUSE}" for opening in _OPENINGS))
MIN_WORDS = 2


def condition_spans(quote: str) -> list[tuple[int, int]]:
    """[start, end) of each condition phrase in the quote, in order, not overlapping."""
    spans = []
    for match in _CONDITION.finditer(flat(quote)):
        start = match.start("from") if match.group("from") else match.start()
        end = match.end()
        while end > start and quote[end - 1].isspace():
            end -= 1
        while start < end and quote[start].isspace():
            start += 1
        if len(quote[start:end].split()) >= MIN_WORDS:
            spans.append((start, end))
    return spans


def condition_text(quote: str, spans: list[tuple[int, int]]) -> str | None:
    """The condition as the quote words it, several joined with " … "; None without one."""
    return " … ".join(quote[start:end] for start, end in spans) or None
