"""Text helpers shared by every domain: folding names for matching, slugs, control-character checks, months."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from markupsafe import escape

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032`\u00b4"), "'")
_DASHES_AND_QUOTES = _DASHES | _QUOTES
# Letters with no Unicode decomposition that NFKD cannot strip to ASCII.
_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "ı": "i"}
)


def strip_diacritics(text: str) -> str:
    """'Radosław Sikorski' -> 'Radoslaw Sikorski'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """A matching key: no diacritics, case-folded, one kind of dash and apostrophe, single spaces."""
    # An import folds every quote: ASCII text (most of them) has no diacritic and one foldable
    # apostrophe, and str.split() splits at what \s matches. 60 µs -> 8 µs a quote.
    if text.isascii():
        text = text.replace("`", "'").casefold()
    else:
        text = strip_diacritics(text).translate(_DASHES_AND_QUOTES).casefold()
    return " ".join(text.split())


def slugify(text: str) -> str:
    """'Władysław Kosiniak-Kamysz' -> 'wladyslaw-kosiniak-kamysz'."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text))
    return slug.strip("-") or "actor"


# Unicode's control characters (category Cc) are these 65, and will stay so (its stability policy).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def first_control_character(text: str, *, allow_newlines: bool) -> tuple[int, str] | None:
    """The position and character of the first forbidden control character, if any."""
    found = (_CONTROL_BUT_NEWLINE if allow_newlines else _CONTROL).search(text)
    return None if found is None else (found.start(), found.group())


def clean_text(value: str, *, max_length: int, multiline: bool, min_length: int = 1) -> str:
    """Trimmed text of a bounded length, with no control characters (line breaks only if multiline)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    found = first_control_character(text, allow_newlines=multiline)
    if found is not None:
        index, ch = found
        allowed = " other than line breaks" if multiline else ""
        raise ValueError(f"contains a control character{allowed} (U+{ord(ch):04X} at position {index + 1})")
    if len(text) < min_length:
        raise ValueError("is empty" if min_length == 1 else f"must be at least {min_length} characters")
    if len(text) > max_length:
        raise ValueError(f"is {len(text):,} characters long; the limit is {max_length:,}")
    return text


MINUS = "\u2212"  # a true minus sign, as pages write negative numbers


def signed(value: float | int | None, digits: int = 0, *, minus: str = MINUS) -> str:
    """'+2', '0', '\u22121.33': a sign on every number but zero (`minus` for ASCII pages: '&#8722;')."""
    if value is None:
        return ""
    text = f"{abs(value):.{digits}f}"
    rounded = round(value, digits)
    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return minus + text
    return text


def ascii_html(text: str) -> str:
    """`text` escaped for HTML, every non-ASCII character as a character reference: 'T&#252;rkiye'."""
    return str(escape(text)).encode("ascii", "xmlcharrefreplace").decode("ascii")


# Months as the pages write them, in English, from a table rather than strftime (docs/performance.md).
MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def in_sentence(title: str) -> str:
    """A title inside a sentence: 'Intercepting over Ukraine' -> 'intercepting over Ukraine'; 'NATO air policing' stays.

    Only the first letter is lowered, and not when the first word is an acronym: names keep their capitals.
    """
    first_word = title.split(" ", 1)[0]
    if len(first_word) > 1 and first_word[:2].isupper():
        return title
    return title[:1].lower() + title[1:]


def month_key(value: date) -> str:
    """'2024-09', as URLs and JSON write a month."""
    return f"{value.year:04d}-{value.month:02d}"


def month_text(value: date) -> str:
    """'Sep 2024'."""
    return f"{MONTH_ABBR[value.month]} {value.year}"


# Languages as readers name them, for the ISO 639-1 codes statements are recorded in.
LANGUAGE_NAMES = {
    "bg": "Bulgarian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "hr": "Croatian",
    "hu": "Hungarian",
    "is": "Icelandic",
    "it": "Italian",
    "ku": "Kurdish",
    "lb": "Luxembourgish",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "nl": "Dutch",
    "no": "Norwegian",
    "nb": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovene",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
}


def language_name(code: str) -> str:
    """'German' for 'de', 'Portuguese (pt-BR)' for a regional code; the code itself when not known."""
    base = code.split("-", 1)[0].lower()
    name = LANGUAGE_NAMES.get(base)
    if name is None:
        return code
    return name if base == code else f"{name} ({code})"
