"""Days and months an article names ("on Saturday", "on 13 July", "last week", "am Montag"), resolved to dates.

A day named without a year is read against the article's date: the latest such day on or before it. Nothing
resolves to a date after `today`, and nothing resolves without a reference date unless the text gives the year.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.extraction.folding import flat

Precision = Literal["day", "month"]
DateKind = Literal["full", "day_month", "month_year", "month", "weekday", "relative_day", "last_week", "last_month"]

_MONTH_FORMS = {
    1: "january jan januar janner stycznia styczen styczniu ianuarie",
    2: "february feb februar lutego luty lutym februarie",
    3: "march mar marz marca marzec marcu martie",
    4: "april apr kwietnia kwiecien kwietniu aprilie",
    5: "may mai maja maj maju",
    6: "june jun juni czerwca czerwiec czerwcu iunie",
    7: "july jul juli lipca lipiec lipcu iulie",
    8: "august aug sierpnia sierpien sierpniu",
    9: "september sept sep wrzesnia wrzesien wrzesniu septembrie",
    10: "october oct oktober pazdziernika pazdziernik pazdzierniku octombrie",
    11: "november nov listopada listopad listopadzie noiembrie",
    12: "december dec dezember grudnia grudzien grudniu decembrie",
}
_WEEKDAY_FORMS = {
    0: "monday montag poniedzialek",  # Romanian "luni" also means "months": left out
    1: "tuesday dienstag wtorek marti",
    2: "wednesday mittwoch srode sroda miercuri",
    3: "thursday donnerstag czwartek joi",
    4: "friday freitag piatek vineri",
    5: "saturday samstag sonnabend sobote sobota sambata",
    6: "sunday sonntag niedziele niedziela duminica",
}
# English month names that are also common words count only when written with a capital.
_NEEDS_CAPITAL = frozenset({"may", "march", "mar"})
_STRICTLY_BEFORE = frozenset({"last", "past", "vergangenen", "letzten", "vorigen"})


def _alternation(forms: dict[int, str]) -> tuple[str, dict[str, int]]:
    """A regex alternation of every form, longest first, and the number each form stands for."""
    number_of = {form: number for number, words in forms.items() for form in words.split()}
    return "|".join(sorted(number_of, key=len, reverse=True)), number_of


_MONTHS, _MONTH_NUMBER = _alternation(_MONTH_FORMS)
_WEEKDAYS, _WEEKDAY_NUMBER = _alternation(_WEEKDAY_FORMS)
_DAY = r"(?P<day>3[01]|[12]\d|0?[1-9])"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PATTERNS: tuple[tuple[DateKind, re.Pattern[str]], ...] = (
    ("full", re.compile(r"\b(?P<year>20\d\d)-(?P<month_number>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("day_month", re.compile(rf"\b{_DAY}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?P<month>{_MONTHS})\b\.?(?:,?\s+{_YEAR}\b)?")),
    ("day_month", re.compile(rf"\b(?P<month>{_MONTHS})\b\.?\s+{_DAY}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR}\b)?")),
    ("month_year", re.compile(rf"\b(?P<month>{_MONTHS})\b\.?,?\s+{_YEAR}\b")),
    (
        "month",
        re.compile(
            rf"\b(?:in|im|w|we|at the end of|end of|in early|in late|early"
            rf"|late|mid-)\s+(?P<month>{_MONTHS})\b(?:,?\s+{_YEAR}\b)?"
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<qualifier>last|past|this|on|am|vergangenen"
            rf"|letzten|vorigen|w|we|pe)\s+)?(?P<weekday>{_WEEKDAYS})\b"
        ),
    ),
    (
        "relative_day",
        re.compile(r"\b(?P<relative>yesterday|gestern|wczoraj|ieri|today|heute|dzisiaj|dzis|astazi|azi)\b"),
    ),
    (
        "last_week",
        re.compile(
            r"\b(?:last week|past week|vergangene woche|letzte woche"
            r"|vorige woche|w (?:ubieglym|zeszlym) tygodniu|saptamana trecuta)\b"
        ),
    ),
    (
        "last_month",
        re.compile(r"\b(?:last month|vergangenen monat|letzten monat|w (?:ubieglym|zeszlym) miesiacu|luna trecuta)\b"),
    ),
)
_YESTERDAY = frozenset({"yesterday", "gestern", "wczoraj", "ieri"})


@dataclass(frozen=True)
class NamedDate:
    """A day or month the text names, as written: what is known of it, and where it stands."""

    start: int
    end: int
    kind: DateKind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    strictly_before: bool = False
    days_back: int = 0


def find_dates(text: str) -> list[NamedDate]:
    """Every day or month the text names, in order, the more precise one where two overlap."""
    flat_text = flat(text)
    found = [
        named
        for kind, pattern in _PATTERNS
        for match in pattern.finditer(flat_text)
        if (named := _named(kind, match, text))
    ]
    found.sort(key=lambda named: (named.start, -(named.end - named.start)))
    chosen: list[NamedDate] = []
    for named in found:
        if chosen and named.start < chosen[-1].end:
            continue
        # "Wednesday, 27 November": the weekday only repeats the day that follows it.
        if (
            chosen
            and chosen[-1].kind == "weekday"
            and named.kind in ("day_month", "full")
            and named.start - chosen[-1].end <= 3
        ):
            chosen[-1] = named
            continue
        chosen.append(named)
    return chosen


def _named(kind: DateKind, match: re.Match[str], text: str) -> NamedDate | None:
    """The NamedDate for one match, or None when an English month name is only a word ("may", "march")."""
    groups = match.groupdict()
    month_word = groups.get("month")
    if month_word in _NEEDS_CAPITAL and not text[match.start("month")].isupper():
        return None
    year = int(groups["year"]) if groups.get("year") else None
    day = int(groups["day"]) if groups.get("day") else None
    if kind == "full":
        return NamedDate(match.start(), match.end(), kind, year=year, month=int(groups["month_number"]), day=day)
    if kind in ("day_month", "month_year", "month") and month_word:
        if year is not None:
            kind = "full" if kind == "day_month" else "month_year"
        return NamedDate(match.start(), match.end(), kind, year=year, month=_MONTH_NUMBER[month_word], day=day)
    if kind == "weekday":
        qualifier = groups.get("qualifier") or ""
        return NamedDate(
            match.start(),
            match.end(),
            kind,
            weekday=_WEEKDAY_NUMBER[groups["weekday"]],
            strictly_before=qualifier in _STRICTLY_BEFORE,
        )
    if kind == "relative_day":
        return NamedDate(match.start(), match.end(), kind, days_back=1 if groups["relative"] in _YESTERDAY else 0)
    return NamedDate(match.start(), match.end(), kind)


def resolve(named: NamedDate, *, reference: date | None, today: date) -> tuple[date, Precision] | None:
    """The date a named day stands for, and how precisely; None when it can't be known or lies after today."""
    resolved = _resolve(named, reference)
    if resolved is None or resolved[0] > today:
        return None
    return resolved


