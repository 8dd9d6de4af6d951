"""A quote's language, by lingua, among seven: English, German, French, Polish, Romanian, Ukrainian and Russian.

These are the languages the articles editors paste are written or quoted in: English; German, Polish and
Romanian, the neighbours' press; French, the alliance's other official language; Ukrainian and Russian. Text
in another language is read as the closest of these. The detector is built once, on first use, in lingua's
high-accuracy mode: lingua's low-accuracy mode is far smaller but misreads short quotes ("We will not
participate in this conflict, but we will support Ukraine." as French). Each language costs about 25 MB once
loaded; the seven load in about two seconds, on the first quote. Texts too short to tell by, and near ties,
are given the caller's fallback: the article's language.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.ENGLISH,
    Language.GERMAN,
    Language.FRENCH,
    Language.POLISH,
    Language.ROMANIAN,
    Language.UKRAINIAN,
    Language.RUSSIAN,
)
ENGLISH = "en"
MIN_WORDS = 3
NEAR_TIE = 0.5  # the fallback's confidence, as a share of the best one's, that still keeps the fallback
_EDITORIAL = re.compile(r"\[[^\]]*\]")  # "[Russian – ed.]": the editor's words, not the speaker's
_WORD = re.compile(r"[^\W\d_]+")


@cache
def detector() -> LanguageDetector:
    """The one detector, built on first use."""
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).build()


def detect_language(text: str, *, fallback: str = ENGLISH) -> str:
    """The ISO 639-1 code of the text's language ("en", "de"); `fallback` when it is too short or unclear."""
    words = _WORD.findall(_EDITORIAL.sub(" ", text))
    if len(words) < MIN_WORDS:
        return fallback
    confidences = detector().compute_language_confidence_values(" ".join(words))
    if not confidences:
        return fallback
    top = confidences[0]
    own = next((c.value for c in confidences if c.language.iso_code_639_1.name.lower() == fallback), 0.0)
    # A near tie goes to the article's language: a Romanian article's short quote is likelier Romanian than Spanish.
    if own >= top.value * NEAR_TIE:
        return fallback
    return top.language.iso_code_639_1.name.lower()
