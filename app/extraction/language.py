"""A quote's language, by lingua, among the languages of NATO's members, Ukraine and Russia.

The detector is built once, on first use, in lingua's low-accuracy mode: it then loads only trigram
models, about 40 MB for these languages instead of several hundred, at some cost on very short texts
(docs/extraction.md). Texts too short to tell by, and near ties, are given the caller's fallback: the article's language.
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.ALBANIAN, Language.BOKMAL, Language.BULGARIAN, Language.CROATIAN, Language.CZECH, Language.DANISH,
    Language.DUTCH, Language.ENGLISH, Language.ESTONIAN, Language.FINNISH, Language.FRENCH, Language.GERMAN,
    Language.GREEK, Language.HUNGARIAN, Language.ITALIAN, Language.LATVIAN, Language.LITHUANIAN, Language.POLISH,
    Language.PORTUGUESE, Language.ROMANIAN, Language.RUSSIAN, Language.SLOVAK, Language.SLOVENE, Language.SPANISH,
    Language.SWEDISH, Language.TURKISH, Language.UKRAINIAN,
)
ENGLISH = "en"
MIN_WORDS = 3
NEAR_TIE = 0.5  # the fallback's confidence, as a share of the best one's, that still keeps the fallback
_EDITORIAL = re.compile(r"\[[^\]]*\]")  # "[Russian – ed.]": the editor's words, not the speaker's
_WORD = re.compile(r"[^\W\d_]+")


@cache
def detector() -> LanguageDetector:
    """The one detector, built on first use."""
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_low_accuracy_mode().build()


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
