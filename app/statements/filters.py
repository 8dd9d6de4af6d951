"""The statement history's filters: parsed from the query string, checked, and written back canonically."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app import params
from app.actors import repository as actors_repository
from app.actors.models import Actor
from app.countries import repository as countries_repository
from app.countries.models import Country
from app.errors import BadQuery
from app.statements.rules import check_stance
from app.statements.schemas import MAX_SEARCH_LENGTH, HistoryQuery
from app.text import first_control_character, fold, signed
from app.topics import repository as topics_repository
from app.topics.models import Topic

MAX_SEARCH_WORDS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class HistoryFilters:
    countries: tuple[Country, ...] = ()
    actor: Actor | None = None
    topic: Topic | None = None
    stances: tuple[int, ...] = ()
    first: date | None = None
    last: date | None = None
    text: str | None = None
    words: tuple[str, ...] = field(default=())
    conditional: bool = False

    @property
    def params(self) -> dict[str, str | list[str]]:
        """The canonical query string of these filters (empty values dropped)."""
        found: dict[str, str | list[str]] = {}
        if self.countries:
            found["country"] = [country.code for country in self.countries]
        if self.actor is not None:
            found["actor"] = self.actor.slug
        if self.topic is not None:
            found["topic"] = self.topic.slug
        if self.stances:
            found["stance"] = [str(stance) for stance in self.stances]
        if self.first is not None:
            found["from"] = self.first.isoformat()
        if self.last is not None:
            found["to"] = self.last.isoformat()
        if self.text:
            found["q"] = self.text
        if self.conditional:
            found["conditional"] = "1"
        return found

    @property
    def active(self) -> bool:
        return bool(self.params)

    @property
    def description(self) -> str:
        """These filters in words, as a feed's title names them: 'Poland; on No-fly zone; "drone"' ('' for none)."""
        parts = [", ".join(country.name for country in self.countries)] if self.countries else []
        if self.actor is not None:
            parts.append(f"by {self.actor.name}")
        if self.topic is not None:
            parts.append(f"on {self.topic.title}")
        if self.stances:
            parts.append("stance " + " or ".join(signed(stance) for stance in self.stances))
        if self.first is not None:
            parts.append(f"from {self.first.isoformat()}")
        if self.last is not None:
            parts.append(f"to {self.last.isoformat()}")
        if self.text:
            parts.append(f"\u201c{self.text}\u201d")
        if self.conditional:
            parts.append("with a condition")
        return "; ".join(parts)


def search_words(text: str) -> tuple[str, ...]:
    """The words of a search, lower-cased; punctuation and operators are ignored, never interpreted.

    Diacritics are left for the database to fold, exactly as it folded the indexed text.
    """
    return tuple(dict.fromkeys(word.casefold() for word in _WORD.findall(text)))[:MAX_SEARCH_WORDS]


def parse(session: Session, query: HistoryQuery) -> HistoryFilters:
    """Check every filter; BadQuery names the first that can't be used."""
    first_day = params.parse_day(query.first, "from")
    last_day = params.parse_day(query.last, "to")
    params.check_order(first_day, last_day)
    text = _text(query.q)
    return HistoryFilters(
        countries=_countries(session, query.country),
        actor=_actor(session, query.actor),
        topic=_topic(session, query.topic),
        stances=_stances(query.stance),
        first=first_day,
        last=last_day,
        text=text,
        words=search_words(text) if text else (),
        conditional=params.parse_flag(query.conditional, "conditional"),
    )


def _countries(session: Session, codes: list[str]) -> tuple[Country, ...]:
    wanted = [code.strip().upper() for raw in codes for code in raw.split(",") if code.strip()]
    if not wanted:
        return ()
    known = countries_repository.with_codes(session, wanted)
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise BadQuery("country", f"unknown country code '{unknown[0]}'")
    return tuple(known[code] for code in dict.fromkeys(wanted))


def _actor(session: Session, value: str | None) -> Actor | None:
    """An actor by slug, or by a name or alias typed into the filter."""
    if params.blank(value):
        return None
    assert value is not None
    found = actors_repository.get_by_slug(session, value.strip())
    if found is not None:
        return found
    matches = actors_repository.alias_index(session, [fold(value)]).get(fold(value), set())
    if len(matches) == 1:
        return actors_repository.with_offices(session, matches)[next(iter(matches))]
    if len(matches) > 1:
        raise BadQuery("actor", f"'{value}' names several actors; pick one from their pages")
    raise BadQuery("actor", f"no actor is called '{value}'")


def _topic(session: Session, value: str | None) -> Topic | None:
    if params.blank(value):
        return None
    assert value is not None
    topic = topics_repository.get_by_slug(session, value.strip())
    if topic is None:
        known = ", ".join(t.slug for t in topics_repository.all_topics(session))
        raise BadQuery("topic", f"unknown topic '{value}'; choose one of: {known}")
    return topic


def _stances(values: list[str]) -> tuple[int, ...]:
    found = []
    for value in values:
        if params.blank(value):
            continue
        try:
            found.append(check_stance(value))
        except ValueError as error:
            raise BadQuery("stance", str(error)) from None
    return tuple(sorted(set(found), reverse=True))


def _text(value: str | None) -> str | None:
    if params.blank(value):
        return None
    assert value is not None
    if len(value) > MAX_SEARCH_LENGTH:
        raise BadQuery("q", f"is {len(value)} characters long; searches are limited to {MAX_SEARCH_LENGTH}")
    text = " ".join(value.split())
    if first_control_character(text, allow_newlines=False) is not None:
        raise BadQuery("q", "contains a control character")
    # Punctuation alone has nothing to search for, like an empty box: no filter (and none in the URL).
    return text if search_words(text) else None
