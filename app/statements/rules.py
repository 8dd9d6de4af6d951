"""The rules a statement's fields must meet, as pure functions returning the cleaned value or raising.

The import, the form and the JSON API all apply these, so each message is written once.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from datetime import UTC, date, datetime, timedelta

from app.text import fold

# The full-scale invasion: the tracker's earliest date.
EARLIEST_DATE = date(2022, 2, 24)
QUOTE_MAX_LENGTH = 5000
# A date is "in the future" only once it has begun nowhere on Earth (UTC+14 is furthest ahead).
_FURTHEST_AHEAD = timedelta(hours=14)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def latest_allowed_date() -> date:
    """Today, in the time zone furthest ahead."""
    return (datetime.now(UTC) + _FURTHEST_AHEAD).date()


def parse_iso_date(value: object) -> date:
    """A real calendar date written YYYY-MM-DD (or a date already)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise ValueError(f"{value!r} is not a real date ({error})") from None


def check_said_on(value: date) -> date:
    """Not before the full-scale invasion, not in the future."""
    if value < EARLIEST_DATE:
        raise ValueError(f"must be on or after {EARLIEST_DATE.isoformat()}, the start of the full-scale invasion")
    if value > latest_allowed_date():
        raise ValueError("is in the future")
    return value


def check_not_future(value: date) -> date:
    if value > latest_allowed_date():
        raise ValueError("is in the future")
    return value


def check_stance(value: object) -> int:
    """A whole number from -2 to +2."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            value = int(value.strip())
        else:
            raise ValueError(f"must be a whole number from -2 to +2, not {value!r}")
    if not -2 <= value <= 2:
        raise ValueError(f"must be from -2 to +2, not {value}")
    return value


def check_stance_number(value: object) -> int:
    """A stance as the interchange format holds it: a number, never text such as "2" (forms and CSV convert theirs)."""
    if isinstance(value, str):
        if re.fullmatch(r"\s*[+-]?\d+\s*", value):
            raise ValueError(f"must be a number from -2 to +2, not the text {value!r}: write it without quotes")
        raise ValueError(f"must be a whole number from -2 to +2, not {value!r}")
    return check_stance(value)


def stance_from_text(value: str) -> int | str:
    """A stance typed as text ('+1', '-2') as its number; any other text unchanged, for the record to refuse."""
    text = value.strip()
    return int(text) if re.fullmatch(r"[+-]?\d{1,12}", text) else value


def check_language(value: str) -> str:
    """An ISO 639 language code such as 'en', 'pl' or 'uk', with an optional region ('pt-BR')."""
    code = value.strip()
    if not _LANGUAGE.fullmatch(code):
        raise ValueError(f"{value!r} is not a language code such as 'en', 'pl' or 'uk'")
    return code


def is_english(language: str) -> bool:
    return language.split("-", 1)[0] == "en"


def fingerprint(*, actor_id: int, topic_id: int, said_on: date, quote: str) -> str:
    """The identity of a statement for de-duplication: same actor, topic, date and (folded) quote."""
    material = "\x1f".join((str(actor_id), str(topic_id), said_on.isoformat(), fold(quote)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# How alike two folded quotes must be for a statement to be flagged as a possible duplicate.
SIMILAR_QUOTE_RATIO = 0.8


def similar_quotes(first: str, second: str) -> bool:
    """Whether two quotes are probably the same words: one inside the other, or 80% alike, once folded."""
    a, b = fold(first), fold(second)
    if a == b or (min(len(a), len(b)) >= 20 and (a in b or b in a)):
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILAR_QUOTE_RATIO
        and matcher.quick_ratio() >= SIMILAR_QUOTE_RATIO
        and (matcher.ratio() >= SIMILAR_QUOTE_RATIO)
    )


def submission_key(*, via: str, user_id: int, key: str) -> str:
    """How a form's or API client's idempotency key is stored: hashed, and scoped to its user and channel."""
    return hashlib.sha256(f"{via}\x1f{user_id}\x1f{key}".encode()).hexdigest()