def _resolve(named: NamedDate, reference: date | None) -> tuple[date, Precision] | None:
    """The date before the check against today."""
    if named.kind == "full" and named.year and named.month and named.day:
        return _valid(named.year, named.month, named.day, "day")
    if named.kind == "month_year" and named.year and named.month:
        return date(named.year, named.month, 1), "month"
    if reference is None:
        return None
    if named.kind == "day_month" and named.month and named.day:
        resolved = _valid(reference.year, named.month, named.day, "day")
        if resolved and resolved[0] > reference:
            resolved = _valid(reference.year - 1, named.month, named.day, "day")
        return resolved
    if named.kind == "month" and named.month:
        year = reference.year if named.month <= reference.month else reference.year - 1
        return date(year, named.month, 1), "month"
    if named.kind == "weekday" and named.weekday is not None:
        back = (reference.weekday() - named.weekday) % 7
        if back == 0 and named.strictly_before:
            back = 7
        return reference - timedelta(days=back), "day"
    if named.kind == "relative_day":
        return reference - timedelta(days=named.days_back), "day"
    if named.kind == "last_week":
        return (reference - timedelta(days=7)).replace(day=1), "month"
    if named.kind == "last_month":
        return (reference.replace(day=1) - timedelta(days=1)).replace(day=1), "month"
    return None


def _valid(year: int, month: int, day: int, precision: Precision) -> tuple[date, Precision] | None:
    """The date if it exists (no 31 April)."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day), precision


def full_date_in(text: str) -> date | None:
    """The first date in the text that names its year ("2 Sep, 2024", "8. Oktober 2024"), as a dateline gives it."""
    for named in find_dates(text):
        if named.kind == "full" and named.year and named.month and named.day:
            resolved = _valid(named.year, named.month, named.day, "day")
            if resolved:
                return resolved[0]
    return None
