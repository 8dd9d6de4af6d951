"""Flattened text for matching word lists: lower case, no diacritics, one character for one (positions carry over)."""

from __future__ import annotations

import unicodedata
from functools import cache

_LETTERS = {"ł": "l", "ø": "o", "đ": "d", "ß": "s", "æ": "a", "ı": "i", "’": "'", "‘": "'"}


@cache
def _flat_character(character: str) -> str:
    """One character, lower-cased and without its diacritic, if that leaves exactly one character."""
    lower = character.lower()
    if len(lower) != 1:
        return character
    if lower in _LETTERS:
        return _LETTERS[lower]
    base = "".join(ch for ch in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(ch))
    return base if len(base) == 1 else lower


def flat(text: str) -> str:
    """'Władysław „Pępek”' -> 'wladyslaw „pepek”', with every position where it was."""
    return "".join(map(_flat_character, text))
